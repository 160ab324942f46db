// The static identity: PEM files into MeshTls, refused files keep the current
// certificate, and the command-line rules (all three files, not with a CA).

#include "proxy/identity/static_identity.h"

#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/declare.h"
#include "certs/atomic_file.h"
#include "certs/cert_test_util.h"
#include "common/time/simulated_time_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/identity/identity_flags.h"
#include "proxy/tls/tls_test_util.h"

ABSL_DECLARE_FLAG(std::string, ca_address);
ABSL_DECLARE_FLAG(std::string, identity_cert_file);
ABSL_DECLARE_FLAG(std::string, identity_key_file);
ABSL_DECLARE_FLAG(std::string, trust_bundle_file);

namespace weft::identity {
namespace {

using ::testing::HasSubstr;

class StaticIdentityTest : public ::testing::Test {
 protected:
  void Write(const std::string& path, const std::string& text) {
    ASSERT_TRUE(certs::WriteFileAtomically(path, text, 0600).ok()) << path;
  }
  // Writes `svid` and the mesh's root into the files.
  void WriteSvid(const tls::TestMesh::Svid& svid) {
    Write(files_.cert_file, svid.chain_pem);
    Write(files_.key_file, svid.key_pem);
    Write(files_.trust_bundle_file, mesh_.root_pem());
  }

  SimulatedTimeSource time_;
  tls::TestMesh mesh_{"bench.local", time_};
  tls::MeshTls tls_{time_};
  const std::string dir_ = certs::MakeTempDir();
  StaticIdentityFiles files_{dir_ + "/cert.pem", dir_ + "/key.pem", dir_ + "/roots.pem"};
};

TEST_F(StaticIdentityTest, LoadsIntoMeshTls) {
  WriteSvid(mesh_.Issue("bench", "a"));
  absl::StatusOr<certs::SpiffeId> id = LoadStaticIdentity(files_, time_, tls_);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->ToString(), "spiffe://bench.local/ns/bench/sa/a");
  const tls::MeshTls::Status status = tls_.status();
  EXPECT_TRUE(status.ready);
  EXPECT_EQ(status.identity, "spiffe://bench.local/ns/bench/sa/a");
  EXPECT_EQ(status.not_after, time_.SystemNow() + absl::Hours(24));
  EXPECT_NE(tls_.Server(/*require_client_certificate=*/true), nullptr);
  EXPECT_NE(tls_.Client(), nullptr);
}

TEST_F(StaticIdentityTest, ReloadSwapsAndBadFilesKeepTheCurrentCertificate) {
  WriteSvid(mesh_.Issue("bench", "a"));
  ASSERT_TRUE(LoadStaticIdentity(files_, time_, tls_).ok());
  WriteSvid(mesh_.Issue("bench", "b"));
  ASSERT_TRUE(LoadStaticIdentity(files_, time_, tls_).ok());
  EXPECT_EQ(tls_.status().identity, "spiffe://bench.local/ns/bench/sa/b");

  // A key that is not the certificate's.
  Write(files_.key_file, mesh_.Issue("bench", "c").key_pem);
  absl::StatusOr<certs::SpiffeId> mismatched = LoadStaticIdentity(files_, time_, tls_);
  EXPECT_FALSE(mismatched.ok());
  EXPECT_THAT(mismatched.status().message(), HasSubstr(files_.key_file));
  EXPECT_EQ(tls_.status().identity, "spiffe://bench.local/ns/bench/sa/b");

  // A root that did not sign the certificate.
  tls::TestMesh other("bench.local", time_);
  WriteSvid(mesh_.Issue("bench", "a"));
  Write(files_.trust_bundle_file, other.root_pem());
  absl::StatusOr<certs::SpiffeId> untrusted = LoadStaticIdentity(files_, time_, tls_);
  EXPECT_EQ(untrusted.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(untrusted.status().message(), HasSubstr("unknown_root"));

  // Expired.
  WriteSvid(mesh_.Issue("bench", "a", absl::Hours(1)));
  time_.Advance(absl::Hours(2));
  absl::StatusOr<certs::SpiffeId> expired = LoadStaticIdentity(files_, time_, tls_);
  EXPECT_THAT(expired.status().message(), HasSubstr("certificate_expired"));

  // Missing file.
  StaticIdentityFiles missing = files_;
  missing.cert_file = dir_ + "/absent.pem";
  absl::StatusOr<certs::SpiffeId> absent = LoadStaticIdentity(missing, time_, tls_);
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(absent.status().message(), HasSubstr("absent.pem"));
  EXPECT_EQ(tls_.status().identity, "spiffe://bench.local/ns/bench/sa/b");
}

TEST(StaticIdentityFlagsTest, AllThreeOrNoneAndNotWithACa) {
  EXPECT_FALSE(StaticIdentityFromCommandLine()->has_value());

  absl::SetFlag(&FLAGS_identity_cert_file, "/c.pem");
  absl::StatusOr<std::optional<StaticIdentityFiles>> partial = StaticIdentityFromCommandLine();
  EXPECT_EQ(partial.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(partial.status().message(),
              HasSubstr("missing --identity_key_file, --trust_bundle_file"));

  absl::SetFlag(&FLAGS_identity_key_file, "/k.pem");
  absl::SetFlag(&FLAGS_trust_bundle_file, "/r.pem");
  absl::StatusOr<std::optional<StaticIdentityFiles>> all = StaticIdentityFromCommandLine();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_TRUE(all->has_value());
  EXPECT_EQ((*all)->cert_file, "/c.pem");
  EXPECT_EQ((*all)->key_file, "/k.pem");
  EXPECT_EQ((*all)->trust_bundle_file, "/r.pem");

  absl::SetFlag(&FLAGS_ca_address, "127.0.0.1:15010");
  absl::StatusOr<std::optional<StaticIdentityFiles>> both = StaticIdentityFromCommandLine();
  EXPECT_THAT(both.status().message(), HasSubstr("cannot be combined with --ca_address"));
}

}  // namespace
}  // namespace weft::identity
