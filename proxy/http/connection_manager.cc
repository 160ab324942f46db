#include "proxy/http/connection_manager.h"

#include <algorithm>
#include <utility>

#include "common/log/log.h"
#include "proxy/http/http1_server_codec.h"
#include "proxy/http2/http2_codec.h"

namespace weft::http {
namespace {

// A protocol error's reason for proxy.errors.<reason>: the codec's token when
// it gives one ("headers_too_large", "rst_stream_flood"...).
std::string ErrorReason(const absl::Status& status, upstream::HttpVersion version) {
  absl::string_view m = status.message();
  const bool token = !m.empty() && m.size() <= 40 &&
                     std::all_of(m.begin(), m.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
                     });
  if (token) return std::string(m);
  return version == upstream::HttpVersion::kHttp2 ? "http2_protocol_error" : "bad_request";
}

}  // namespace

void HttpConnectionManager::Start(const listener::ListenerContextPtr& context,
                                  const listener::ConnectionInfo& info,
                                  std::unique_ptr<network::Connection> downstream,
                                  upstream::HttpVersion version) {
  auto* manager = static_cast<HttpConnectionManager*>(
      context->host.AddSession(std::unique_ptr<HttpConnectionManager>(
          new HttpConnectionManager(context, info, std::move(downstream), version))));
  // Bytes read while the protocol was being detected.
  const bool eof = manager->downstream_->read_eof();
  manager->OnData(*manager->downstream_, manager->downstream_->read_buffer(), eof);
}

HttpConnectionManager::HttpConnectionManager(listener::ListenerContextPtr context,
                                             const listener::ConnectionInfo& info,
                                             std::unique_ptr<network::Connection> downstream,
                                             upstream::HttpVersion version)
    : context_(std::move(context)),
      info_(info),
      version_(version),
      downstream_(std::move(downstream)),
      writer_(context_->host.dispatcher(), *downstream_) {
  downstream_->SetCallbacks(this);
  CodecTransport& transport = *this;
  ServerConnectionCallbacks& callbacks = *this;
  if (version_ == upstream::HttpVersion::kHttp2) {
    http2::Http2Options options;
    options.max_header_list_size = context_->config.max_request_headers_bytes;
    codec_ = http2::CreateHttp2ServerConnection(transport, callbacks, options);
  } else {
    codec_ = std::make_unique<Http1ServerConnection>(transport, callbacks,
                                                     context_->config.max_request_headers_bytes);
  }
  event::Dispatcher& d = context_->host.dispatcher();
  deadline_timer_ = d.CreateTimer([this] { OnDeadlineTimer(); });
  idle_timer_ = d.CreateTimer([this] { OnIdleTimer(); });
  last_activity_ = Now();
  idle_timer_->Enable(context_->config.idle_timeout);
}

HttpConnectionManager::~HttpConnectionManager() {
  context_->host.dispatcher().CancelDeferred(*this);
  streams_.clear();
  finished_.clear();
  codec_.reset();
  context_->stats.cx_active.Sub(1);
}

const std::string& HttpConnectionManager::peer_text() {
  if (peer_text_.empty()) peer_text_ = info_.peer.ToString();
  return peer_text_;
}

const std::string& HttpConnectionManager::peer_identity() {
  if (!peer_identity_known_ && downstream_ != nullptr) {
    peer_identity_known_ = true;
    const auto& id = downstream_->peer_info().peer_identity;
    if (id.has_value()) peer_identity_ = id->ToString();
  }
  return peer_identity_;
}

absl::Time HttpConnectionManager::Now() const {
  return context_->host.dispatcher().CallbackNow();
}

const listener::FilterChainTable::Chain& HttpConnectionManager::chain() {
  if (chains_ != context_->chains) {
    chains_ = context_->chains;
    chain_ = &chains_->Match(info_.destination, info_.tls);
  }
  return *chain_;
}

const std::shared_ptr<const listener::FilterChainTable>& HttpConnectionManager::chains() {
  chain();
  return chains_;
}

void HttpConnectionManager::OnDrain() {
  if (finished_session_) return;
  draining_ = true;
  codec_->GoAway();
  if (streams_.empty()) Finish(network::Connection::CloseMode::kFlush);
}

// ---- Streams ----------------------------------------------------------------

RequestDecoder& HttpConnectionManager::NewStream(ResponseEncoder& encoder) {
  auto stream = std::make_unique<ProxyStream>(*this, encoder);
  ProxyStream* raw = stream.get();
  streams_.emplace(raw, std::move(stream));
  if (context_->host.draining() && !draining_) {
    draining_ = true;
    codec_->GoAway();  // this response is the connection's last
  }
  return *raw;
}

void HttpConnectionManager::OnStreamDone(ProxyStream& stream) {
  auto it = streams_.find(&stream);
  if (it == streams_.end()) return;
  finished_.push_back(std::move(it->second));
  streams_.erase(it);
  last_activity_ = Now();
  context_->host.dispatcher().DeferToCallbackEnd(*this);
}

