// TLS under network::Connection on a FakeDispatcher with real socketpairs (and
// one loopback TCP connect): handshakes, identities, refusals with their
// reasons, resumption, context swaps and backpressure. Certificates come from a
// real CA on simulated time, which is also the time peers are verified at.

#include "proxy/tls/tls_transport_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "common/testing/fake_dispatcher.h"
#include "gtest/gtest.h"
#include "openssl/bio.h"
#include "openssl/err.h"
#include "openssl/pem.h"
#include "openssl/pool.h"
#include "openssl/ssl.h"
#include "proxy/network/connection.h"
#include "proxy/network/socket.h"
#include "proxy/tls/tls_context.h"
#include "proxy/tls/tls_context_provider.h"
#include "proxy/tls/tls_test_util.h"

namespace weft::tls {
namespace {

using network::CloseReason;
using network::Connection;

class Recorder : public network::ConnectionCallbacks {
 public:
  void OnConnected(Connection&) override { ++connected; }
  void OnData(Connection&, network::Buffer& data, bool end_stream) override {
    size_t n = std::min(data.size(), max_drain);
    received.append(data.data(), n);
    data.Drain(n);
    if (end_stream) eof = true;
  }
  void OnClose(Connection& c, CloseReason reason) override {
    closed = true;
    close_reason = reason;
    close_detail = c.close_detail();
  }
  void OnWriteBufferHigh(Connection&) override { ++high; }
  void OnWriteBufferLow(Connection&) override { ++low; }

  size_t max_drain = SIZE_MAX;
  int connected = 0;
  std::string received;
  bool eof = false;
  bool closed = false;
  CloseReason close_reason = CloseReason::kLocal;
  std::string close_detail;
  int high = 0;
  int low = 0;
};

// A plain BoringSSL client on a blocking-free fd, trusting anything: stands in
// for a non-mesh or foreign client, so that only our server decides.
class RawTlsClient {
 public:
  RawTlsClient(int fd, const std::string& cert_pem, const std::string& key_pem) : fd_(fd) {
    ctx_.reset(SSL_CTX_new(TLS_method()));
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_3_VERSION);
    SSL_CTX_set_custom_verify(ctx_.get(), SSL_VERIFY_PEER,
                              [](SSL*, uint8_t*) { return ssl_verify_ok; });
    if (!cert_pem.empty()) {
      bssl::UniquePtr<BIO> cert_bio(BIO_new_mem_buf(cert_pem.data(), cert_pem.size()));
      bssl::UniquePtr<X509> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
      bssl::UniquePtr<BIO> key_bio(BIO_new_mem_buf(key_pem.data(), key_pem.size()));
      bssl::UniquePtr<EVP_PKEY> key(
          PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
      EXPECT_TRUE(SSL_CTX_use_certificate(ctx_.get(), cert.get()));
      EXPECT_TRUE(SSL_CTX_use_PrivateKey(ctx_.get(), key.get()));
    }
    ssl_.reset(SSL_new(ctx_.get()));
    SSL_set_fd(ssl_.get(), fd_);
    SSL_set_connect_state(ssl_.get());
  }
  ~RawTlsClient() { close(fd_); }
  // One step of handshake and reading (TLS 1.3: a refusal by the server arrives
  // after the client considers its handshake done).
  void Pump() {
    SSL_do_handshake(ssl_.get());
    char buf[64];
    SSL_read(ssl_.get(), buf, sizeof(buf));
    ERR_clear_error();
  }

 private:
  int fd_;
  bssl::UniquePtr<SSL_CTX> ctx_;
  bssl::UniquePtr<SSL> ssl_;
};

struct Pair {
  Recorder client_rec;
  Recorder server_rec;
  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
  TlsTransportSocket* server_tls = nullptr;  // owned by `server`
};

class TlsTransportSocketTest : public ::testing::Test {
 protected:
  TlsTransportSocketTest()
      : mesh_("weft.local", dispatcher_.time()),
        cart_(mesh_.Issue("shop", "cart")),
        web_(mesh_.Issue("shop", "web")),
        ticket_keys_(SessionTicketKeys::Create(dispatcher_.time(), absl::Hours(1))) {}

