// The webhook over real loopback HTTPS: a BoringSSL client that verifies the
// server's CA-issued certificate (chain and DNS name), AdmissionReviews in and
// out, the HTTP errors, and certificate renewal on simulated time.

#include "control-plane/webhook/webhook_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "certs/certificate_authority.h"
#include "certs/x509_util.h"
#include "common/json/json_value.h"
#include "common/time/simulated_time_source.h"
#include "gtest/gtest.h"
#include "openssl/ssl.h"
#include "openssl/x509.h"

namespace weft::webhook {
namespace {

constexpr char kServiceName[] = "weft-webhook.weft-system.svc";

constexpr char kReview[] = R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
  "request": {"uid": "3f1e", "kind": {"kind": "Pod"}, "namespace": "shop", "operation": "CREATE",
    "object": {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "web"}]}}}})";

class WebhookServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs::CertificateAuthority::Options ca_options;
    ca_options.trust_domain = "cluster.local";
    absl::StatusOr<std::unique_ptr<certs::CertificateAuthority>> ca =
        certs::CertificateAuthority::Generate(ca_options, time_);
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *std::move(ca);
    certs_ = std::make_unique<ServingCertificate>(
        [this](EVP_PKEY* key) {
          ++issued_;
          if (fail_issuing_) return absl::StatusOr<std::string>(absl::UnavailableError("CA down"));
          return ca_->IssueServingCertificate(
              key, {kServiceName, std::string(kServiceName) + ".cluster.local"}, absl::Hours(24));
        },
        time_);
  }

  void StartServer() {
    WebhookServer::Options options;
    options.ip = "127.0.0.1";
    options.port = 0;
    options.max_request_bytes = 64 * 1024;
    options.request_timeout = absl::Seconds(2);
    absl::StatusOr<std::unique_ptr<WebhookServer>> server =
        WebhookServer::Start(options, *certs_, time_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // One request over TLS; returns the whole response, or "" when the handshake
  // (with chain and name verification) fails.
  std::string Call(const std::string& request, const char* host = kServiceName,
                   uint16_t max_version = TLS1_3_VERSION) {
    bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
    SSL_CTX_set_max_proto_version(ctx.get(), max_version);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    absl::StatusOr<std::vector<bssl::UniquePtr<X509>>> roots =
        certs::ParseCertificatesPem(ca_->root_cert_pem());
    EXPECT_TRUE(roots.ok());
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), (*roots)[0].get());
    // The certificates live on simulated time (2026-01-01).
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx.get()), absl::ToUnixSeconds(time_.SystemNow()));
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    bssl::UniquePtr<SSL> ssl(SSL_new(ctx.get()));
    X509_VERIFY_PARAM_set1_host(SSL_get0_param(ssl.get()), host, strlen(host));
    SSL_set_fd(ssl.get(), fd);
    std::string response;
    if (SSL_connect(ssl.get()) == 1) {
      SSL_write(ssl.get(), request.data(), static_cast<int>(request.size()));
      char buf[4096];
      for (int i = 0; i < 1000; ++i) {
        const int n = SSL_read(ssl.get(), buf, sizeof(buf));
        if (n <= 0) break;
        response.append(buf, static_cast<size_t>(n));
      }
    }
    close(fd);
    return response;
  }

  static std::string Post(const std::string& path, const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  SimulatedTimeSource time_;
  std::unique_ptr<certs::CertificateAuthority> ca_;
  std::unique_ptr<ServingCertificate> certs_;
  std::unique_ptr<WebhookServer> server_;
  int issued_ = 0;
  bool fail_issuing_ = false;
};

TEST_F(WebhookServerTest, AnswersAReviewWithAPatchOverVerifiedTls) {
  StartServer();
  const std::string response = Call(Post("/inject", kReview));
  ASSERT_TRUE(absl::StartsWith(response, "HTTP/1.1 200 OK\r\n")) << response;
  EXPECT_TRUE(absl::StrContains(response, "Content-Type: application/json"));
  absl::StatusOr<json::Json> review = json::Json::Parse(response.substr(response.find("\r\n\r\n") + 4));
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ((*review)["response"].Text("uid"), "3f1e");
  EXPECT_EQ((*review)["response"].Text("patchType"), "JSONPatch");
  std::string patch;
  ASSERT_TRUE(absl::Base64Unescape((*review)["response"].Text("patch"), &patch));
  EXPECT_TRUE(absl::StrContains(patch, "weft-proxy"));
  // The other DNS name verifies too; a name not in the certificate does not.
  EXPECT_TRUE(absl::StartsWith(Call("GET /ready HTTP/1.1\r\n\r\n",
                                    "weft-webhook.weft-system.svc.cluster.local"),
                               "HTTP/1.1 200"));
  EXPECT_EQ(Call("GET /ready HTTP/1.1\r\n\r\n", "evil.example.com"), "");
  EXPECT_EQ(server_->requests(), 2u);
}

TEST_F(WebhookServerTest, UnlabelledNamespacesOnlyInjectAnnotatedPods) {
  StartServer();
  const std::string response = Call(Post("/inject-annotated", kReview));
  ASSERT_TRUE(absl::StartsWith(response, "HTTP/1.1 200")) << response;
  EXPECT_FALSE(absl::StrContains(response, "patchType"));
}

TEST_F(WebhookServerTest, NamesWhatIsWrongWithARequest) {
  StartServer();
  std::string r = Call(Post("/inject", R"({"kind": "AdmissionReview"})"));
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 400")) << r;
  EXPECT_TRUE(absl::StrContains(r, "malformed AdmissionReview: apiVersion")) << r;
  EXPECT_TRUE(absl::StartsWith(Call(Post("/mutate", kReview)), "HTTP/1.1 404"));
  EXPECT_TRUE(absl::StartsWith(Call("GET /inject HTTP/1.1\r\n\r\n"), "HTTP/1.1 405"));
  EXPECT_TRUE(absl::StartsWith(Call("POST /inject HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
                               "HTTP/1.1 411"));
  r = Call("POST /inject HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(r, "HTTP/1.1 413")) << r;
}

TEST_F(WebhookServerTest, RefusesTlsBelow12) {
  StartServer();
  EXPECT_EQ(Call("GET /ready HTTP/1.1\r\n\r\n", kServiceName, TLS1_1_VERSION), "");
  EXPECT_TRUE(absl::StartsWith(Call("GET /ready HTTP/1.1\r\n\r\n", kServiceName, TLS1_2_VERSION),
                               "HTTP/1.1 200"));
}

TEST_F(WebhookServerTest, RenewsTheCertificateBeforeItExpires) {
  absl::StatusOr<std::shared_ptr<SSL_CTX>> first = certs_->Current();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(certs_->not_after(), time_.SystemNow() + absl::Hours(24));
  time_.Advance(absl::Hours(15));
  EXPECT_EQ(*certs_->Current(), *first);  // not yet due (2/3 of 24 h = 16 h)
  time_.Advance(absl::Hours(2));
  absl::StatusOr<std::shared_ptr<SSL_CTX>> second = certs_->Current();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  EXPECT_EQ(certs_->renewals(), 1);
  EXPECT_EQ(certs_->not_after(), time_.SystemNow() + absl::Hours(24));
  // The CA is down: the current certificate is kept while valid, then none.
  fail_issuing_ = true;
  time_.Advance(absl::Hours(17));
  EXPECT_EQ(*certs_->Current(), *second);
  time_.Advance(absl::Hours(8));
  const absl::Status expired = certs_->Current().status();
  EXPECT_EQ(expired.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(expired.message(), "CA down")) << expired;
}

}  // namespace
}  // namespace weft::webhook