void HttpConnectionManager::RunDeferred() {
  finished_.clear();
  if (finished_session_) return;
  if (version_ == upstream::HttpVersion::kHttp1 && streams_.empty() && codec_->keep_alive()) {
    // Pipelined requests that waited for the response before them.
    network::Buffer none;
    absl::Status status = codec_->Dispatch(none);
    if (finished_session_) return;
    if (!status.ok()) {
      CountProtocolError(status);
      Finish(network::Connection::CloseMode::kFlush);
      return;
    }
  }
  MaybeClose();
}

void HttpConnectionManager::ScheduleDeadline(absl::Time deadline) {
  if (deadline_timer_->Enabled() && deadline_timer_fires_at_ <= deadline) return;
  deadline_timer_->Enable(deadline - Now());
  deadline_timer_fires_at_ = deadline;
}

void HttpConnectionManager::OnDeadlineTimer() {
  if (finished_session_) return;
  const absl::Time now = Now();
  std::vector<ProxyStream*> due;
  for (auto& [raw, stream] : streams_) {
    if (!stream->done() && stream->deadline() <= now) due.push_back(raw);
  }
  // Streams that time out are moved to finished_, never freed, in this loop.
  for (ProxyStream* s : due) s->OnDeadline();
  if (finished_session_) return;
  // Only now: a stream that handled one deadline may have others later (a
  // retry's backoff done, its request timeout still ahead).
  absl::Time next = absl::InfiniteFuture();
  for (auto& [raw, stream] : streams_) {
    if (!stream->done()) next = std::min(next, stream->deadline());
  }
  if (next != absl::InfiniteFuture()) ScheduleDeadline(next);
}

void HttpConnectionManager::OnIdleTimer() {
  if (finished_session_) return;
  const absl::Duration idle = context_->config.idle_timeout;
  if (!streams_.empty()) {
    idle_timer_->Enable(idle);  // busy: look again later
    return;
  }
  const absl::Duration quiet = Now() - last_activity_;
  if (quiet < idle) {
    idle_timer_->Enable(idle - quiet);
    return;
  }
  codec_->GoAway();  // HTTP/2 says so; HTTP/1.1 just closes
  Finish(network::Connection::CloseMode::kFlush);
}

// ---- Connection -------------------------------------------------------------

void HttpConnectionManager::OnData(network::Connection&, network::Buffer& data, bool end_stream) {
  if (finished_session_) return;
  if (!data.empty()) {
    absl::Status status = codec_->Dispatch(data);
    if (finished_session_) return;
    if (!status.ok()) {
      CountProtocolError(status);
      WEFT_LOG(kDebug, "listener %s: protocol error from %s: %s", context_->config.name,
               info_.peer.ToString(), status.ToString());
      Finish(network::Connection::CloseMode::kFlush);
      return;
    }
  }
  if (end_stream && !remote_closed_) {
    remote_closed_ = true;
    codec_->OnRemoteHalfClose();
    if (finished_session_) return;
  }
  MaybeClose();
}

void HttpConnectionManager::CountProtocolError(const absl::Status& status) {
  const std::string reason = ErrorReason(status, version_);
  context_->host.ErrorCounter(reason).Inc();
  if (version_ != upstream::HttpVersion::kHttp1) return;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:  // a new request, answered 400
      context_->stats.http_rq_total.Inc();
      context_->stats.CountResponse(400);
      break;
    case absl::StatusCode::kResourceExhausted:  // a new request, answered 431
      context_->stats.http_rq_total.Inc();
      context_->stats.CountResponse(431);
      break;
    case absl::StatusCode::kFailedPrecondition:  // the request in flight, answered 400
      context_->stats.CountResponse(400);
      break;
    default:
      break;
  }
}

void HttpConnectionManager::MaybeClose() {
  if (finished_session_ || !streams_.empty()) return;
  if (remote_closed_ || draining_ || !codec_->keep_alive()) {
    Finish(network::Connection::CloseMode::kFlush);
  }
}

void HttpConnectionManager::OnClose(network::Connection&, network::CloseReason) {
  Finish(network::Connection::CloseMode::kNoFlush);
}

void HttpConnectionManager::OnWriteBufferHigh(network::Connection&) {
  codec_->OnTransportAboveHighWatermark();
}

void HttpConnectionManager::OnWriteBufferLow(network::Connection&) {
  codec_->OnTransportBelowLowWatermark();
}

void HttpConnectionManager::Write(network::Buffer& bytes) {
  if (finished_session_) {
    bytes.Clear();
    return;
  }
  writer_.Write(bytes);
}

void HttpConnectionManager::ReadDisable(bool disable) {
  if (!finished_session_) downstream_->ReadDisable(disable);
}

void HttpConnectionManager::Finish(network::Connection::CloseMode mode) {
  if (finished_session_) return;
  // Streams still open end with the connection (their upstreams are reset).
  codec_->OnConnectionClosed(StreamResetReason::kConnectionTermination);
  std::vector<ProxyStream*> open;
  for (auto& [raw, stream] : streams_) open.push_back(raw);
  for (ProxyStream* s : open) s->Abort();
  finished_session_ = true;
  deadline_timer_->Disable();
  idle_timer_->Disable();
  writer_.Flush();
  downstream_->SetCallbacks(nullptr);
  downstream_->Close(mode);
  context_->host.CloseLater(std::move(downstream_));
  context_->host.RemoveSession(this);
}

}  // namespace weft::http