  std::shared_ptr<const TlsContext> ServerContext(const TestMesh::Svid& svid,
                                                  bool strict = true) {
    TlsServerOptions options = mesh_.ServerOptions(svid);
    options.require_client_certificate = strict;
    options.ticket_keys = ticket_keys_;
    absl::StatusOr<std::shared_ptr<const TlsContext>> ctx = TlsContext::CreateServer(options);
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    return ctx.ok() ? *ctx : nullptr;
  }
  std::shared_ptr<const TlsContext> ClientContext(const TestMesh::Svid& svid) {
    absl::StatusOr<std::shared_ptr<const TlsContext>> ctx =
        TlsContext::CreateClient(mesh_.ClientOptions(svid));
    EXPECT_TRUE(ctx.ok()) << ctx.status();
    return ctx.ok() ? *ctx : nullptr;
  }
  TlsClientSocketOptions Expect(const certs::SpiffeId& id) {
    TlsClientSocketOptions options;
    options.expected_server_identities = {id};
    return options;
  }

  // A connected socketpair with TLS on both ends (the client sends its
  // ClientHello right away: its TCP connection already exists).
  std::unique_ptr<Pair> Connect(std::shared_ptr<const TlsContext> server_ctx,
                                std::shared_ptr<const TlsContext> client_ctx,
                                const TlsClientSocketOptions& options,
                                uint32_t server_limit = 1 << 20,
                                uint32_t client_limit = 1 << 20) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    auto pair = std::make_unique<Pair>();
    auto server_socket = TlsTransportSocket::CreateServer(std::move(server_ctx));
    auto client_socket = TlsTransportSocket::CreateClient(std::move(client_ctx), options);
    EXPECT_TRUE(server_socket.ok()) << server_socket.status();
    EXPECT_TRUE(client_socket.ok()) << client_socket.status();
    pair->server_tls = server_socket->get();
    pair->server = std::make_unique<Connection>(dispatcher_, fds[0], false, server_limit,
                                                *std::move(server_socket));
    pair->server->SetCallbacks(&pair->server_rec);
    pair->client = std::make_unique<Connection>(dispatcher_, fds[1], false, client_limit,
                                                *std::move(client_socket));
    pair->client->SetCallbacks(&pair->client_rec);
    dispatcher_.RunUntilIdle();
    return pair;
  }

  testing::FakeDispatcher dispatcher_;
  TestMesh mesh_;
  TestMesh::Svid cart_;
  TestMesh::Svid web_;
  std::shared_ptr<SessionTicketKeys> ticket_keys_;
};

TEST_F(TlsTransportSocketTest, HandshakeDataBothWaysAndHalfClose) {
  auto p = Connect(ServerContext(cart_), ClientContext(web_), Expect(cart_.id));
  ASSERT_EQ(p->client_rec.connected, 1) << p->client_rec.close_detail;
  ASSERT_EQ(p->server_rec.connected, 1) << p->server_rec.close_detail;
  const network::PeerInfo& client_view = p->client->peer_info();
  EXPECT_TRUE(client_view.tls);
  EXPECT_EQ(client_view.tls_version, "TLSv1.3");
  ASSERT_TRUE(client_view.peer_identity.has_value());
  EXPECT_EQ(*client_view.peer_identity, cart_.id);
  ASSERT_TRUE(p->server->peer_info().peer_identity.has_value());
  EXPECT_EQ(*p->server->peer_info().peer_identity, web_.id);

  p->client->Write("ping");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(p->server_rec.received, "ping");
  p->server->Write("pong");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(p->client_rec.received, "pong");

  // Client half-closes (close_notify + FIN); the server still answers.
  p->client->ShutdownWrite();
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(p->server_rec.eof);
  EXPECT_FALSE(p->server_rec.closed);
  EXPECT_FALSE(p->client_rec.eof);
  p->server->Write("after your FIN");
  p->server->ShutdownWrite();
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(p->client_rec.received, "pongafter your FIN");
  EXPECT_TRUE(p->client_rec.eof);
  EXPECT_FALSE(p->client_rec.closed);
  EXPECT_FALSE(p->server_rec.closed);
}

TEST_F(TlsTransportSocketTest, WritesBeforeHandshakeAreSentAfterIt) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Recorder server_rec, client_rec;
  Connection server(dispatcher_, fds[0], false, 1 << 20,
                    *TlsTransportSocket::CreateServer(ServerContext(cart_)));
  server.SetCallbacks(&server_rec);
  Connection client(dispatcher_, fds[1], false, 1 << 20,
                    *TlsTransportSocket::CreateClient(ClientContext(web_), Expect(cart_.id)));
  client.SetCallbacks(&client_rec);
  EXPECT_FALSE(client.handshake_complete());
  client.Write("early");  // queued, never sent in the clear
  EXPECT_EQ(client.write_buffer_size(), 5u);
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(client.handshake_complete());
  EXPECT_EQ(server_rec.received, "early");
}

