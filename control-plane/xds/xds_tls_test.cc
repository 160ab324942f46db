// The TLS xDS port: a real XdsServer on loopback with a CA-issued certificate
// (TlsServingFiles), and clients with mesh-proxy's credentials
// (MakeControlPlaneChannel) that trust the right root, a wrong root, or dial the
// wrong server name; a root file the proxy re-reads while running. Renewal is
// checked on simulated time.
#include <cstdlib>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "certs/atomic_file.h"
#include "certs/certificate_authority.h"
#include "common/testing/fake_dispatcher.h"
#include "common/time/real_time_source.h"
#include "control-plane/xds/tls_serving_files.h"
#include "control-plane/xds/xds_server.h"
#include "gtest/gtest.h"
#include "proxy/identity/control_plane_channel.h"
#include "weft/controlplane/v1/mesh_status.grpc.pb.h"

namespace weft::xds {
namespace {

constexpr char kName[] = "weft-control-plane.weft-system.svc";

std::unique_ptr<certs::CertificateAuthority> NewCa(const TimeSource& time) {
  certs::CertificateAuthority::Options options;
  options.trust_domain = "cluster.local";
  absl::StatusOr<std::unique_ptr<certs::CertificateAuthority>> ca =
      certs::CertificateAuthority::Generate(options, time);
  EXPECT_TRUE(ca.ok()) << ca.status();
  return *std::move(ca);
}

TlsServingFiles::Issuer IssuerFor(const certs::CertificateAuthority& ca, absl::Duration ttl) {
  return [&ca, ttl](EVP_PKEY* key) {
    return ca.IssueServingCertificate(key, {kName, std::string(kName) + ".cluster.local"}, ttl);
  };
}

std::string TestDir(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
}

class XdsTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = NewCa(RealTimeSource::Instance());  // gRPC checks validity on the real clock
    TlsServingFiles::Options files_options;
    files_options.directory = TestDir("serving");
    absl::StatusOr<std::unique_ptr<TlsServingFiles>> files =
        TlsServingFiles::Create(files_options, IssuerFor(*ca_, absl::Hours(24)), dispatcher_);
    ASSERT_TRUE(files.ok()) << files.status();
    files_ = *std::move(files);
    XdsServer::Options options;
    options.address = "127.0.0.1:0";
    options.tls_address = "127.0.0.1:0";
    options.tls_credentials = files_->ServerCredentials();
    absl::StatusOr<std::unique_ptr<XdsServer>> server =
        XdsServer::Start(options, RealTimeSource::Instance());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_NE(server_->tls_port(), 0);
  }

