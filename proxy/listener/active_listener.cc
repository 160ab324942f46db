#include "proxy/listener/active_listener.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "common/log/log.h"
#include "proxy/http/connection_manager.h"
#include "proxy/listener/client_hello.h"
#include "proxy/listener/protocol_sniffer.h"
#include "proxy/network/socket.h"
#include "proxy/tcp/tcp_proxy_session.h"
#include "proxy/tls/mesh_tls.h"
#include "proxy/tls/tls_transport_socket.h"

namespace weft::listener {
namespace {

// Holds a new connection until its first bytes tell HTTP/1.1, HTTP/2 (prior
// knowledge), TLS and opaque TCP apart, or until the detection time runs out
// (server-first protocols, where the client waits for the server to speak, are
// then carried as TCP). On an HTTP-only listener everything that is not HTTP/2
// goes to the HTTP/1.1 codec, which answers garbage with 400.
//
// mTLS: a ClientHello to a destination whose chain terminates mTLS gets a TLS
// server transport; after the handshake, ALPN (h2, http/1.1, weft-opaque) picks
// the handler, or the decrypted bytes are sniffed as above. Plaintext to a
// destination whose chain refuses it (STRICT) is closed and counted.
class SniffingSession final : public Session, private network::ConnectionCallbacks {
 public:
  SniffingSession(ListenerContextPtr context, const ConnectionInfo& info,
                  std::unique_ptr<network::Connection> connection, bool http_only)
      : context_(std::move(context)),
        info_(info),
        connection_(std::move(connection)),
        http_only_(http_only) {
    connection_->SetCallbacks(this);
    timer_ = context_->host.dispatcher().CreateTimer([this] { OnTimeout(); });
    timer_->Enable(context_->config.detection_timeout);
  }

  ~SniffingSession() override {
    if (connection_ != nullptr) context_->stats.cx_active.Sub(1);
  }

 private:
  enum class Handler { kHttp1, kHttp2, kTcp };
  // How long a TLS handshake may take once the ClientHello is in.
  static constexpr absl::Duration kHandshakeTimeout = absl::Seconds(10);

  void OnData(network::Connection&, network::Buffer& data, bool end_stream) override {
    SniffResult r = SniffProtocol(data.view());
    if (r == SniffResult::kNeedMoreData && !end_stream) return;
    if (r == SniffResult::kTls && !info_.tls) {
      bool need_more = false;
      if (StartTls(data.view(), &need_more)) {
        if (!need_more) context_->stats.tls_detected.Inc();
        return;
      }
      context_->stats.tls_detected.Inc();
      if (Refused()) return;
    } else if (!info_.tls && Refused()) {
      return;
    }
    switch (r) {
      case SniffResult::kHttp1:
        return HandOver(Handler::kHttp1);
      case SniffResult::kHttp2:
        return HandOver(Handler::kHttp2);
      default:
        return HandOver(http_only_ ? Handler::kHttp1 : Handler::kTcp);
    }
  }

  // Terminates mTLS if the destination's chain says so; false to go on in
  // plaintext (the TLS bytes pass to the app as TCP). A PERMISSIVE chain only
  // terminates a sidecar's TLS (its ClientHello offers "weft-mesh"): an
  // application's own TLS from a client without a sidecar reaches the app.
  // Sets `need_more` while the ClientHello is incomplete.
  bool StartTls(absl::string_view first_bytes, bool* need_more) {
    const FilterChainTable::Chain& chain = context_->chains->Match(info_.destination, true);
    if (!chain.tls.has_value()) return false;
    if (!chain.tls->require_client_certificate) {
      const ClientHelloAlpn hello = ParseClientHelloAlpn(first_bytes);
      if (hello.status == ClientHelloAlpn::Status::kNeedMoreData &&
          first_bytes.size() < kMaxClientHelloRecord) {
        *need_more = true;
        return true;
      }
      if (!hello.Offers(tls::kAlpnWeftMesh)) return false;
    }
    const tls::MeshTls* mesh = context_->host.mesh_tls();
    std::shared_ptr<const tls::TlsContext> ctx =
        mesh == nullptr ? nullptr : mesh->Server(chain.tls->require_client_certificate);
    if (ctx == nullptr) {
      Refuse("mtls_no_certificate", "this proxy has no workload certificate yet");
      return true;
    }
    absl::StatusOr<std::unique_ptr<tls::TlsTransportSocket>> socket =
        tls::TlsTransportSocket::CreateServer(std::move(ctx));
    if (!socket.ok()) {
      Refuse("mtls_handshake_failed", std::string(socket.status().message()));
      return true;
    }
    info_.tls = true;
    timer_->Enable(kHandshakeTimeout);
    connection_->UpgradeTransport(*std::move(socket));
    return true;
  }

