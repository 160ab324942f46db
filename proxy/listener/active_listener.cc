#include "proxy/listener/active_listener.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "common/log/log.h"
#include "proxy/http/connection_manager.h"
#include "proxy/listener/protocol_sniffer.h"
#include "proxy/network/socket.h"
#include "proxy/tcp/tcp_proxy_session.h"

namespace weft::listener {
namespace {

// Holds a new connection until its first bytes tell HTTP/1.1, HTTP/2 (prior
// knowledge), TLS and opaque TCP apart, or until the detection time runs out
// (server-first protocols, where the client waits for the server to speak, are
// then carried as TCP). On an HTTP-only listener everything that is not HTTP/2
// goes to the HTTP/1.1 codec, which answers garbage with 400.
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

  void OnData(network::Connection&, network::Buffer& data, bool end_stream) override {
    SniffResult r = SniffProtocol(data.view());
    if (r == SniffResult::kNeedMoreData && !end_stream) return;
    switch (r) {
      case SniffResult::kHttp1:
        return HandOver(Handler::kHttp1);
      case SniffResult::kHttp2:
        return HandOver(Handler::kHttp2);
      case SniffResult::kTls:
        context_->stats.tls_detected.Inc();
        return HandOver(http_only_ ? Handler::kHttp1 : Handler::kTcp);
      default:
        return HandOver(http_only_ ? Handler::kHttp1 : Handler::kTcp);
    }
  }
  void OnClose(network::Connection&, network::CloseReason) override { End(); }
  void OnTimeout() {
    if (!http_only_) context_->stats.detect_timeout.Inc();
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
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ConnectionInfo info;
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
