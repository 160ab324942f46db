#include "proxy/http/http1_session.h"

#include "absl/strings/match.h"
#include "common/log/log.h"
#include "proxy/http/router.h"

namespace weft::http {
namespace {

absl::string_view PathOf(absl::string_view target) {
  size_t q = target.find('?');
  return q == absl::string_view::npos ? target : target.substr(0, q);
}

// The Host field, or the authority of an absolute-form target.
absl::string_view HostOf(const MessageHead& head) {
  if (auto host = head.headers.Get("host")) return *host;
  absl::string_view t = head.target;
  size_t scheme = t.find("://");
  if (scheme == absl::string_view::npos) return {};
  t.remove_prefix(scheme + 3);
  return t.substr(0, t.find('/'));
}

}  // namespace

void Http1Session::Start(const listener::ListenerContextPtr& context, const listener::ConnectionInfo& info,
                         std::unique_ptr<network::Connection> downstream) {
  auto* session = static_cast<Http1Session*>(context->host.AddSession(
      std::unique_ptr<Http1Session>(new Http1Session(context, info, std::move(downstream)))));
  session->ParseRequests();
  if (!session->finished_ && session->downstream_->read_eof() && !session->active_) {
    session->Finish(network::Connection::CloseMode::kFlush);
  }
}

Http1Session::Http1Session(listener::ListenerContextPtr context,
                           const listener::ConnectionInfo& info,
                           std::unique_ptr<network::Connection> downstream)
    : context_(std::move(context)),
      info_(info),
      downstream_(std::move(downstream)),
      request_parser_(Http1Parser::Type::kRequest, this,
                      context_->config.max_request_headers_bytes),
      response_decoder_(*this),
      response_parser_(Http1Parser::Type::kResponse, &response_decoder_, 256 * 1024) {
  downstream_->SetCallbacks(this);
  event::Dispatcher& d = context_->host.dispatcher();
  request_timer_ = d.CreateTimer([this] { OnRequestTimeout(); });
  idle_timer_ = d.CreateTimer([this] { OnIdleTimeout(); });
  last_activity_ = d.time_source().MonotonicNow();
  idle_timer_->Enable(context_->config.idle_timeout);
}

Http1Session::~Http1Session() { context_->stats.cx_active.Sub(1); }

void Http1Session::OnDrain() {
  if (finished_) return;
  if (!active_) {
    Finish(network::Connection::CloseMode::kFlush);
  } else {
    close_after_response_ = true;
  }
}

// ---- Client side ----------------------------------------------------------

void Http1Session::ParseRequests() {
  network::Buffer& in = downstream_->read_buffer();
  while (!finished_ && !in.empty() && !(active_ && request_complete_)) {
    Http1Parser::Result r = request_parser_.Execute(in.view());
    in.Drain(r.consumed);
    if (finished_) return;
    if (r.error != ParseError::kNone) {
      WEFT_LOG(kDebug, "listener %s: bad request from %s: %s", context_->config.name,
               info_.peer.ToString(), r.error_detail);
      if (active_ && response_started_) {
        Finish(network::Connection::CloseMode::kReset);
        return;
      }
      if (!active_) {
        active_ = true;
        context_->stats.http_rq_total.Inc();
      }
      ReleaseUpstream(/*reuse=*/false);
      const bool too_large = r.error == ParseError::kHeadersTooLarge;
      LocalReply(too_large ? 431 : 400, too_large ? "headers_too_large" : "bad_request",
                 /*close=*/true);
      EndExchange();
      return;
    }
    FlushUpstream();
    if (request_complete_ && pending_reply_status_ != 0) {
      const int status = pending_reply_status_;
      pending_reply_status_ = 0;
      LocalReply(status, pending_reply_reason_, /*close=*/false);
      EndExchange();
      continue;
    }
    if (r.consumed == 0 && !r.message_complete) break;
  }
}

void Http1Session::OnMessageHead(MessageHead& head) {
  active_ = true;
  request_complete_ = false;
  response_started_ = false;
  response_complete_ = false;
  informational_ = false;
  retried_ = false;
  context_->stats.http_rq_total.Inc();
  request_keep_alive_ = head.keep_alive;
  if (!head.keep_alive || context_->host.draining()) close_after_response_ = true;
  is_head_ = head.method == "HEAD";

  auto reply_later = [this](int status, absl::string_view reason) {
    pending_reply_status_ = status;
    pending_reply_reason_ = std::string(reason);
  };
  if (head.upgrade) {
    // Protocol upgrades (WebSocket, CONNECT) are not carried yet; say so clearly.
    close_after_response_ = true;
    return reply_later(501, "upgrade_unsupported");
  }

  if (chains_ != context_->chains) {
    chains_ = context_->chains;
    chain_ = &chains_->Match(info_.destination);
  }
  const std::string* cluster_name = &chain_->cluster;
  absl::Duration timeout = absl::ZeroDuration();
  if (chain_->routes != nullptr) {
    if (const config::Route* route = chain_->routes->Match(HostOf(head), PathOf(head.target))) {
      cluster_name = route->weighted_clusters.empty()
                         ? &route->cluster
                         : &PickWeightedCluster(route->weighted_clusters, context_->host.random());
      timeout = route->timeout;
    }
  }
  if (cluster_name->empty()) return reply_later(404, "no_route");
  cluster_ = context_->host.clusters().Find(*cluster_name);
  pool_ = cluster_ == nullptr ? nullptr : cluster_->PickPool(&info_.original_dst);
  if (pool_ == nullptr) {
    cluster_ = nullptr;  // nothing was counted against it
    return reply_later(503, "no_healthy_upstream");
  }

  if (head.chunked) {
    request_framing_ = BodyFraming::kChunked;
  } else if (head.content_length >= 0) {
    request_framing_ = BodyFraming::kContentLength;
  } else {
    request_framing_ = BodyFraming::kNone;
  }
  const size_t head_start = to_upstream_.size();
  EncodeRequestHead(head, request_framing_, to_upstream_);
  const bool bodiless = request_framing_ == BodyFraming::kNone || head.content_length == 0;
  if (bodiless) {
    replay_head_.assign(to_upstream_.data() + head_start, to_upstream_.size() - head_start);
  } else {
    replay_head_.clear();
  }
  cluster_->stats().upstream_rq_total.Inc();
  cluster_->stats().upstream_rq_active.Add(1);
  if (!ConnectUpstream(/*allow_pooled=*/true)) {
    cluster_->stats().upstream_rq_active.Sub(1);
    cluster_ = nullptr;
    pool_ = nullptr;
    to_upstream_.Clear();
    return reply_later(503, "connect_failed");
  }
  if (timeout > absl::ZeroDuration()) {
    const absl::Time now = context_->host.dispatcher().time_source().MonotonicNow();
    request_deadline_ = now + timeout;
    if (!request_timer_->Enabled() || request_timer_fires_at_ > request_deadline_) {
      request_timer_->Enable(timeout);
      request_timer_fires_at_ = request_deadline_;
    }
  }
}

void Http1Session::OnBody(absl::string_view data) {
  if (upstream_ == nullptr) return;  // answering locally: the body is dropped
  if (request_framing_ == BodyFraming::kChunked) {
    EncodeChunk(data, to_upstream_);
  } else {
    to_upstream_.Append(data);
  }
}

void Http1Session::OnMessageComplete() {
  request_complete_ = true;
  if (upstream_ != nullptr && request_framing_ == BodyFraming::kChunked) {
    EncodeLastChunk(to_upstream_);
  }
}

// ---- Connection events ----------------------------------------------------

void Http1Session::OnData(network::Connection& c, network::Buffer& data, bool end_stream) {
  if (finished_) return;
  if (&c != downstream_.get()) {
    OnUpstreamData(data, end_stream);
    return;
  }
  ParseRequests();
  if (finished_ || !end_stream) return;
  // The client half-closed. Answer what it asked for, then close.
  if (!active_) {
    Finish(network::Connection::CloseMode::kFlush);
  } else if (!request_complete_) {
    Finish(network::Connection::CloseMode::kReset);  // request cut short
  } else {
    close_after_response_ = true;
  }
}

void Http1Session::OnClose(network::Connection& c, network::CloseReason reason) {
  if (finished_) return;
  if (&c == downstream_.get()) {
    Finish(network::Connection::CloseMode::kNoFlush);
    return;
  }
  OnUpstreamGone(reason == network::CloseReason::kConnectFailed);
}

void Http1Session::OnWriteBufferHigh(network::Connection& c) {
  if (&c == downstream_.get()) {
    if (upstream_ != nullptr && !upstream_read_disabled_) {
      upstream_read_disabled_ = true;
      upstream_->ReadDisable(true);
    }
  } else if (!downstream_read_disabled_) {
    downstream_read_disabled_ = true;
    downstream_->ReadDisable(true);
  }
}

void Http1Session::OnWriteBufferLow(network::Connection& c) {
  if (&c == downstream_.get()) {
    if (upstream_ != nullptr && upstream_read_disabled_) {
      upstream_read_disabled_ = false;
      upstream_->ReadDisable(false);
    }
  } else if (downstream_read_disabled_) {
    downstream_read_disabled_ = false;
    downstream_->ReadDisable(false);
  }
}

// ---- Upstream side --------------------------------------------------------

bool Http1Session::ConnectUpstream(bool allow_pooled) {
  upstream_ = allow_pooled ? pool_->Acquire() : nullptr;
  upstream_reused_ = upstream_ != nullptr;
  if (upstream_ == nullptr) {
    absl::StatusOr<std::unique_ptr<network::Connection>> c =
        pool_->Connect(context_->config.buffer_limit_bytes);
    cluster_->stats().upstream_cx_total.Inc();
    if (!c.ok()) {
      cluster_->stats().upstream_cx_connect_fail.Inc();
      return false;
    }
    upstream_ = std::move(*c);
  }
  upstream_->SetCallbacks(this);
  response_parser_.Reset();
  response_parser_.set_expect_no_body(is_head_);
  return true;
}

void Http1Session::FlushUpstream() {
  if (upstream_ != nullptr && !to_upstream_.empty()) upstream_->Write(to_upstream_);
}

void Http1Session::FlushDownstream() {
  if (!to_downstream_.empty()) downstream_->Write(to_downstream_);
}

void Http1Session::OnUpstreamData(network::Buffer& data, bool end_stream) {
  if (!active_ || response_complete_) {
    data.Clear();  // nothing was asked: stray bytes
    return;
  }
  while (!data.empty() && !response_complete_) {
    Http1Parser::Result r = response_parser_.Execute(data.view());
    data.Drain(r.consumed);
    if (r.error != ParseError::kNone) {
      WEFT_LOG(kDebug, "cluster %s: bad response: %s", cluster_->config().name, r.error_detail);
      FlushDownstream();
      OnUpstreamGone(/*connect_failed=*/false);
      return;
    }
    if (r.message_complete && informational_) {
      informational_ = false;
      response_complete_ = false;
      response_parser_.Reset();
      continue;
    }
    if (r.consumed == 0) break;
  }
  if (end_stream && !response_complete_) {
    Http1Parser::Result r = response_parser_.Finish();  // body delimited by close
    if (!r.message_complete) {
      FlushDownstream();
      OnUpstreamGone(/*connect_failed=*/false);
      return;
    }
  }
  FlushDownstream();
  if (response_complete_) EndExchange();
}

void Http1Session::OnResponseHead(MessageHead& head) {
  if (head.status >= 100 && head.status < 200 && head.status != 101) {
    // 100 Continue and friends go to the client; the real response follows.
    informational_ = true;
    EncodeResponseHead(head, BodyFraming::kNone, false, to_downstream_);
    return;
  }
  request_deadline_ = absl::InfiniteFuture();
  response_started_ = true;
  response_keep_alive_ = head.keep_alive;
  context_->stats.CountResponse(head.status);
  if (is_head_ || head.status == 204 || head.status == 304) {
    response_framing_ = BodyFraming::kNone;
  } else if (head.chunked) {
    response_framing_ = BodyFraming::kChunked;
  } else if (head.content_length >= 0) {
    response_framing_ = BodyFraming::kContentLength;
  } else {
    // Delimited by the upstream closing: re-frame as chunks to keep the client's
    // connection, unless the client does not speak HTTP/1.1 chunking.
    response_framing_ = BodyFraming::kChunked;
    if (!request_keep_alive_) close_after_response_ = true;
  }
  EncodeResponseHead(head, response_framing_, close_after_response_, to_downstream_);
}

void Http1Session::OnResponseBody(absl::string_view data) {
  if (response_framing_ == BodyFraming::kChunked) {
    EncodeChunk(data, to_downstream_);
  } else {
    to_downstream_.Append(data);
  }
}

void Http1Session::OnResponseComplete() {
  response_complete_ = true;
  if (!informational_ && response_framing_ == BodyFraming::kChunked) {
    EncodeLastChunk(to_downstream_);
  }
}

void Http1Session::OnUpstreamGone(bool connect_failed) {
  if (!active_ || finished_) return;
  if (connect_failed) cluster_->stats().upstream_cx_connect_fail.Inc();
  const bool was_reused = upstream_reused_;
  ReleaseUpstream(/*reuse=*/false);
  // A keep-alive connection the upstream closed just as we reused it: send the
  // (bodiless) request again on a fresh connection, once.
  if (was_reused && !retried_ && !response_started_ && request_complete_ &&
      !replay_head_.empty()) {
    retried_ = true;
    if (ConnectUpstream(/*allow_pooled=*/false)) {
      upstream_->Write(replay_head_);
      return;
    }
    connect_failed = true;
  }
  if (response_started_) {
    Finish(network::Connection::CloseMode::kReset);  // the client must see the cut
    return;
  }
  request_deadline_ = absl::InfiniteFuture();
  LocalReply(connect_failed ? 503 : 502, connect_failed ? "connect_failed" : "upstream_reset",
             /*close=*/!request_complete_);
  EndExchange();
}

void Http1Session::ReleaseUpstream(bool reuse) {
  if (upstream_ == nullptr) return;
  if (upstream_read_disabled_) {
    upstream_read_disabled_ = false;
    upstream_->ReadDisable(false);
  }
  if (reuse) {
    pool_->Release(std::move(upstream_));
  } else {
    upstream_->SetCallbacks(nullptr);
    upstream_->Close(network::Connection::CloseMode::kNoFlush);
    context_->host.CloseLater(std::move(upstream_));
  }
}

void Http1Session::EndExchange() {
  request_deadline_ = absl::InfiniteFuture();
  ReleaseUpstream(/*reuse=*/upstream_ != nullptr && request_complete_ && response_complete_ &&
                  response_keep_alive_ && !upstream_->read_eof());
  if (cluster_ != nullptr) {
    cluster_->stats().upstream_rq_active.Sub(1);
    cluster_ = nullptr;
  }
  pool_ = nullptr;
  to_upstream_.Clear();
  active_ = false;
  pending_reply_status_ = 0;
  // Writing the response may have failed and ended the session already.
  if (finished_) return;
  request_parser_.Reset();
  if (close_after_response_ || !request_complete_ || downstream_->read_eof()) {
    Finish(network::Connection::CloseMode::kFlush);
    return;
  }
  request_complete_ = false;
  last_activity_ = context_->host.dispatcher().time_source().MonotonicNow();
  ParseRequests();  // pipelined requests waiting in the buffer
}

void Http1Session::LocalReply(int status, absl::string_view reason, bool close) {
  context_->host.ErrorCounter(reason).Inc();
  context_->stats.CountResponse(status);
  if (close) close_after_response_ = true;
  EncodeLocalReply(status, reason, close_after_response_, to_downstream_);
  FlushDownstream();
  response_started_ = true;
  response_complete_ = true;
  response_keep_alive_ = false;
}

void Http1Session::OnRequestTimeout() {
  if (!active_ || response_started_ || finished_) return;
  const absl::Time now = context_->host.dispatcher().time_source().MonotonicNow();
  if (request_deadline_ == absl::InfiniteFuture()) return;
  if (now < request_deadline_) {
    request_timer_->Enable(request_deadline_ - now);  // armed for an earlier request
    request_timer_fires_at_ = request_deadline_;
    return;
  }
  ReleaseUpstream(/*reuse=*/false);
  LocalReply(504, "upstream_timeout", /*close=*/!request_complete_);
  EndExchange();
}

void Http1Session::OnIdleTimeout() {
  if (finished_) return;
  const absl::Duration idle = context_->config.idle_timeout;
  if (active_) {
    idle_timer_->Enable(idle);  // busy: look again later
    return;
  }
  const absl::Time now = context_->host.dispatcher().time_source().MonotonicNow();
  if (now - last_activity_ < idle) {
    idle_timer_->Enable(idle - (now - last_activity_));
    return;
  }
  Finish(network::Connection::CloseMode::kNoFlush);
}

void Http1Session::Finish(network::Connection::CloseMode mode) {
  if (finished_) return;
  finished_ = true;
  request_timer_->Disable();
  idle_timer_->Disable();
  if (cluster_ != nullptr) {
    cluster_->stats().upstream_rq_active.Sub(1);
    cluster_ = nullptr;
  }
  ReleaseUpstream(/*reuse=*/false);
  FlushDownstream();
  downstream_->Close(mode);
  context_->host.CloseLater(std::move(downstream_));
  context_->host.RemoveSession(this);
}

}  // namespace weft::http
