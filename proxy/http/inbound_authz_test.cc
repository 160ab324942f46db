// Authorization on the inbound HTTP path: a request the chain's rules deny gets
// 403 with x-weft-error: authz_denied (a gRPC one PERMISSION_DENIED) without
// reaching the upstream, is counted, and is access-logged with the caller's
// identity; an allowed one is proxied. The caller's identity is injected through
// the connection's transport socket, as the TLS socket reports it.

#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager.h"
#include "proxy/network/raw_transport_socket.h"
#include "proxy/observability/access_log.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/listener_test_bed.h"
#include "proxy/testing/socket_peer.h"

namespace weft::http {
namespace {

using ::weft::testing::SocketPeer;

constexpr char kFrontend[] = "spiffe://weft.local/ns/shop/sa/frontend";

// Plaintext bytes, but reports a verified peer identity like TLS would.
class IdentityTransportSocket final : public network::TransportSocket {
 public:
  explicit IdentityTransportSocket(absl::string_view identity) {
    if (!identity.empty()) info_.peer_identity = *certs::SpiffeId::Parse(identity);
  }
  void Init(int fd) override { raw_.Init(fd); }
  network::IoResult OnTcpConnected() override { return raw_.OnTcpConnected(); }
  network::IoResult DoRead(network::Buffer& buffer, size_t max_buffered) override {
    return raw_.DoRead(buffer, max_buffered);
  }
  network::IoResult DoWrite(network::Buffer& buffer, bool end_stream) override {
    return raw_.DoWrite(buffer, end_stream);
  }
  void OnFdClosing(bool graceful) override { raw_.OnFdClosing(graceful); }
  bool handshake_complete() const override { return true; }
  const network::PeerInfo& peer_info() const override { return info_; }

 private:
  network::RawTransportSocket raw_;
  network::PeerInfo info_;
};

class MemorySink final : public observability::AccessLogSink {
 public:
  explicit MemorySink(std::vector<std::string>* lines) : lines_(lines) {}
  void Write(absl::string_view line) override { lines_->emplace_back(line); }
  absl::Status Flush() override { return absl::OkStatus(); }

 private:
  std::vector<std::string>* lines_;
};

class LoggingHost final : public testing::FakeSessionHost {
 public:
  LoggingHost(testing::FakeDispatcher& dispatcher, const config::ProxyConfig& config,
              std::vector<std::string>* lines)
      : FakeSessionHost(dispatcher, config),
        logger_(*observability::AccessLogger::Create({}, std::make_unique<MemorySink>(lines),
                                                     random_)) {}
  observability::AccessLogger* access_logger() override { return logger_.get(); }

 private:
  FixedRandom random_{{0}};
  std::unique_ptr<observability::AccessLogger> logger_;
};

// The listener's rules: DENY DELETE from anyone; ALLOW only the frontend.
config::Authorization FrontendOnly() {
  using config::AuthzPermission;
  using config::AuthzPrincipal;
  using Type = config::AuthzStringMatch::Type;
  AuthzPermission del;
  del.kind = AuthzPermission::Kind::kHeader;
  del.header = {":method", false, {Type::kExact, "DELETE"}, false};
  AuthzPrincipal frontend;
  frontend.kind = AuthzPrincipal::Kind::kAuthenticated;
  frontend.identity = {Type::kExact, kFrontend};
  config::Authorization authz;
  authz.rules.push_back({config::AuthzAction::kDeny, {{"shop/no-delete[0]", {del}, {{}}}}});
  authz.rules.push_back({config::AuthzAction::kAllow, {{"shop/frontend[0]", {{}}, {frontend}}}});
  return authz;
}

class InboundAuthzTest : public ::testing::Test {
 protected:
  InboundAuthzTest() {
    config::Cluster backend;
    backend.name = "backend";
    backend.endpoints.push_back({"127.0.0.1", static_cast<uint16_t>(upstream_.port()), 1});
    config_.clusters = {backend};
    config::Listener l;
    l.name = "inbound";
    l.protocol = config::Listener::Protocol::kHttp;
    l.default_cluster = "backend";
    l.authz = FrontendOnly();
    config_.listeners = {l};
    bed_ = std::make_unique<testing::ListenerTestBed>(
        std::make_unique<LoggingHost>(dispatcher_, config_, &log_lines_), config_, "inbound");
  }

