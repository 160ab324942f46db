// Proves that one process can use Weft's symbol-prefixed BoringSSL (for the data
// plane's TLS 1.3) and Debian's gRPC (whose TLS is OpenSSL 3) side by side, in
// either order and at the same time. Both stacks export the same C API names;
// only the weft_bssl_ prefix keeps them apart, so a broken prefix shows up here
// as a crash or as one library's calls landing in the other.

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "certs/test_pki.h"
#include "common/time/real_time_source.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "gtest/gtest.h"
#include "openssl/bio.h"
#include "openssl/err.h"
#include "openssl/ssl.h"
#include "openssl/x509.h"
#include "weft/test/echo.grpc.pb.h"
#include "weft/test/echo.pb.h"

namespace weft {
namespace certs {
namespace {

constexpr int kMaxHandshakeSteps = 64;

struct Pki {
  KeyAndCert ca;
  KeyAndCert leaf;
};

absl::StatusOr<Pki> MakePki() {
  CertOptions options;
  options.common_name = "weft test ca";
  // Real time, because gRPC's OpenSSL checks validity against the system clock;
  // a minute back, so that a clock a little behind still accepts the certificates.
  options.not_before = RealTimeSource::Instance().SystemNow() - absl::Minutes(1);
  absl::StatusOr<KeyAndCert> ca = MakeSelfSignedCa(options);
  if (!ca.ok()) return ca.status();
  options.common_name = "localhost";
  options.dns_names = {"localhost"};
  options.ip_addresses = {"127.0.0.1"};
  absl::StatusOr<KeyAndCert> leaf = MakeLeafCert(options, *ca);
  if (!leaf.ok()) return leaf.status();
  return Pki{*std::move(ca), *std::move(leaf)};
}

std::string DrainSslErrors() {
  std::string out;
  for (uint32_t e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out;
}

struct HandshakeOutcome {
  absl::Status status;
  int version = 0;          // SSL_version() on the client.
  std::string version_name;  // SSL_get_version() on the client, e.g. "TLSv1.3".
  long verify_result = -1;  // SSL_get_verify_result() on the client.
  bool peer_is_leaf = false;
  std::string server_received;
  std::string client_received;
};

// Runs a BoringSSL client and server over an in-memory BIO pair on this thread:
// handshake (client verifies the server against `pki.ca` for `verify_host`),
// then "ping" one way and "pong" back.
HandshakeOutcome BoringSslRoundTrip(const Pki& pki, const std::string& verify_host) {
  HandshakeOutcome out;
  bssl::UniquePtr<SSL_CTX> server_ctx(SSL_CTX_new(TLS_method()));
  bssl::UniquePtr<SSL_CTX> client_ctx(SSL_CTX_new(TLS_method()));
  if (server_ctx == nullptr || client_ctx == nullptr ||
      !SSL_CTX_use_certificate(server_ctx.get(), pki.leaf.cert.get()) ||
      !SSL_CTX_use_PrivateKey(server_ctx.get(), pki.leaf.key.get()) ||
      !X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx.get()), pki.ca.cert.get())) {
    out.status = absl::InternalError("context setup: " + DrainSslErrors());
    return out;
  }
  // Version is left to negotiation: TLS 1.3 must win on its own.
  SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);

  bssl::UniquePtr<SSL> client(SSL_new(client_ctx.get()));
  bssl::UniquePtr<SSL> server(SSL_new(server_ctx.get()));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (client == nullptr || server == nullptr ||
      !BIO_new_bio_pair(&client_bio, 0, &server_bio, 0)) {
    out.status = absl::InternalError("SSL or BIO setup: " + DrainSslErrors());
    return out;
  }
  SSL_set_bio(client.get(), client_bio, client_bio);  // Each SSL owns its BIO.
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  SSL_set_tlsext_host_name(client.get(), verify_host.c_str());
  X509_VERIFY_PARAM_set1_host(SSL_get0_param(client.get()), verify_host.data(),
                              verify_host.size());

  bool client_done = false;
  bool server_done = false;
  for (int step = 0; step < kMaxHandshakeSteps && !(client_done && server_done); ++step) {
    for (auto [ssl, done, who] : {std::make_tuple(client.get(), &client_done, "client"),
                                  std::make_tuple(server.get(), &server_done, "server")}) {
      if (*done) continue;
      int rc = SSL_do_handshake(ssl);
      if (rc == 1) {
        *done = true;
        continue;
      }
      int err = SSL_get_error(ssl, rc);
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        out.verify_result = SSL_get_verify_result(client.get());
        out.status = absl::UnavailableError(absl::StrCat(
            who, " handshake failed, SSL_get_error=", err, ": ", DrainSslErrors()));
        return out;
      }
    }
  }
  if (!client_done || !server_done) {
    out.status = absl::DeadlineExceededError("handshake did not finish");
    return out;
  }
  out.version = SSL_version(client.get());
  out.version_name = SSL_get_version(client.get());
  out.verify_result = SSL_get_verify_result(client.get());
  bssl::UniquePtr<X509> peer(SSL_get_peer_certificate(client.get()));
  out.peer_is_leaf = peer != nullptr && X509_cmp(peer.get(), pki.leaf.cert.get()) == 0;

  char buf[16];
  if (SSL_write(client.get(), "ping", 4) != 4) {
    out.status = absl::InternalError("client write: " + DrainSslErrors());
    return out;
  }
  int n = SSL_read(server.get(), buf, sizeof(buf));
  if (n > 0) out.server_received.assign(buf, n);
  if (SSL_write(server.get(), "pong", 4) != 4) {
    out.status = absl::InternalError("server write: " + DrainSslErrors());
    return out;
  }
  n = SSL_read(client.get(), buf, sizeof(buf));
  if (n > 0) out.client_received.assign(buf, n);
  return out;
}