TEST_F(TlsTransportSocketTest, LoopbackConnectFiresOnConnectedAfterHandshake) {
  absl::StatusOr<network::Address> any = network::Address::FromIpPort("127.0.0.1", 0);
  ASSERT_TRUE(any.ok()) << any.status();
  absl::StatusOr<int> listener = network::Listen(*any);
  ASSERT_TRUE(listener.ok()) << listener.status();
  absl::StatusOr<int> fd = network::ConnectNonBlocking(network::LocalAddress(*listener));
  ASSERT_TRUE(fd.ok()) << fd.status();
  Recorder client_rec, server_rec;
  Connection client(dispatcher_, *fd, /*connecting=*/true, 1 << 20,
                    *TlsTransportSocket::CreateClient(ClientContext(web_), Expect(cart_.id)));
  client.SetCallbacks(&client_rec);
  int accepted = -1;
  for (int i = 0; i < 100 && accepted < 0; ++i) {
    accepted = accept4(*listener, nullptr, nullptr, SOCK_NONBLOCK);
    dispatcher_.RunUntilIdle();
  }
  ASSERT_GE(accepted, 0);
  EXPECT_FALSE(client.connecting());
  EXPECT_EQ(client_rec.connected, 0);  // TCP is up, TLS is not
  Connection server(dispatcher_, accepted, false, 1 << 20,
                    *TlsTransportSocket::CreateServer(ServerContext(cart_)));
  server.SetCallbacks(&server_rec);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(client_rec.connected, 1) << client_rec.close_detail;
  EXPECT_EQ(server_rec.connected, 1) << server_rec.close_detail;
  close(*listener);
}

TEST_F(TlsTransportSocketTest, AlpnFollowsServerPreference) {
  struct Case {
    std::vector<std::string> offer;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{{"http/1.1", "h2"}, "h2"},
                                         {{"http/1.1"}, "http/1.1"},
                                         {{"weft-opaque", "http/1.1"}, "http/1.1"},
                                         {{"weft-opaque"}, "weft-opaque"},
                                         {{"spdy/1"}, ""}}) {
    TlsClientSocketOptions options = Expect(cart_.id);
    options.alpn = c.offer;
    auto p = Connect(ServerContext(cart_), ClientContext(web_), options);
    ASSERT_EQ(p->client_rec.connected, 1) << p->client_rec.close_detail;
    EXPECT_EQ(p->client->peer_info().alpn, c.want) << c.offer[0];
    EXPECT_EQ(p->server->peer_info().alpn, c.want) << c.offer[0];
  }
}