  SocketPeer Client(absl::string_view identity) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    bed_->stats().cx_active.Add(1);
    HttpConnectionManager::Start(
        bed_->context(), listener::ConnectionInfo{},
        std::make_unique<network::Connection>(dispatcher_, fds[0], false, 1 << 20,
                                              std::make_unique<IdentityTransportSocket>(identity)),
        upstream::HttpVersion::kHttp1);
    return SocketPeer(fds[1]);
  }

  std::string Exchange(SocketPeer& client, const std::string& request) {
    client.Write(request);
    dispatcher_.AdvanceTime(absl::ZeroDuration());
    return client.ReadAvailable();
  }

  testing::FakeDispatcher dispatcher_;
  testing::LoopbackListener upstream_;
  config::ProxyConfig config_;
  std::vector<std::string> log_lines_;
  std::unique_ptr<testing::ListenerTestBed> bed_;
};

TEST_F(InboundAuthzTest, DeniedRequestIs403WithReasonCountedAndLogged) {
  SocketPeer client = Client("spiffe://weft.local/ns/shop/sa/intruder");
  const std::string reply = Exchange(client, "GET /items HTTP/1.1\r\nHost: svc\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 403 ")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: authz_denied")) << reply;
  EXPECT_FALSE(upstream_.Accept().valid());  // never reached the app
  EXPECT_EQ(bed_->host().counter("proxy.errors.authz_denied"), 1u);
  ASSERT_EQ(log_lines_.size(), 1u);
  EXPECT_TRUE(absl::StrContains(
      log_lines_[0], "\"source_identity\":\"spiffe://weft.local/ns/shop/sa/intruder\""))
      << log_lines_[0];
  EXPECT_TRUE(absl::StrContains(log_lines_[0], "\"authz_denied\"")) << log_lines_[0];
}

TEST_F(InboundAuthzTest, PlaintextCallerIsDeniedByAnAllowPolicy) {
  SocketPeer client = Client("");
  const std::string reply = Exchange(client, "GET / HTTP/1.1\r\nHost: svc\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 403 ")) << reply;
}

TEST_F(InboundAuthzTest, DenyWinsForTheAllowedCaller) {
  SocketPeer client = Client(kFrontend);
  const std::string reply = Exchange(client, "DELETE /items/1 HTTP/1.1\r\nHost: svc\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 403 ")) << reply;
}

TEST_F(InboundAuthzTest, GrpcRequestGetsPermissionDenied) {
  SocketPeer client = Client("");
  const std::string reply = Exchange(
      client,
      "POST /shop.Cart/Add HTTP/1.1\r\nHost: svc\r\nContent-Type: application/grpc\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(absl::StartsWith(reply, "HTTP/1.1 200 ")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "grpc-status: 7\r\n")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: authz_denied")) << reply;
}

TEST_F(InboundAuthzTest, AllowedRequestIsProxied) {
  SocketPeer client = Client(kFrontend);
  client.Write("GET /items HTTP/1.1\r\nHost: svc\r\n\r\n");
  dispatcher_.AdvanceTime(absl::ZeroDuration());
  SocketPeer app = upstream_.Accept();
  ASSERT_TRUE(app.valid());
  EXPECT_TRUE(absl::StartsWith(app.ReadAvailable(), "GET /items HTTP/1.1"));
  app.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  dispatcher_.AdvanceTime(absl::ZeroDuration());
  EXPECT_TRUE(absl::StartsWith(client.ReadAvailable(), "HTTP/1.1 200 OK"));
  EXPECT_EQ(bed_->host().counter("proxy.errors.authz_denied"), 0u);
}

}  // namespace
}  // namespace weft::http
