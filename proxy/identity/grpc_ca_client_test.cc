// GrpcCaClient against the control plane's real CertificateService on loopback.
#include "proxy/identity/grpc_ca_client.h"

#include <grpcpp/grpcpp.h>

#include <future>

#include "certs/cert_test_util.h"
#include "common/time/real_time_source.h"
#include "control-plane/ca/certificate_issuer.h"
#include "control-plane/ca/certificate_service.h"
#include "control-plane/ca/join_token_store.h"
#include "control-plane/ca/join_token_verifier.h"
#include "control-plane/ca/rotating_authority.h"
#include "gtest/gtest.h"

namespace weft::identity {
namespace {

namespace ca = control_plane::ca;
constexpr char kId[] = "spiffe://cluster.local/ns/shop/sa/cart";

class GrpcCaClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = certs::MakeTempDir();
    ca::RotatingAuthority::Options options;
    options.ca.trust_domain = "cluster.local";
    authority_ = *ca::RotatingAuthority::LoadOrCreate(dir, options, time_);
    ca::JoinTokenStore store(ca::JoinTokenStore::DirectoryFor(dir));
    token_ = *store.Issue({"shop", "cart-0"});
    verifier_ = std::make_unique<ca::JoinTokenVerifier>(
        store, "cluster.local",
        [](const ca::WorkloadRef&) -> absl::StatusOr<std::string> { return std::string("cart"); });
    issuer_ = std::make_unique<ca::CertificateIssuer>(*authority_, *verifier_, nullptr, nullptr,
                                                      time_);
    service_ = std::make_unique<ca::CertificateService>(*issuer_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override { server_->Shutdown(); }

  absl::StatusOr<CaResponse> Send(const std::string& address, const CaRequest& request) {
    auto client = GrpcCaClient::Create({address, absl::Seconds(10), &time_});
    EXPECT_TRUE(client.ok());
    std::promise<absl::StatusOr<CaResponse>> promise;
    std::future<absl::StatusOr<CaResponse>> future = promise.get_future();
    (*client)->Send(request, [&promise](absl::StatusOr<CaResponse> r) {
      promise.set_value(std::move(r));
    });
    // Bounded by the 10 s request deadline; normally milliseconds.
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
  }

  const TimeSource& time_ = RealTimeSource::Instance();
  std::unique_ptr<ca::RotatingAuthority> authority_;
  std::unique_ptr<ca::JoinTokenVerifier> verifier_;
  std::unique_ptr<ca::CertificateIssuer> issuer_;
  std::unique_ptr<ca::CertificateService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string token_;
};

TEST_F(GrpcCaClientTest, GetsACertificate) {
  absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kId);
  ASSERT_TRUE(kc.ok());
  absl::StatusOr<CaResponse> r =
      Send("127.0.0.1:" + std::to_string(port_), {kc->csr_pem, absl::Hours(2), token_});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->spiffe_id, kId);
  EXPECT_NE(r->chain_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_NE(r->trust_bundle_pem.find("BEGIN CERTIFICATE"), std::string::npos);
  const absl::Duration left = r->expire_time - time_.SystemNow();
  EXPECT_GT(left, absl::Hours(2) - absl::Minutes(1));
  EXPECT_LE(left, absl::Hours(2));
}

TEST_F(GrpcCaClientTest, StatusCodesCarryOver) {
  absl::StatusOr<certs::KeyAndCsr> kc =
      certs::MakeKeyAndCsr("spiffe://cluster.local/ns/shop/sa/admin");
  ASSERT_TRUE(kc.ok());
  absl::StatusOr<CaResponse> r =
      Send("127.0.0.1:" + std::to_string(port_), {kc->csr_pem, absl::ZeroDuration(), token_});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
  EXPECT_NE(r.status().message().find("CA at 127.0.0.1:"), std::string::npos);
}

TEST_F(GrpcCaClientTest, UnreachableCaIsUnavailable) {
  const std::string address = "127.0.0.1:" + std::to_string(port_);
  server_->Shutdown();
  absl::StatusOr<CaResponse> r = Send(address, {"csr", absl::ZeroDuration(), token_});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
}

TEST(GrpcCaClientOptionsTest, Validates) {
  EXPECT_FALSE(GrpcCaClient::Create({"", absl::Seconds(1), &RealTimeSource::Instance()}).ok());
  EXPECT_FALSE(GrpcCaClient::Create({"x:1", absl::ZeroDuration(), &RealTimeSource::Instance()}).ok());
  EXPECT_FALSE(GrpcCaClient::Create({"x:1", absl::Seconds(1), nullptr}).ok());
}

}  // namespace
}  // namespace weft::identity