  // A channel as mesh-proxy makes it: trusting the roots in `root_file`
  // (re-read every second), checking the certificate for `name`; reconnecting
  // quickly after a refused handshake.
  std::shared_ptr<grpc::Channel> Channel(const std::string& root_file, const std::string& name) {
    absl::StatusOr<identity::ControlPlaneChannel> c =
        identity::MakeControlPlaneChannel(root_file, name, absl::Seconds(1));
    EXPECT_TRUE(c.ok()) << c.status();
    if (!c.ok()) return nullptr;
    return ChannelWith(*c);
  }
  // Another channel on the same credentials gets a connection (and handshake)
  // of its own: `channel_number` keeps gRPC from sharing one between them.
  std::shared_ptr<grpc::Channel> ChannelWith(const identity::ControlPlaneChannel& c,
                                             int channel_number = 0) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride(c.server_name);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 300);
    args.SetInt("weft.test.channel_number", channel_number);
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->tls_port()),
                                     c.credentials, args);
  }

  static grpc::Status ListProxies(grpc::Channel& channel) {
    auto stub = weft::controlplane::v1::MeshStatus::NewStub(
        std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    weft::controlplane::v1::ListProxiesRequest request;
    weft::controlplane::v1::ListProxiesResponse response;
    return stub->ListProxies(&context, request, &response);
  }

  // ListProxies over TLS trusting `root_pem`, checking the certificate for `name`.
  grpc::Status Call(const std::string& root_pem, const std::string& name) {
    const std::string file = TestDir("root-" + std::to_string(files_written_++) + ".pem");
    EXPECT_TRUE(certs::WriteFileAtomically(file, root_pem, 0644).ok());
    std::shared_ptr<grpc::Channel> channel = Channel(file, name);
    if (channel == nullptr) return grpc::Status(grpc::StatusCode::INTERNAL, "no channel");
    return ListProxies(*channel);
  }

  // Calls until one succeeds (true) or `limit` passes: for changes that gRPC's
  // file watcher picks up on the real clock.
  static bool SucceedsWithin(grpc::Channel& channel, absl::Duration limit) {
    const absl::Time end = absl::Now() + limit;
    while (absl::Now() < end) {
      if (ListProxies(channel).ok()) return true;
      channel.WaitForStateChange(channel.GetState(/*try_to_connect=*/true),
                                 std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    }
    return false;
  }

  int files_written_ = 0;

  testing::FakeDispatcher dispatcher_;
  std::unique_ptr<certs::CertificateAuthority> ca_;
  std::unique_ptr<TlsServingFiles> files_;
  std::unique_ptr<XdsServer> server_;
};

TEST_F(XdsTlsTest, TrustedRootAndMatchingNameConnect) {
  grpc::Status status = Call(ca_->root_cert_pem(), kName);
  EXPECT_TRUE(status.ok()) << status.error_message();
  status = Call(ca_->root_cert_pem(), std::string(kName) + ".cluster.local");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(XdsTlsTest, WrongRootIsRefused) {
  std::unique_ptr<certs::CertificateAuthority> other = NewCa(RealTimeSource::Instance());
  grpc::Status status = Call(other->root_cert_pem(), kName);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(XdsTlsTest, WrongServerNameIsRefused) {
  grpc::Status status = Call(ca_->root_cert_pem(), "impostor.weft-system.svc");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

// A root rotation reaches a running proxy through its root file: the channel it
// made at start trusts the new root once the file holds it (the mirror's timer
// copies it, gRPC re-reads the copy every second), with no restart and no new
// credentials. A source that then turns invalid is refused by the mirror, and
// new connections keep the roots accepted before.
TEST_F(XdsTlsTest, RootFileIsReadAgainWhileRunning) {
  std::unique_ptr<certs::CertificateAuthority> old_root = NewCa(RealTimeSource::Instance());
  const std::string file = TestDir("mounted-root.pem");
  ASSERT_TRUE(certs::WriteFileAtomically(file, old_root->root_cert_pem(), 0644).ok());
  absl::StatusOr<identity::ControlPlaneChannel> c =
      identity::MakeControlPlaneChannel(file, kName, absl::Seconds(1));
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_NE(c->roots, nullptr);
  std::shared_ptr<grpc::Channel> channel = ChannelWith(*c);
  EXPECT_EQ(ListProxies(*channel).error_code(), grpc::StatusCode::UNAVAILABLE);

  // The bundle during a rotation: the old root and the one the server's
  // certificate now chains to.
  ASSERT_TRUE(certs::WriteFileAtomically(file, old_root->root_cert_pem() + ca_->root_cert_pem(),
                                         0644).ok());
  ASSERT_TRUE(c->roots->Refresh().ok());
  EXPECT_TRUE(SucceedsWithin(*channel, absl::Seconds(20)));

  ASSERT_TRUE(certs::WriteFileAtomically(file, "not a certificate\n", 0644).ok());
  EXPECT_EQ(c->roots->Refresh().code(), absl::StatusCode::kInvalidArgument);
  std::shared_ptr<grpc::Channel> second = ChannelWith(*c, /*channel_number=*/1);
  grpc::Status status = ListProxies(*second);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(XdsTlsTest, PlaintextPortStillServes) {
  auto stub = weft::controlplane::v1::MeshStatus::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  weft::controlplane::v1::ListProxiesRequest request;
  weft::controlplane::v1::ListProxiesResponse response;
  EXPECT_TRUE(stub->ListProxies(&context, request, &response).ok());
}

TEST(TlsServingFilesTest, RenewsAfterTwoThirdsOfTheLifetime) {
  testing::FakeDispatcher dispatcher;
  std::unique_ptr<certs::CertificateAuthority> ca = NewCa(dispatcher.time());
  TlsServingFiles::Options options;
  options.directory = TestDir("renewal");
  absl::StatusOr<std::unique_ptr<TlsServingFiles>> files =
      TlsServingFiles::Create(options, IssuerFor(*ca, absl::Hours(3)), dispatcher);
  ASSERT_TRUE(files.ok()) << files.status();
  const absl::Time first_expiry = (*files)->not_after();
  absl::StatusOr<std::string> first_cert = certs::ReadSmallFile((*files)->cert_path(), 1 << 16);
  ASSERT_TRUE(first_cert.ok());

  dispatcher.AdvanceTime(absl::Minutes(110));  // before 2/3 of 3 h (+ backdating)
  EXPECT_EQ((*files)->renewals(), 0);
  dispatcher.AdvanceTime(absl::Minutes(20));
  EXPECT_EQ((*files)->renewals(), 1);
  EXPECT_GT((*files)->not_after(), first_expiry);
  absl::StatusOr<std::string> second_cert = certs::ReadSmallFile((*files)->cert_path(), 1 << 16);
  ASSERT_TRUE(second_cert.ok());
  EXPECT_NE(*first_cert, *second_cert);
}

TEST(TlsServingFilesTest, IssuerErrorFailsCreate) {
  testing::FakeDispatcher dispatcher;
  TlsServingFiles::Options options;
  options.directory = TestDir("failing");
  absl::StatusOr<std::unique_ptr<TlsServingFiles>> files = TlsServingFiles::Create(
      options, [](EVP_PKEY*) -> absl::StatusOr<std::string> { return absl::UnavailableError("no CA"); },
      dispatcher);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kUnavailable);
}

TEST(XdsServerTlsOptionsTest, TlsAddressWithoutCredentialsIsInvalid) {
  XdsServer::Options options;
  options.address = "127.0.0.1:0";
  options.tls_address = "127.0.0.1:0";
  EXPECT_EQ(XdsServer::Start(options, RealTimeSource::Instance()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace weft::xds