  // The handshake is done: ALPN names the protocol, else the plaintext is sniffed.
  void OnConnected(network::Connection& c) override {
    context_->stats.mtls_handshakes.Inc();
    if (c.peer_info().session_reused) context_->stats.mtls_resumed.Inc();
    const std::string& alpn = c.peer_info().alpn;
    if (alpn == tls::kAlpnH2) return HandOver(Handler::kHttp2);
    if (alpn == tls::kAlpnHttp11) return HandOver(Handler::kHttp1);
    if (alpn == tls::kAlpnWeftOpaque) return HandOver(Handler::kTcp);
    timer_->Enable(context_->config.detection_timeout);
    if (!c.read_buffer().empty()) OnData(c, c.read_buffer(), false);
  }

  // Plaintext to a STRICT destination.
  bool Refused() {
    if (!context_->chains->Match(info_.destination, false).refuse_plaintext) return false;
    context_->stats.plaintext_refused.Inc();
    Refuse("mtls_required", "plaintext to a port that requires mTLS (STRICT)");
    return true;
  }

  void Refuse(absl::string_view reason, absl::string_view detail) {
    context_->host.ErrorCounter(reason).Inc();
    WEFT_LOG(kWarning, "listener %s: connection from %s to %s refused: %s: %s",
             context_->config.name, info_.peer.ToString(), info_.destination.ToString(), reason,
             detail);
    timer_->Disable();
    connection_->Close(network::Connection::CloseMode::kReset);
    context_->stats.cx_active.Sub(1);
    connection_.reset();
    context_->host.RemoveSession(this);
  }

  void OnClose(network::Connection& c, network::CloseReason reason) override {
    if (reason == network::CloseReason::kTlsHandshakeFailed ||
        reason == network::CloseReason::kTlsError) {
      context_->stats.mtls_handshake_failed.Inc();
      const absl::string_view why = tls::TlsFailureReason(c.close_detail());
      context_->host.ErrorCounter(why.empty() ? tls::kReasonHandshakeFailed : why).Inc();
      WEFT_LOG(kWarning, "listener %s: mTLS from %s to %s failed: %s", context_->config.name,
               info_.peer.ToString(), info_.destination.ToString(), c.close_detail());
    }
    End();
  }

  void OnTimeout() {
    if (info_.tls && !connection_->handshake_complete()) {
      context_->stats.mtls_handshake_failed.Inc();
      return Refuse("mtls_handshake_timeout", "the TLS handshake did not finish in time");
    }
    if (!http_only_) context_->stats.detect_timeout.Inc();
    if (!info_.tls && Refused()) return;
    HandOver(http_only_ ? Handler::kHttp1 : Handler::kTcp);
  }

  void HandOver(Handler handler) {
    timer_->Disable();
    std::unique_ptr<network::Connection> c = std::move(connection_);
    context_->host.RemoveSession(this);
    switch (handler) {
      case Handler::kHttp1:
        http::HttpConnectionManager::Start(context_, info_, std::move(c),
                                           upstream::HttpVersion::kHttp1);
        return;
      case Handler::kHttp2:
        http::HttpConnectionManager::Start(context_, info_, std::move(c),
                                           upstream::HttpVersion::kHttp2);
        return;
      case Handler::kTcp:
        tcp::TcpProxySession::Start(context_, info_, std::move(c));
        return;
    }
  }

