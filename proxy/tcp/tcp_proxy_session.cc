#include "proxy/tcp/tcp_proxy_session.h"

#include "common/log/log.h"

namespace weft::tcp {

void TcpProxySession::Start(const listener::ListenerContextPtr& context,
                            const listener::ConnectionInfo& info,
                            std::unique_ptr<network::Connection> downstream) {
  auto* session = static_cast<TcpProxySession*>(context->host.AddSession(
      std::unique_ptr<TcpProxySession>(new TcpProxySession(context, std::move(downstream)))));
  session->Connect(info);
}

TcpProxySession::TcpProxySession(listener::ListenerContextPtr context,
                                 std::unique_ptr<network::Connection> downstream)
    : context_(std::move(context)), downstream_(std::move(downstream)) {
  context_->stats.tcp_cx_total.Inc();
  downstream_->SetCallbacks(this);
  idle_timer_ = context_->host.dispatcher().CreateTimer([this] { OnIdleTimer(); });
}

TcpProxySession::~TcpProxySession() { context_->stats.cx_active.Sub(1); }

void TcpProxySession::Connect(const listener::ConnectionInfo& info) {
  cluster_ = context_->host.clusters().Find(
      context_->chains->Match(info.destination, info.tls).cluster);
  std::shared_ptr<upstream::ConnectionPool> pool =
      cluster_ == nullptr ? nullptr : cluster_->PickPool(&info.original_dst);
  if (pool == nullptr) {
    context_->host.ErrorCounter("no_healthy_upstream").Inc();
    Finish(network::Connection::CloseMode::kReset);
    return;
  }
  cluster_->stats().upstream_cx_total.Inc();
  absl::StatusOr<std::unique_ptr<network::Connection>> up =
      pool->Connect(context_->config.buffer_limit_bytes);
  if (!up.ok()) {
    cluster_->stats().upstream_cx_connect_fail.Inc();
    context_->host.ErrorCounter("connect_failed").Inc();
    Finish(network::Connection::CloseMode::kReset);
    return;
  }
  upstream_ = std::move(*up);
  upstream_->SetCallbacks(this);
  // Client bytes that arrived before the upstream existed (protocol detection).
  if (!downstream_->read_buffer().empty()) upstream_->Write(downstream_->read_buffer());
  if (downstream_->read_eof()) upstream_->ShutdownWrite();
  idle_timer_->Enable(context_->config.idle_timeout);
}

void TcpProxySession::OnConnected(network::Connection&) {}

void TcpProxySession::OnData(network::Connection& c, network::Buffer& data, bool end_stream) {
  if (finished_ || upstream_ == nullptr) return;
  network::Connection& other = Other(c);
  other.Write(data);
  if (end_stream) other.ShutdownWrite();
  MaybeFinish();
}

void TcpProxySession::OnClose(network::Connection& c, network::CloseReason reason) {
  if (finished_) return;
  if (&c == upstream_.get() && reason == network::CloseReason::kConnectFailed) {
    cluster_->stats().upstream_cx_connect_fail.Inc();
    context_->host.ErrorCounter("connect_failed").Inc();
    Finish(network::Connection::CloseMode::kReset);
    return;
  }
  // One side broke: pass on what we have to the other, then close it.
  Finish(network::Connection::CloseMode::kFlush);
}

void TcpProxySession::OnWriteBufferHigh(network::Connection& c) { Other(c).ReadDisable(true); }
void TcpProxySession::OnWriteBufferLow(network::Connection& c) { Other(c).ReadDisable(false); }

void TcpProxySession::MaybeFinish() {
  // Both directions ended and everything was delivered.
  if (downstream_->read_eof() && upstream_->read_eof() && downstream_->write_buffer_size() == 0 &&
      upstream_->write_buffer_size() == 0) {
    Finish(network::Connection::CloseMode::kFlush);
  }
}

void TcpProxySession::OnIdleTimer() {
  const uint64_t bytes = downstream_->bytes_received() + downstream_->bytes_sent();
  if (bytes != last_bytes_) {
    // Traffic since the last check: look again one idle period from now.
    last_bytes_ = bytes;
    idle_timer_->Enable(context_->config.idle_timeout);
    return;
  }
  WEFT_LOG(kDebug, "listener %s: tcp session idle, closing", context_->config.name);
  context_->host.ErrorCounter("idle_timeout").Inc();
  Finish(network::Connection::CloseMode::kNoFlush);
}

void TcpProxySession::Finish(network::Connection::CloseMode mode) {
  if (finished_) return;
  finished_ = true;
  idle_timer_->Disable();
  downstream_->Close(mode);
  context_->host.CloseLater(std::move(downstream_));
  if (upstream_ != nullptr) {
    upstream_->Close(mode);
    context_->host.CloseLater(std::move(upstream_));
  }
  context_->host.RemoveSession(this);
}

}  // namespace weft::tcp