TEST_F(TlsTransportSocketTest, WrongServerIdentityIsRefused) {
  TestMesh::Svid cart_v2 = mesh_.Issue("shop", "cart-v2");
  TestMesh::Svid billing = mesh_.Issue("shop", "billing");
  // Either of cart's service accounts is fine...
  TlsClientSocketOptions options;
  options.expected_server_identities = {cart_.id, cart_v2.id};
  auto ok = Connect(ServerContext(cart_v2), ClientContext(web_), options);
  EXPECT_EQ(ok->client_rec.connected, 1) << ok->client_rec.close_detail;
  // ...billing is not.
  auto p = Connect(ServerContext(billing), ClientContext(web_), options);
  EXPECT_EQ(p->client_rec.connected, 0);
  ASSERT_TRUE(p->client_rec.closed);
  EXPECT_EQ(p->client_rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(TlsFailureReason(p->client_rec.close_detail), kReasonWrongIdentity);
  EXPECT_NE(p->client_rec.close_detail.find("spiffe://weft.local/ns/shop/sa/billing"),
            std::string::npos)
      << p->client_rec.close_detail;
  // The server learns it from the client's alert.
  EXPECT_TRUE(p->server_rec.closed);
  EXPECT_EQ(p->server_rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(TlsFailureReason(p->server_rec.close_detail), kReasonHandshakeFailed)
      << p->server_rec.close_detail;
  EXPECT_EQ(p->server_rec.received, "");
}

TEST_F(TlsTransportSocketTest, OtherTrustDomainIsRefused) {
  TestMesh other("other.example", dispatcher_.time());
  TestMesh::Svid intruder = other.Issue("shop", "cart");
  absl::StatusOr<std::shared_ptr<const TlsContext>> intruder_server =
      TlsContext::CreateServer(other.ServerOptions(intruder));
  ASSERT_TRUE(intruder_server.ok()) << intruder_server.status();
  TlsClientSocketOptions options;
  options.allow_any_identity = true;  // so only the trust decision can refuse it
  auto p = Connect(*intruder_server, ClientContext(web_), options);
  EXPECT_EQ(p->client_rec.connected, 0);
  EXPECT_EQ(p->client_rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(TlsFailureReason(p->client_rec.close_detail), kReasonUntrustedPeer)
      << p->client_rec.close_detail;
  EXPECT_TRUE(p->client_rec.close_detail.find("unknown_root") != std::string::npos ||
              p->client_rec.close_detail.find("trust_domain_mismatch") != std::string::npos)
      << p->client_rec.close_detail;

  // And the other way round: a client from the other domain at our server.
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Recorder server_rec;
  Connection server(dispatcher_, fds[0], false, 1 << 20,
                    *TlsTransportSocket::CreateServer(ServerContext(cart_)));
  server.SetCallbacks(&server_rec);
  RawTlsClient client(fds[1], intruder.chain_pem, intruder.key_pem);
  for (int i = 0; i < 20 && !server_rec.closed; ++i) {
    client.Pump();
    dispatcher_.RunUntilIdle();
  }
  EXPECT_EQ(server_rec.connected, 0);
  ASSERT_TRUE(server_rec.closed);
  EXPECT_EQ(server_rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(TlsFailureReason(server_rec.close_detail), kReasonUntrustedPeer)
      << server_rec.close_detail;
}

TEST_F(TlsTransportSocketTest, ExpiredServerCertificateIsRefusedAtSimulatedTime) {
  TestMesh::Svid short_lived = mesh_.Issue("shop", "cart", absl::Hours(1));
  auto server_ctx = ServerContext(short_lived);
  auto client_ctx = ClientContext(web_);
  auto fresh = Connect(server_ctx, client_ctx, Expect(cart_.id));
  EXPECT_EQ(fresh->client_rec.connected, 1) << fresh->client_rec.close_detail;

  dispatcher_.time().Advance(absl::Hours(2));
  auto p = Connect(server_ctx, client_ctx, Expect(cart_.id));
  EXPECT_EQ(p->client_rec.connected, 0);
  EXPECT_EQ(p->client_rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(TlsFailureReason(p->client_rec.close_detail), kReasonUntrustedPeer);
  EXPECT_NE(p->client_rec.close_detail.find("certificate_expired"), std::string::npos)
      << p->client_rec.close_detail;
}

// A TLS client without a certificate (plain BoringSSL, as a non-mesh client
// would be) at a STRICT server.
TEST_F(TlsTransportSocketTest, StrictServerRefusesClientWithoutCertificate) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  Recorder server_rec;
  Connection server(dispatcher_, fds[0], false, 1 << 20,
                    *TlsTransportSocket::CreateServer(ServerContext(cart_, /*strict=*/true)));
  server.SetCallbacks(&server_rec);

  RawTlsClient client(fds[1], "", "");
  for (int i = 0; i < 20 && !server_rec.closed; ++i) {
    client.Pump();
    dispatcher_.RunUntilIdle();
  }
  EXPECT_EQ(server_rec.connected, 0);
  ASSERT_TRUE(server_rec.closed);
  EXPECT_EQ(server_rec.close_reason, CloseReason::kTlsHandshakeFailed);
  EXPECT_EQ(TlsFailureReason(server_rec.close_detail), kReasonNoClientCertificate)
      << server_rec.close_detail;
}

TEST_F(TlsTransportSocketTest, SecondConnectionResumesTheSession) {
  auto server_ctx = ServerContext(cart_);
  auto client_ctx = ClientContext(web_);
  TlsClientSocketOptions options = Expect(cart_.id);
  options.session_key = "outbound|cart";
  auto first = Connect(server_ctx, client_ctx, options);
  ASSERT_EQ(first->client_rec.connected, 1) << first->client_rec.close_detail;
  EXPECT_FALSE(first->client->peer_info().session_reused);
  // The tickets arrived after the handshake and were read with it.
  EXPECT_GT(client_ctx->cached_sessions(), 0u);
  first->client->Close(Connection::CloseMode::kFlush);
  dispatcher_.RunUntilIdle();

  auto second = Connect(server_ctx, client_ctx, options);
  ASSERT_EQ(second->client_rec.connected, 1) << second->client_rec.close_detail;
  EXPECT_TRUE(second->client->peer_info().session_reused);
  EXPECT_TRUE(second->server->peer_info().session_reused);
  // Identities are known on resumption too (checked again, not assumed).
  ASSERT_TRUE(second->client->peer_info().peer_identity.has_value());
  EXPECT_EQ(*second->client->peer_info().peer_identity, cart_.id);
  ASSERT_TRUE(second->server->peer_info().peer_identity.has_value());
  EXPECT_EQ(*second->server->peer_info().peer_identity, web_.id);
  second->client->Write("resumed");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(second->server_rec.received, "resumed");

  // A resumed session is still bound to the expected identities.
  TestMesh::Svid billing = mesh_.Issue("shop", "billing");
  TlsClientSocketOptions wrong = Expect(billing.id);
  wrong.session_key = "outbound|cart";
  auto third = Connect(server_ctx, client_ctx, wrong);
  EXPECT_EQ(third->client_rec.connected, 0);
  EXPECT_EQ(TlsFailureReason(third->client_rec.close_detail), kReasonWrongIdentity)
      << third->client_rec.close_detail;
}

TEST_F(TlsTransportSocketTest, ConnectionsShareOnePeerCertificateCopy) {
  // Thousands of connections from the same workload keep one DER copy of its
  // certificate (the shared CRYPTO_BUFFER_POOL), not one each.
  auto server_ctx = ServerContext(cart_);
  auto client_ctx = ClientContext(web_);
  auto first = Connect(server_ctx, client_ctx, Expect(cart_.id));
  auto second = Connect(server_ctx, client_ctx, Expect(cart_.id));
  ASSERT_EQ(first->server_rec.connected, 1) << first->server_rec.close_detail;
  ASSERT_EQ(second->server_rec.connected, 1) << second->server_rec.close_detail;
  const STACK_OF(CRYPTO_BUFFER)* a = SSL_get0_peer_certificates(first->server_tls->ssl());
  const STACK_OF(CRYPTO_BUFFER)* b = SSL_get0_peer_certificates(second->server_tls->ssl());
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_GT(sk_CRYPTO_BUFFER_num(a), 0u);
  EXPECT_EQ(sk_CRYPTO_BUFFER_value(a, 0), sk_CRYPTO_BUFFER_value(b, 0));
  // The handshake configuration was shed; the connection still works.
  first->client->Write("after shedding");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(first->server_rec.received, "after shedding");
}

TEST_F(TlsTransportSocketTest, ResumptionRechecksExpiryAtSimulatedTime) {
  TestMesh::Svid short_lived = mesh_.Issue("shop", "cart", absl::Minutes(30));
  auto server_ctx = ServerContext(short_lived);
  auto client_ctx = ClientContext(web_);
  TlsClientSocketOptions options = Expect(cart_.id);
  options.session_key = "k";
  auto first = Connect(server_ctx, client_ctx, options);
  ASSERT_EQ(first->client_rec.connected, 1) << first->client_rec.close_detail;
  ASSERT_GT(client_ctx->cached_sessions(), 0u);
  dispatcher_.time().Advance(absl::Hours(1));
  auto second = Connect(server_ctx, client_ctx, options);
  EXPECT_EQ(second->client_rec.connected, 0);
  EXPECT_NE(second->client_rec.close_detail.find("certificate_expired"), std::string::npos)
      << second->client_rec.close_detail;
}

TEST_F(TlsTransportSocketTest, ContextSwapAffectsOnlyNewConnections) {
  TestMesh::Svid cart_renewed = mesh_.Issue("shop", "cart-renewed");
  TlsContextProvider provider(ServerContext(cart_));
  auto client_ctx = ClientContext(web_);
  TlsClientSocketOptions options;
  options.expected_server_identities = {cart_.id, cart_renewed.id};

  auto old_conn = Connect(provider.Get(), client_ctx, options);
  ASSERT_EQ(old_conn->client_rec.connected, 1) << old_conn->client_rec.close_detail;
  provider.Set(ServerContext(cart_renewed));
  EXPECT_EQ(provider.generation(), 1u);

  auto new_conn = Connect(provider.Get(), client_ctx, options);
  ASSERT_EQ(new_conn->client_rec.connected, 1) << new_conn->client_rec.close_detail;
  EXPECT_EQ(*new_conn->client->peer_info().peer_identity, cart_renewed.id);

  // The established connection still works, on its old certificate.
  EXPECT_EQ(*old_conn->client->peer_info().peer_identity, cart_.id);
  old_conn->client->Write("still here");
  old_conn->server->Write("me too");
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(old_conn->server_rec.received, "still here");
  EXPECT_EQ(old_conn->client_rec.received, "me too");
  EXPECT_FALSE(old_conn->client_rec.closed);
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4099) % 26);
  return s;
}

TEST_F(TlsTransportSocketTest, LargeTransferWithBackpressure) {
  constexpr uint32_t kLimit = 64 * 1024;
  auto p = Connect(ServerContext(cart_), ClientContext(web_), Expect(cart_.id),
                   /*server_limit=*/32 * 1024, /*client_limit=*/kLimit);
  ASSERT_EQ(p->client_rec.connected, 1) << p->client_rec.close_detail;
  // The receiver takes less than the limit per callback, so reads resume from
  // ciphertext already buffered in the transport.
  p->server_rec.max_drain = 24 * 1024;
  const std::string data = Pattern(8 << 20);

  // While the server does not read, the backlog must stay in the client's
  // plaintext buffer (watermarked), not in the TLS layer.
  p->server->ReadDisable(true);
  size_t offset = 0;
  for (int i = 0; i < 200 && p->client_rec.high == 0; ++i) {
    p->client->Write(absl::string_view(data).substr(offset, 16 * 1024));
    offset += 16 * 1024;
    dispatcher_.RunUntilIdle();
  }
  EXPECT_EQ(p->client_rec.high, 1);
  EXPECT_GT(p->client->write_buffer_size(), kLimit);
  EXPECT_LT(offset, 4u << 20) << "the transport absorbed an unbounded backlog";

  p->server->ReadDisable(false);
  for (int i = 0; i < 100000 && p->server_rec.received.size() < data.size(); ++i) {
    if (p->client_rec.high == p->client_rec.low && offset < data.size()) {
      size_t n = std::min<size_t>(16 * 1024, data.size() - offset);
      p->client->Write(absl::string_view(data).substr(offset, n));
      offset += n;
    }
    dispatcher_.RunUntilIdle();
  }
  EXPECT_GE(p->client_rec.low, 1);
  ASSERT_EQ(p->server_rec.received.size(), data.size());
  EXPECT_TRUE(p->server_rec.received == data);
  EXPECT_EQ(p->server->bytes_received(), data.size());
  EXPECT_FALSE(p->server_rec.closed);
}

TEST_F(TlsTransportSocketTest, CloseWithFlushSendsDataThenCloseNotify) {
  auto p = Connect(ServerContext(cart_), ClientContext(web_), Expect(cart_.id));
  ASSERT_EQ(p->client_rec.connected, 1);
  p->server->Write("bye");
  p->server->Close(Connection::CloseMode::kFlush);
  dispatcher_.RunUntilIdle();
  EXPECT_EQ(p->client_rec.received, "bye");
  EXPECT_TRUE(p->client_rec.eof);       // close_notify, not a truncation
  EXPECT_FALSE(p->client_rec.closed);
}

TEST_F(TlsTransportSocketTest, TruncationWithoutCloseNotifyIsAnError) {
  auto p = Connect(ServerContext(cart_), ClientContext(web_), Expect(cart_.id));
  ASSERT_EQ(p->client_rec.connected, 1);
  ::shutdown(p->server->fd(), SHUT_WR);  // FIN below TLS
  dispatcher_.RunUntilIdle();
  EXPECT_TRUE(p->client_rec.closed);
  EXPECT_EQ(p->client_rec.close_reason, CloseReason::kTlsError);
  EXPECT_EQ(TlsFailureReason(p->client_rec.close_detail), kReasonTruncated);
}

TEST_F(TlsTransportSocketTest, ClientSocketNeedsExpectedIdentities) {
  absl::StatusOr<std::unique_ptr<TlsTransportSocket>> socket =
      TlsTransportSocket::CreateClient(ClientContext(web_), TlsClientSocketOptions{});
  EXPECT_EQ(socket.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(TlsTransportSocket::CreateServer(ClientContext(web_)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace weft::tls
