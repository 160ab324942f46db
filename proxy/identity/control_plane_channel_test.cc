// --xds_root_cert / --xds_server_name: plaintext by default, TLS with a readable
// PEM root, and exit-2 errors that name the flag for anything else.
#include "proxy/identity/control_plane_channel.h"

#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/declare.h"
#include "certs/atomic_file.h"
#include "certs/cert_test_util.h"
#include "certs/certificate_authority.h"
#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "proxy/identity/identity_flags.h"

ABSL_DECLARE_FLAG(std::string, xds_root_cert);
ABSL_DECLARE_FLAG(std::string, xds_server_name);
ABSL_DECLARE_FLAG(absl::Duration, xds_root_refresh);

namespace weft::identity {
namespace {

class ControlPlaneChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = certs::MakeTempDir();
    SimulatedTimeSource time;
    certs::CertificateAuthority::Options options;
    options.trust_domain = "cluster.local";
    auto ca = certs::CertificateAuthority::Generate(options, time);
    ASSERT_TRUE(ca.ok()) << ca.status();
    root_path_ = dir_ + "/root-cert.pem";
    ASSERT_TRUE(certs::WriteFileAtomically(root_path_, (*ca)->root_cert_pem(), 0644).ok());
    garbage_path_ = dir_ + "/garbage.pem";
    ASSERT_TRUE(certs::WriteFileAtomically(garbage_path_, "not a certificate\n", 0644).ok());
  }
  void TearDown() override {
    absl::SetFlag(&FLAGS_xds_root_cert, "");
    absl::SetFlag(&FLAGS_xds_server_name, "");
    absl::SetFlag(&FLAGS_xds_root_refresh, kDefaultRootRefresh);
  }

  std::string dir_, root_path_, garbage_path_;
};

TEST_F(ControlPlaneChannelTest, NoRootIsPlaintext) {
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->tls);
  EXPECT_NE(c->credentials, nullptr);
}

TEST_F(ControlPlaneChannelTest, RootFileGivesTls) {
  absl::SetFlag(&FLAGS_xds_root_cert, root_path_);
  absl::SetFlag(&FLAGS_xds_server_name, "weft-control-plane.weft-system.svc");
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->tls);
  EXPECT_NE(c->credentials, nullptr);
  EXPECT_EQ(c->server_name, "weft-control-plane.weft-system.svc");
  // gRPC reads a checked copy, refreshed as often as the flag says.
  ASSERT_NE(c->roots, nullptr);
  EXPECT_EQ(c->roots->source(), root_path_);
  EXPECT_NE(c->roots->copy_path(), root_path_);
  EXPECT_EQ(c->root_refresh, kDefaultRootRefresh);
}

// A read-only root filesystem with no writable $TMPDIR: the proxy still starts,
// and gRPC watches the root file itself.
TEST_F(ControlPlaneChannelTest, NoWritableTmpdirStillGivesTls) {
  const char* old = getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  setenv("TMPDIR", (dir_ + "/does-not-exist").c_str(), 1);
  absl::SetFlag(&FLAGS_xds_root_cert, root_path_);
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  if (old != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->tls);
  EXPECT_EQ(c->roots, nullptr);
  EXPECT_NE(c->credentials, nullptr);
}

TEST_F(ControlPlaneChannelTest, RefreshUnderASecondIsRefused) {
  absl::SetFlag(&FLAGS_xds_root_cert, root_path_);
  absl::SetFlag(&FLAGS_xds_root_refresh, absl::Milliseconds(500));
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("--xds_root_refresh: "), std::string::npos) << c.status();
  absl::SetFlag(&FLAGS_xds_root_refresh, absl::Seconds(2));
  c = ControlPlaneChannelFromCommandLine();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->root_refresh, absl::Seconds(2));
}

TEST_F(ControlPlaneChannelTest, UnreadableFileNamesTheFlagAndPath) {
  absl::SetFlag(&FLAGS_xds_root_cert, dir_ + "/missing.pem");
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("--xds_root_cert: "), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("missing.pem"), std::string::npos) << c.status();
}

TEST_F(ControlPlaneChannelTest, GarbageFileIsRefused) {
  absl::SetFlag(&FLAGS_xds_root_cert, garbage_path_);
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("--xds_root_cert: "), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("not PEM root certificates"), std::string::npos)
      << c.status();
}

TEST_F(ControlPlaneChannelTest, ServerNameWithoutRootIsRefused) {
  absl::SetFlag(&FLAGS_xds_server_name, "weft-control-plane.weft-system.svc");
  absl::StatusOr<ControlPlaneChannel> c = ControlPlaneChannelFromCommandLine();
  ASSERT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("--xds_server_name: "), std::string::npos) << c.status();
}

}  // namespace
}  // namespace weft::identity