void ExpectGoodRoundTrip(const HandshakeOutcome& outcome) {
  ASSERT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_EQ(outcome.version, TLS1_3_VERSION);
  EXPECT_EQ(outcome.verify_result, X509_V_OK)
      << X509_verify_cert_error_string(outcome.verify_result);
  EXPECT_TRUE(outcome.peer_is_leaf);
  EXPECT_EQ(outcome.server_received, "ping");
  EXPECT_EQ(outcome.client_received, "pong");
}

// Echo whose reply is computed by a callback, so a test can run BoringSSL work
// on a gRPC server thread while a gRPC-over-OpenSSL call is in flight.
class CallbackEcho final : public test::Echo::Service {
 public:
  explicit CallbackEcho(std::function<std::string(const std::string&)> reply)
      : reply_(std::move(reply)) {}

  grpc::Status Say(grpc::ServerContext* /*context*/, const test::EchoRequest* request,
                   test::EchoReply* reply) override {
    reply->set_message(reply_(request->message()));
    return grpc::Status::OK;
  }

 private:
  std::function<std::string(const std::string&)> reply_;
};

// A gRPC server on 127.0.0.1 (kernel-chosen port) with TLS from `leaf`.
class TlsEchoServer {
 public:
  TlsEchoServer(const KeyAndCert& leaf, std::function<std::string(const std::string&)> reply)
      : service_(std::move(reply)) {
    grpc::SslServerCredentialsOptions options;
    options.pem_key_cert_pairs.push_back({leaf.key_pem, leaf.cert_pem});
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(options), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
  }
  ~TlsEchoServer() {
    if (server_ != nullptr) server_->Shutdown();
  }

  bool started() const { return server_ != nullptr && port_ > 0; }
  int port() const { return port_; }

 private:
  CallbackEcho service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// One unary call over TLS, trusting only `root_pem` and checking the server's
// name as `authority`.
absl::StatusOr<std::string> GrpcTlsSay(int port, const std::string& root_pem,
                                       const std::string& authority,
                                       const std::string& message) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = root_pem;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(authority);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      absl::StrCat("127.0.0.1:", port), grpc::SslCredentials(options), args);
  std::unique_ptr<test::Echo::Stub> stub = test::Echo::NewStub(channel);

  grpc::ClientContext context;
  context.set_deadline(
      absl::ToChronoTime(RealTimeSource::Instance().SystemNow() + absl::Seconds(20)));
  test::EchoRequest request;
  request.set_message(message);
  test::EchoReply reply;
  grpc::Status status = stub->Say(&context, request, &reply);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  return reply.message();
}

std::string Echo(const std::string& message) { return "echo: " + message; }

class TlsCoexistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Pki> pki = MakePki();
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *std::move(pki);
  }

  void ExpectGoodGrpcCall() {
    TlsEchoServer server(pki_.leaf, Echo);
    ASSERT_TRUE(server.started());
    absl::StatusOr<std::string> reply =
        GrpcTlsSay(server.port(), pki_.ca.cert_pem, "localhost", "hello");
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(*reply, "echo: hello");
  }

  Pki pki_;
};

TEST_F(TlsCoexistenceTest, BoringSslFirstThenGrpc) {
  ExpectGoodRoundTrip(BoringSslRoundTrip(pki_, "localhost"));
  ExpectGoodGrpcCall();
  ExpectGoodRoundTrip(BoringSslRoundTrip(pki_, "localhost"));
}

TEST_F(TlsCoexistenceTest, GrpcFirstThenBoringSsl) {
  ExpectGoodGrpcCall();
  ExpectGoodRoundTrip(BoringSslRoundTrip(pki_, "localhost"));
  ExpectGoodGrpcCall();
}

// The BoringSSL handshake runs on a gRPC server thread while the OpenSSL
// connection carrying that very call is live.
TEST_F(TlsCoexistenceTest, BoringSslHandshakeInsideGrpcCall) {
  const Pki& pki = pki_;
  TlsEchoServer server(pki.leaf, [&pki](const std::string& message) {
    HandshakeOutcome outcome = BoringSslRoundTrip(pki, "localhost");
    if (!outcome.status.ok() || outcome.server_received != "ping" ||
        outcome.client_received != "pong") {
      return "failed: " + outcome.status.ToString();
    }
    return absl::StrCat(message, " via ", outcome.version_name);
  });
  ASSERT_TRUE(server.started());
  absl::StatusOr<std::string> reply =
      GrpcTlsSay(server.port(), pki.ca.cert_pem, "localhost", "hello");
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "hello via TLSv1.3");
}

// Verification really happens on both sides: a wrong name fails in BoringSSL,
// an untrusted root fails in gRPC.
TEST_F(TlsCoexistenceTest, BoringSslRejectsWrongHostName) {
  HandshakeOutcome outcome = BoringSslRoundTrip(pki_, "example.com");
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_EQ(outcome.verify_result, X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_F(TlsCoexistenceTest, GrpcRejectsUntrustedServer) {
  absl::StatusOr<Pki> other = MakePki();
  ASSERT_TRUE(other.ok()) << other.status();
  TlsEchoServer server(pki_.leaf, Echo);
  ASSERT_TRUE(server.started());
  absl::StatusOr<std::string> reply =
      GrpcTlsSay(server.port(), other->ca.cert_pem, "localhost", "hello");
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
}

}  // namespace
}  // namespace certs
}  // namespace weft
