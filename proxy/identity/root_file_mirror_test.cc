// The copy of --xds_root_cert that gRPC reads: it follows a valid source, and
// keeps the last accepted roots when the source goes missing or turns invalid.
#include "proxy/identity/root_file_mirror.h"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "certs/atomic_file.h"
#include "certs/cert_test_util.h"
#include "certs/certificate_authority.h"
#include "common/testing/fake_dispatcher.h"
#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"

namespace weft::identity {
namespace {

std::string NewRootPem() {
  SimulatedTimeSource time;
  certs::CertificateAuthority::Options options;
  options.trust_domain = "cluster.local";
  auto ca = certs::CertificateAuthority::Generate(options, time);
  EXPECT_TRUE(ca.ok()) << ca.status();
  return ca.ok() ? (*ca)->root_cert_pem() : "";
}

std::string Read(const std::string& path) {
  absl::StatusOr<std::string> s = certs::ReadSmallFile(path, 1 << 20);
  return s.ok() ? *s : "<" + s.status().ToString() + ">";
}

class RootFileMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = certs::MakeTempDir();
    source_ = dir_ + "/root-cert.pem";
    old_root_ = NewRootPem();
    new_root_ = NewRootPem();
    Write(old_root_);
  }
  void Write(const std::string& contents) {
    ASSERT_TRUE(certs::WriteFileAtomically(source_, contents, 0644).ok());
  }
  std::unique_ptr<RootFileMirror> Make() {
    auto m = RootFileMirror::Create(source_, dir_ + "/copy");
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *std::move(m) : nullptr;
  }

  std::string dir_, source_, old_root_, new_root_;
};

TEST_F(RootFileMirrorTest, CopiesAValidSourceAndFollowsItsChanges) {
  std::unique_ptr<RootFileMirror> m = Make();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(Read(m->copy_path()), old_root_);
  EXPECT_TRUE(m->Refresh().ok());
  EXPECT_EQ(m->updates(), 0);  // unchanged: not rewritten

  Write(old_root_ + new_root_);  // a rotation's bundle
  EXPECT_TRUE(m->Refresh().ok());
  EXPECT_EQ(Read(m->copy_path()), old_root_ + new_root_);
  Write(new_root_);  // the old root retired
  EXPECT_TRUE(m->Refresh().ok());
  EXPECT_EQ(Read(m->copy_path()), new_root_);
  EXPECT_EQ(m->updates(), 2);
}

TEST_F(RootFileMirrorTest, KeepsTheLastRootsWhenTheSourceTurnsBad) {
  std::unique_ptr<RootFileMirror> m = Make();
  ASSERT_NE(m, nullptr);
  Write("not a certificate\n");
  absl::Status s = m->Refresh();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(source_), std::string::npos) << s;
  EXPECT_NE(s.message().find("not PEM root certificates"), std::string::npos) << s;
  EXPECT_EQ(Read(m->copy_path()), old_root_);

  Write("");
  EXPECT_FALSE(m->Refresh().ok());
  ASSERT_EQ(unlink(source_.c_str()), 0);
  s = m->Refresh();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cannot read"), std::string::npos) << s;
  EXPECT_EQ(Read(m->copy_path()), old_root_);
  EXPECT_EQ(m->updates(), 0);

  Write(new_root_);  // and recovers once the source is good again
  EXPECT_TRUE(m->Refresh().ok());
  EXPECT_EQ(Read(m->copy_path()), new_root_);
}

TEST_F(RootFileMirrorTest, CreateRefusesABadSourceNamingIt) {
  Write("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  auto bad = RootFileMirror::Create(source_, dir_ + "/copy");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find(source_), std::string::npos) << bad.status();
  auto missing = RootFileMirror::Create(dir_ + "/missing.pem", dir_ + "/copy");
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("missing.pem"), std::string::npos)
      << missing.status();
}

TEST_F(RootFileMirrorTest, StartRefreshesOnTheDispatchersClock) {
  testing::FakeDispatcher dispatcher;
  std::unique_ptr<RootFileMirror> m = Make();
  ASSERT_NE(m, nullptr);
  m->Start(dispatcher, absl::Seconds(5));
  Write(new_root_);
  dispatcher.AdvanceTime(absl::Seconds(4));
  EXPECT_EQ(Read(m->copy_path()), old_root_);
  dispatcher.AdvanceTime(absl::Seconds(1));
  EXPECT_EQ(Read(m->copy_path()), new_root_);
  Write("garbage");
  dispatcher.AdvanceTime(absl::Seconds(10));  // two failed refreshes, the copy stays
  EXPECT_EQ(Read(m->copy_path()), new_root_);
  Write(old_root_);
  dispatcher.AdvanceTime(absl::Seconds(5));
  EXPECT_EQ(Read(m->copy_path()), old_root_);
  EXPECT_EQ(m->updates(), 2);
}

TEST_F(RootFileMirrorTest, TheCopyAndTheDirectoryItMadeGoAway) {
  std::string copy, made_dir;
  {
    auto m = RootFileMirror::Create(source_, /*directory=*/"");
    ASSERT_TRUE(m.ok()) << m.status();
    copy = (*m)->copy_path();
    made_dir = copy.substr(0, copy.rfind('/'));
    EXPECT_EQ(Read(copy), old_root_);
    struct stat st;
    ASSERT_EQ(stat(made_dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
  }
  EXPECT_NE(access(copy.c_str(), F_OK), 0);
  EXPECT_NE(access(made_dir.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace weft::identity