  void End() {
    timer_->Disable();
    context_->host.CloseLater(std::move(connection_));
    context_->stats.cx_active.Sub(1);
    context_->host.RemoveSession(this);
  }

  ListenerContextPtr context_;
  ConnectionInfo info_;
  std::unique_ptr<network::Connection> connection_;
  std::unique_ptr<event::Timer> timer_;
  const bool http_only_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ActiveListener>> ActiveListener::Create(ListenerContextPtr context) {
  absl::StatusOr<network::Address> address =
      network::Address::FromIpPort(context->config.address, context->config.port);
  if (!address.ok()) return address.status();
  absl::StatusOr<int> fd = network::Listen(*address);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<ActiveListener>(new ActiveListener(std::move(context), *fd));
}

ActiveListener::ActiveListener(ListenerContextPtr context, int fd)
    : context_(std::move(context)), fd_(fd) {
  accept_event_ = context_->host.dispatcher().CreateFileEvent(
      fd_, [this](uint32_t) { OnAcceptable(); }, event::kReadable);
}

ActiveListener::~ActiveListener() { Stop(); }

void ActiveListener::Stop() {
  accept_event_.reset();
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void ActiveListener::OnAcceptable() {
  // A bounded batch per wake-up keeps one busy listener from starving the loop.
  for (int i = 0; i < 64 && fd_ >= 0; ++i) {
    sockaddr_storage peer;
    socklen_t len = sizeof(peer);
    int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      WEFT_LOG(kWarning, "listener %s: accept: %s", context_->config.name, std::strerror(errno));
      return;
    }
    ConnectionInfo info;  // TCP_NODELAY comes from the listening socket
    info.peer = network::Address::FromSockaddr(reinterpret_cast<sockaddr*>(&peer), len);
    if (context_->config.original_dst) {
      absl::StatusOr<network::Address> dst = network::OriginalDestination(fd);
      if (dst.ok()) info.original_dst = *dst;
    }
    info.destination = info.original_dst.valid() ? info.original_dst : network::LocalAddress(fd);
    context_->stats.cx_total.Inc();
    context_->stats.cx_active.Add(1);
    Dispatch(info, std::make_unique<network::Connection>(context_->host.dispatcher(), fd, false,
                                                         context_->config.buffer_limit_bytes));
  }
}

void ActiveListener::Dispatch(const ConnectionInfo& info,
                              std::unique_ptr<network::Connection> connection) {
  const config::Listener& cfg = context_->config;
  config::Listener::Protocol protocol = context_->chains->Match(info.destination).protocol;
  // With mTLS, every connection is looked at: it may start with a ClientHello
  // or be plaintext that a STRICT port refuses.
  if (context_->chains->has_tls()) {
    context_->host.AddSession(std::make_unique<SniffingSession>(
        context_, info, std::move(connection),
        /*http_only=*/protocol == config::Listener::Protocol::kHttp));
    return;
  }
  if (info.original_dst.valid() &&
      std::find(cfg.opaque_ports.begin(), cfg.opaque_ports.end(), info.original_dst.port()) !=
          cfg.opaque_ports.end()) {
    protocol = config::Listener::Protocol::kTcp;
  }
  switch (protocol) {
    case config::Listener::Protocol::kTcp:
      tcp::TcpProxySession::Start(context_, info, std::move(connection));
      return;
    case config::Listener::Protocol::kHttp:
    case config::Listener::Protocol::kAuto:
      context_->host.AddSession(std::make_unique<SniffingSession>(
          context_, info, std::move(connection),
          /*http_only=*/protocol == config::Listener::Protocol::kHttp));
      return;
  }
}

}  // namespace weft::listener
