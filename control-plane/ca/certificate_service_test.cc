// weft.ca.v1.CertificateService end to end over a real gRPC server on loopback.
#include "control-plane/ca/certificate_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "certs/cert_test_util.h"
#include "certs/trust_bundle.h"
#include "common/time/simulated_time_source.h"
#include "control-plane/ca/ca_metrics.h"
#include "control-plane/ca/certificate_issuer.h"
#include "control-plane/ca/issued_certificates.h"
#include "control-plane/ca/join_token_store.h"
#include "control-plane/ca/join_token_verifier.h"
#include "control-plane/ca/rotating_authority.h"
#include "gtest/gtest.h"
#include "weft/ca/v1/ca.grpc.pb.h"

namespace weft::control_plane::ca {
namespace {

namespace v1 = weft::ca::v1;

constexpr char kCartId[] = "spiffe://cluster.local/ns/shop/sa/cart";

class CertificateServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string dir = certs::MakeTempDir();
    RotatingAuthority::Options options;
    options.ca.trust_domain = "cluster.local";
    options.max_leaf_ttl = absl::Hours(24);
    auto authority = RotatingAuthority::LoadOrCreate(dir, options, time_);
    ASSERT_TRUE(authority.ok()) << authority.status();
    authority_ = std::move(*authority);
    JoinTokenStore store(JoinTokenStore::DirectoryFor(dir));
    cart_token_ = *store.Issue({"shop", "cart-0"});
    unregistered_token_ = *store.Issue({"shop", "ghost-0"});
    verifier_ = std::make_unique<JoinTokenVerifier>(
        store, "cluster.local", [](const WorkloadRef& w) -> absl::StatusOr<std::string> {
          if (w.ToString() == "shop/cart-0") return std::string("cart");
          return absl::NotFoundError("not registered");
        });
    issuer_ = std::make_unique<CertificateIssuer>(*authority_, *verifier_, &issued_, &metrics_,
                                                  time_);
    service_ = std::make_unique<CertificateService>(*issuer_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    stub_ = v1::CertificateService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::Status Call(const std::string& csr, const std::string& token,
                    v1::CreateCertificateResponse* response, int64_t lifetime_s = 0) {
    v1::CreateCertificateRequest request;
    request.set_csr_pem(csr);
    request.set_identity_token(token);
    if (lifetime_s != 0) request.mutable_requested_lifetime()->set_seconds(lifetime_s);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stub_->CreateCertificate(&context, request, response);
  }

  SimulatedTimeSource time_;
  std::unique_ptr<RotatingAuthority> authority_;
  std::unique_ptr<JoinTokenVerifier> verifier_;
  IssuedCertificates issued_;
  CaMetrics metrics_;
  std::unique_ptr<CertificateIssuer> issuer_;
  std::unique_ptr<CertificateService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::CertificateService::Stub> stub_;
  std::string cart_token_;
  std::string unregistered_token_;
};

TEST_F(CertificateServiceTest, IssuesTheGrantedIdentity) {
  absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kCartId);
  ASSERT_TRUE(kc.ok());
  v1::CreateCertificateResponse response;
  grpc::Status status = Call(kc->csr_pem, cart_token_, &response, 3600);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.spiffe_id(), kCartId);
  EXPECT_EQ(response.expire_time().seconds(),
            absl::ToUnixSeconds(time_.SystemNow() + absl::Hours(1)));
  absl::StatusOr<certs::TrustBundle> bundle =
      certs::TrustBundle::FromPem("cluster.local", response.trust_bundle_pem());
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  absl::StatusOr<certs::SpiffeId> id =
      certs::VerifyWorkloadChain(response.certificate_chain_pem(), *bundle, time_.SystemNow());
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->ToString(), kCartId);

  EXPECT_EQ(metrics_.Get(SigningResult::kIssued), 1u);
  std::vector<IssuedCertificate> live = issued_.List(time_.SystemNow());
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].spiffe_id, kCartId);
  EXPECT_EQ(live[0].root_fingerprint, bundle->Fingerprints()[0]);
  EXPECT_NE(live[0].peer.find("127.0.0.1"), std::string::npos) << live[0].peer;
  // Expired certificates leave the record.
  time_.Advance(absl::Hours(1));
  EXPECT_TRUE(issued_.List(time_.SystemNow()).empty());
}

TEST_F(CertificateServiceTest, AnotherIdentityIsPermissionDeniedNamingBoth) {
  absl::StatusOr<certs::KeyAndCsr> kc =
      certs::MakeKeyAndCsr("spiffe://cluster.local/ns/shop/sa/payments");
  ASSERT_TRUE(kc.ok());
  v1::CreateCertificateResponse response;
  grpc::Status status = Call(kc->csr_pem, cart_token_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("spiffe://cluster.local/ns/shop/sa/payments"),
            std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find(kCartId), std::string::npos) << status.error_message();
  EXPECT_EQ(metrics_.Get(SigningResult::kPermissionDenied), 1u);
  EXPECT_EQ(metrics_.Get(SigningResult::kIssued), 0u);
  EXPECT_TRUE(issued_.List(time_.SystemNow()).empty());
}

TEST_F(CertificateServiceTest, TamperedCsrIsInvalidArgument) {
  absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kCartId);
  ASSERT_TRUE(kc.ok());
  std::string name;
  absl::StatusOr<std::string> der = certs::PemToDer(kc->csr_pem, &name);
  ASSERT_TRUE(der.ok());
  // Flip a bit in the signed content (well before the signature at the end).
  (*der)[der->size() / 3] ^= 0x01;
  v1::CreateCertificateResponse response;
  grpc::Status status = Call(certs::DerToPem(*der, name), cart_token_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(metrics_.Get(SigningResult::kInvalidRequest), 1u);

  status = Call("-----BEGIN CERTIFICATE REQUEST-----\ngarbage\n", cart_token_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  status = Call("", cart_token_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "the request has no CSR");
}

TEST_F(CertificateServiceTest, UnknownOrMissingTokenIsUnauthenticated) {
  absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kCartId);
  ASSERT_TRUE(kc.ok());
  v1::CreateCertificateResponse response;
  const std::string forged = "weft-jt-" + std::string(64, '7');
  grpc::Status status = Call(kc->csr_pem, forged, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message().find(forged), std::string::npos);
  EXPECT_EQ(Call(kc->csr_pem, "", &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(metrics_.Get(SigningResult::kUnauthenticated), 2u);

  // A valid token for a workload that is not registered grants nothing.
  status = Call(kc->csr_pem, unregistered_token_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("shop/ghost-0"), std::string::npos);
}

TEST_F(CertificateServiceTest, NegativeLifetimeIsInvalidArgument) {
  absl::StatusOr<certs::KeyAndCsr> kc = certs::MakeKeyAndCsr(kCartId);
  ASSERT_TRUE(kc.ok());
  v1::CreateCertificateResponse response;
  grpc::Status status = Call(kc->csr_pem, cart_token_, &response, -5);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("negative"), std::string::npos);
}

TEST(CaMetricsTest, RendersEveryResult) {
  CaMetrics metrics;
  metrics.Count(SigningResult::kIssued);
  metrics.Count(ResultOf(absl::PermissionDeniedError("x")));
  stats::PrometheusTextWriter w;
  metrics.Render(w);
  const std::string text = w.Release();
  EXPECT_NE(text.find("weft_cp_certificate_signings_total{result=\"issued\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("weft_cp_certificate_signings_total{result=\"permission_denied\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("weft_cp_certificate_signings_total{result=\"unauthenticated\"} 0\n"),
            std::string::npos);
}

}  // namespace
}  // namespace weft::control_plane::ca
