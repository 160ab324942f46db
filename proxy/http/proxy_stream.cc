#include "proxy/http/proxy_stream.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "proxy/http/connection_manager.h"
#include "proxy/http/inbound_authz.h"
#include "proxy/http/local_reply.h"
#include "proxy/http/route_actions.h"
#include "proxy/http/router.h"
#include "proxy/resilience/fault_injector.h"
#include "proxy/resilience/grpc_timeout.h"
#include "proxy/resilience/rate_limiter.h"
#include "proxy/upstream/lb_hash.h"

namespace weft::http {
namespace {

// Marks a request that the sidecar at the other end must turn back into
// HTTP/1.1 for its app (an HTTP/1.1 request carried between sidecars over a
// multiplexed HTTP/2 connection).
constexpr absl::string_view kOrigProtoHeader = "x-weft-orig-proto";
constexpr absl::string_view kOrigProtoHttp1 = "http/1.1";

// The value of cookie `name` in a Cookie field ("a=1; b=2").
std::optional<absl::string_view> CookieValue(const HeaderMap& headers, absl::string_view name) {
  auto cookie = headers.Get("cookie");
  if (!cookie.has_value()) return std::nullopt;
  for (absl::string_view pair : absl::StrSplit(*cookie, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    const size_t eq = pair.find('=');
    if (eq != absl::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

upstream::UpstreamResult ResultOf(const resilience::AttemptOutcome& outcome) {
  switch (outcome.kind) {
    case resilience::AttemptOutcome::Kind::kResponse:
      return upstream::ResultFromHttpStatus(outcome.http_status);
    case resilience::AttemptOutcome::Kind::kPerTryTimeout:
      return upstream::UpstreamResult::kGatewayError;
    default:
      return upstream::UpstreamResult::kConnectFailure;
  }
}

}  // namespace

ProxyStream::ProxyStream(HttpConnectionManager& manager, ResponseEncoder& downstream)
    : manager_(manager), downstream_(downstream) {}

ProxyStream::~ProxyStream() {
  EndAttempt(/*reset=*/true);
  ReleaseCluster();
  spent_attempts_.clear();
  // Only now: the last reference to a pool that left the config may go, and
  // with it the connection whose callback may have ended this stream.
  pools_.clear();
}

absl::Time ProxyStream::Now() const { return manager_.Now(); }

// ---- Downstream -------------------------------------------------------------

void ProxyStream::DecodeHeaders(RequestHeaders& headers, bool end_stream) {
  start_ = Now();
  if (manager_.context().host.access_logger() != nullptr) {
    start_system_ = manager_.context().host.dispatcher().time_source().SystemNow();
  }
  request_ = &headers;
  request_complete_ = end_stream;
  last_activity_ = start_;
  stream_idle_timeout_ = manager_.context().config.stream_idle_timeout;
  if (stream_idle_timeout_ > absl::ZeroDuration()) {
    manager_.ScheduleDeadline(start_ + stream_idle_timeout_);
  }
  grpc_ = IsGrpcRequest(headers);
  manager_.context().stats.http_rq_total.Inc();
  if (manager_.context().host.tracing()) {
    trace_ = observability::ContinueOrStartTrace(headers.headers, manager_.context().host.random(),
                                                 observability::Sampling::kNotSampled);
    observability::InjectTraceContext(trace_, headers.headers);
  }
  RouteAndForward();
}

void ProxyStream::DecodeData(network::Buffer& data, bool end_stream) {
  if (done_) return;
  bytes_received_ += data.size();
  if (stream_idle_timeout_ > absl::ZeroDuration()) last_activity_ = Now();
  if (end_stream) request_complete_ = true;
  if (retry_policy_.has_value() && body_replayable_) {
    if (replay_.size() + data.size() > route_->retry.max_replay_bytes) {
      body_replayable_ = false;  // too big to send again: no more retries
      replay_.Clear();
    } else {
      replay_.Append(data.view());
    }
  }
  if (attempt_ != nullptr && attempt_->encoder != nullptr) {
    attempt_->encoder->EncodeData(data, end_stream);
  } else {
    data.Clear();  // answered locally, between tries (replayed later), or delayed
  }
}

void ProxyStream::DecodeTrailers(HeaderMap& trailers) {
  if (done_) return;
  request_complete_ = true;
  if (retry_policy_.has_value()) replay_trailers_ = trailers;
  if (attempt_ != nullptr && attempt_->encoder != nullptr) attempt_->encoder->EncodeTrailers(trailers);
}

void ProxyStream::OnResetStream(StreamResetReason reason) {
  if (done_) return;
  WEFT_LOG(kDebug, "downstream stream reset: %s", StreamResetReasonName(reason));
  error_reason_ = "downstream_reset";
  EndAttempt(/*reset=*/true);
  Finish();
}

void ProxyStream::OnAboveWriteBufferHighWatermark() {
  // The client is slower than the upstream: stop reading the response.
  if (attempt_ != nullptr && attempt_->encoder != nullptr && !upstream_read_disabled_) {
    upstream_read_disabled_ = true;
    attempt_->encoder->ReadDisable(true);
  }
}

void ProxyStream::OnBelowWriteBufferLowWatermark() {
  if (attempt_ != nullptr && attempt_->encoder != nullptr && upstream_read_disabled_) {
    upstream_read_disabled_ = false;
    attempt_->encoder->ReadDisable(false);
  }
}

// ---- Routing ----------------------------------------------------------------

void ProxyStream::RouteAndForward() {
  RequestHeaders& request = *request_;
  if (request.method == "CONNECT") {
    // Tunnels to arbitrary destinations are not offered by a sidecar.
    return LocalReply(405, "connect_not_allowed");
  }
  chains_ = manager_.chains();
  const listener::FilterChainTable::Chain& chain = manager_.chain();
  if (chain.authz != nullptr &&
      !AuthorizeRequest(*chain.authz, request, manager_.peer_identity(),
                        manager_.info().destination.port())) {
    return LocalReply(403, "authz_denied");
  }
  const std::string* cluster_name = &chain.cluster;
  if (chain.routes != nullptr) {
    route_ = chain.routes->Match(request);
    if (route_ != nullptr) {
      if (!route_->forwards()) {
        http::LocalResponse local = MakeLocalResponse(*route_, request);
        manager_.context().stats.CountResponse(local.headers.status);
        SendLocalResponse(local.headers, local.body);
        return;
      }
      if (!ApplyRateLimit()) return;
      if (!ApplyFault()) return;
      cluster_name = route_->weighted_clusters.empty()
                         ? &route_->cluster
                         : &PickWeightedCluster(route_->weighted_clusters,
                                                manager_.context().host.random());
      ApplyRequestMutations(*route_, request);
    }
  }
  if (cluster_name->empty()) return LocalReply(404, "no_route");
  cluster_ = manager_.context().host.clusters().Find(*cluster_name);
  if (cluster_ == nullptr) return LocalReply(503, "no_healthy_upstream");
  request_slot_ = cluster_->breaker().TryAcquire(resilience::CircuitBreaker::Resource::kRequest);
  if (!request_slot_.has_value()) {
    cluster_->stats().upstream_rq_overflow.Inc();
    cluster_ = nullptr;
    return LocalReply(503, "circuit_open");
  }
  cluster_->stats().upstream_rq_total.Inc();
  cluster_->stats().upstream_rq_active.Add(1);
  upstream_version_ = ChooseUpstreamVersion();
  SetUpRetries();
  SetRequestTimeout();
  if (fault_delay_until_ != absl::InfiniteFuture()) return;  // the delay starts the try
  StartAttempt();
}

bool ProxyStream::ApplyRateLimit() {
  const config::RateLimit& limit = route_->rate_limit;
  resilience::RateLimiter* limiter = manager_.context().host.rate_limiter();
  if (limit.max_tokens == 0 || limiter == nullptr) return true;
  // Named routes keep their bucket across config updates; the route
  // configuration's name keeps equal route names of different services apart.
  const listener::FilterChainTable::Chain& chain = manager_.chain();
  std::string key =
      route_->name.empty()
          ? absl::StrCat("route@", reinterpret_cast<uintptr_t>(route_))
          : absl::StrCat(chain.routes != nullptr ? chain.routes->config().name : "", "/",
                         route_->name);
  if (limit.per_source) absl::StrAppend(&key, "|", manager_.info().peer.ip());
  resilience::TokenBucket::Options options;
  options.max_tokens = limit.max_tokens;
  options.tokens_per_fill = limit.tokens_per_fill == 0 ? limit.max_tokens : limit.tokens_per_fill;
  options.fill_interval = limit.fill_interval;
  resilience::TokenBucket::Decision d = limiter->Check(key, options);
  if (d.allowed) return true;
  const int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(d.retry_after, absl::Seconds(1))));
  manager_.context().host.ErrorCounter("rate_limited").Inc();
  manager_.context().stats.CountResponse(429);
  error_reason_ = "rate_limited";
  http::LocalReply reply = MakeLocalReply(429, "rate_limited", grpc_);
  reply.headers.headers.Add("retry-after", absl::StrCat(seconds));
  SendLocalResponse(reply.headers, reply.body);
  return false;
}

bool ProxyStream::ApplyFault() {
  const config::FaultInjection& f = route_->fault;
  if (f.delay_percent <= 0 && f.abort_percent <= 0) return true;
  resilience::FaultInjector::Options o;
  o.delay_percent = f.delay_percent;
  o.delay = f.delay;
  o.abort_percent = f.abort_percent;
  if (f.abort_http_status > 0) o.abort_http_status = f.abort_http_status;
  if (f.abort_grpc_status >= 0) o.abort_grpc_status = f.abort_grpc_status;
  absl::StatusOr<resilience::FaultInjector> injector =
      resilience::FaultInjector::Create(o, manager_.context().host.random());
  if (!injector.ok()) return true;  // validation rejects such configs
  resilience::FaultInjector::Decision d = injector->Decide();
  if (d.abort_http_status.has_value() || d.abort_grpc_status.has_value()) {
    manager_.context().host.ErrorCounter("fault_injected").Inc();
    error_reason_ = "fault_injected";
    if (d.abort_grpc_status.has_value() && grpc_) {
      http::LocalReply reply = MakeLocalReply(503, "fault_injected", /*grpc=*/true);
      reply.headers.headers.Set("grpc-status", absl::StrCat(*d.abort_grpc_status));
      manager_.context().stats.CountResponse(200);
      SendLocalResponse(reply.headers, reply.body);
      return false;
    }
    const int status = d.abort_http_status.value_or(503);
    manager_.context().stats.CountResponse(status);
    http::LocalReply reply = MakeLocalReply(status, "fault_injected", grpc_);
    SendLocalResponse(reply.headers, reply.body);
    return false;
  }
  if (d.delay.has_value()) {
    fault_delay_until_ = Now() + *d.delay;
    manager_.ScheduleDeadline(fault_delay_until_);
  }
  return true;
}

void ProxyStream::SetUpRetries() {
  if (route_ == nullptr || route_->retry.num_retries == 0) return;
  const config::RetryPolicy& r = route_->retry;
  resilience::RetryPolicy::Options o;
  o.num_retries = r.num_retries;
  o.retry_on = 0;
  for (const std::string& name : r.retry_on) {
    absl::StatusOr<uint32_t> bits = resilience::ParseRetryOn(name, &o.retriable_grpc_codes);
    if (bits.ok()) o.retry_on |= *bits;
  }
  for (uint32_t code : r.retriable_status_codes) o.retriable_status_codes.insert(code);
  o.retry_non_idempotent = r.retry_non_idempotent;
  absl::StatusOr<resilience::RetryPolicy> policy = resilience::RetryPolicy::Create(std::move(o));
  if (!policy.ok()) return;  // validation rejects such configs
  retry_policy_.emplace(std::move(*policy));
  absl::StatusOr<resilience::RetryBackoff> backoff = resilience::RetryBackoff::Create(
      {r.backoff_base, r.backoff_max}, manager_.context().host.random());
  if (backoff.ok()) backoff_.emplace(std::move(*backoff));
}

void ProxyStream::SetRequestTimeout() {
  absl::Duration timeout = route_ != nullptr ? route_->timeout : absl::ZeroDuration();
  if (grpc_) {
    // A gRPC deadline is honoured and never extended.
    std::optional<absl::Duration> deadline;
    if (auto t = request_->headers.Get("grpc-timeout")) {
      absl::StatusOr<absl::Duration> parsed = resilience::ParseGrpcTimeout(*t);
      if (parsed.ok()) deadline = *parsed;
    }
    timeout = resilience::EffectiveTimeout(timeout, deadline);
  }
  if (timeout <= absl::ZeroDuration() || timeout == absl::InfiniteDuration()) return;
  request_deadline_ = start_ + timeout;
  manager_.ScheduleDeadline(request_deadline_);
}

upstream::HttpVersion ProxyStream::ChooseUpstreamVersion() {
  RequestHeaders& request = *request_;
  const bool downstream_h2 = manager_.version() == upstream::HttpVersion::kHttp2;
  bool orig_http1 = false;
  if (auto hint = request.headers.Get(kOrigProtoHeader)) {
    orig_http1 = *hint == kOrigProtoHttp1;
    request.headers.Remove(kOrigProtoHeader);
  }
  if (!request.upgrade.empty()) return upstream::HttpVersion::kHttp1;  // tunnels are HTTP/1.1
  switch (cluster_->config().http_protocol) {
    case config::Cluster::HttpProtocol::kHttp1:
      return upstream::HttpVersion::kHttp1;
    case config::Cluster::HttpProtocol::kHttp2:
      if (!downstream_h2 || orig_http1) request.headers.Add(kOrigProtoHeader, kOrigProtoHttp1);
      return upstream::HttpVersion::kHttp2;
    case config::Cluster::HttpProtocol::kUseDownstream:
      break;
  }
  return downstream_h2 && !orig_http1 ? upstream::HttpVersion::kHttp2
                                       : upstream::HttpVersion::kHttp1;
}

upstream::LbContext ProxyStream::MakeLbContext() const {
  upstream::LbContext context;
  context.excluded_endpoint = last_endpoint_;
  if (route_ == nullptr) return context;
  for (const config::HashPolicy& h : route_->hash_policy) {
    std::optional<absl::string_view> value;
    std::string ip;
    switch (h.kind) {
      case config::HashPolicy::Kind::kHeader:
        if (auto v = request_->headers.Get(h.name)) value = *v;
        break;
      case config::HashPolicy::Kind::kCookie:
        value = CookieValue(request_->headers, h.name);
        break;
      case config::HashPolicy::Kind::kSourceIp:
        ip = manager_.info().peer.ip();
        value = ip;
        break;
    }
    if (value.has_value()) {
      context.hash_key = upstream::HashKey(*value);
      break;
    }
  }
  return context;
}

// ---- Tries ------------------------------------------------------------------

bool ProxyStream::StartAttempt() {
  const bool is_retry = attempt_ != nullptr || !spent_attempts_.empty();
  if (attempt_ != nullptr) spent_attempts_.push_back(std::move(attempt_));
  auto attempt = std::make_unique<Attempt>(*this);
  attempt->pick = cluster_->PickEndpoint(&manager_.info().original_dst, MakeLbContext());
  if (attempt->pick.pool == nullptr) {
    LocalReply(503, "no_healthy_upstream");
    return false;
  }
  pools_.push_back(attempt->pick.pool);
  last_endpoint_ = attempt->pick.endpoint;
  attempt->start = Now();
  absl::StatusOr<upstream::ConnectionPool::Stream> stream =
      attempt->pick.pool->NewStream(*attempt, upstream_version_);
  if (!stream.ok()) {
    if (absl::IsResourceExhausted(stream.status())) {
      LocalReply(503, "circuit_open");
      return false;
    }
    attempt_ = std::move(attempt);
    OnAttemptFailed({resilience::AttemptOutcome::Kind::kConnectFailure, 0, std::nullopt},
                    "connect_failed", 503);
    return !done_;
  }
  attempt->encoder = stream->encoder;
  attempt->reused = stream->reused;
  cluster_->OnAttemptStart(attempt->pick);
  if (is_retry) cluster_->stats().upstream_rq_retry.Inc();
  if (route_ != nullptr && route_->per_try_timeout > absl::ZeroDuration()) {
    attempt->per_try_deadline = attempt->start + route_->per_try_timeout;
    manager_.ScheduleDeadline(attempt->per_try_deadline);
  }
  attempt_ = std::move(attempt);
  Attempt* a = attempt_.get();
  // A retry sends what the client sent so far again.
  const bool has_body = !replay_.empty() || replay_trailers_.has_value();
  const bool headers_end = request_complete_ && (!is_retry || !has_body);
  a->encoder->EncodeHeaders(*request_, headers_end);
  if (is_retry && has_body && a->encoder != nullptr && attempt_.get() == a) {
    network::Buffer copy;
    copy.Append(replay_.view());
    const bool data_end = request_complete_ && !replay_trailers_.has_value();
    if (!copy.empty() || data_end) a->encoder->EncodeData(copy, data_end);
    if (replay_trailers_.has_value() && a->encoder != nullptr && attempt_.get() == a) {
      a->encoder->EncodeTrailers(*replay_trailers_);
    }
  }
  return !done_;
}

void ProxyStream::ReportAttempt(upstream::UpstreamResult result) {
  if (attempt_ == nullptr || attempt_->reported || cluster_ == nullptr) return;
  attempt_->reported = true;
  cluster_->OnAttemptEnd(attempt_->pick, result, Now() - attempt_->start);
}

void ProxyStream::EndAttempt(bool reset) {
  if (attempt_ == nullptr) return;
  if (!attempt_->reported && cluster_ != nullptr && attempt_->encoder != nullptr) {
    // Abandoned (timeout, client gone): not the endpoint's fault.
    attempt_->reported = true;
    cluster_->OnAttemptEnd(attempt_->pick, upstream::UpstreamResult::kSuccess,
                           Now() - attempt_->start);
  }
  RequestEncoder* encoder = attempt_->encoder;
  attempt_->encoder = nullptr;
  attempt_->retry_slot.reset();
  upstream_read_disabled_ = false;
  if (reset && encoder != nullptr) encoder->ResetStream(StreamResetReason::kLocalReset);
}

bool ProxyStream::MaybeRetry(const resilience::AttemptOutcome& outcome) {
  if (!retry_policy_.has_value() || response_started_ || cluster_ == nullptr) return false;
  resilience::RequestInfo info;
  info.method = request_->method;
  info.is_grpc = grpc_;
  info.body_replayable = body_replayable_;
  const resilience::RetryDecision decision =
      retry_policy_->ShouldRetry(outcome, info, retries_done_);
  if (decision != resilience::RetryDecision::kRetry) return false;
  // A retry that could not start before the request deadline is no retry: the
  // response in hand goes to the client.
  const absl::Duration wait = backoff_.has_value() ? backoff_->Next() : absl::ZeroDuration();
  if (Now() + wait >= request_deadline_) return false;
  std::optional<resilience::CircuitBreaker::Handle> slot =
      cluster_->breaker().TryAcquire(resilience::CircuitBreaker::Resource::kRetry);
  if (!slot.has_value()) {
    cluster_->stats().upstream_rq_retry_overflow.Inc();
    retry_blocked_reason_ = "retry_budget_exhausted";
    return false;
  }
  ++retries_done_;
  EndAttempt(/*reset=*/true);
  attempt_->retry_slot = std::move(slot);  // held until the retry is over
  retry_at_ = Now() + wait;
  manager_.ScheduleDeadline(retry_at_);
  return true;
}

void ProxyStream::OnAttemptFailed(const resilience::AttemptOutcome& outcome,
                                  absl::string_view reason, int status) {
  ReportAttempt(ResultOf(outcome));
  if (MaybeRetry(outcome)) return;
  EndAttempt(/*reset=*/true);
  if (!retry_blocked_reason_.empty()) reason = retry_blocked_reason_;
  LocalReply(status, reason);
}

// ---- Timers -----------------------------------------------------------------

absl::Time ProxyStream::deadline() const {
  const absl::Time idle = stream_idle_timeout_ > absl::ZeroDuration()
                              ? last_activity_ + stream_idle_timeout_
                              : absl::InfiniteFuture();
  if (response_started_) return idle;
  absl::Time next = std::min(request_deadline_, std::min(retry_at_, fault_delay_until_));
  if (attempt_ != nullptr && attempt_->encoder != nullptr) {
    next = std::min(next, attempt_->per_try_deadline);
  }
  return std::min(next, idle);
}

void ProxyStream::OnDeadline() {
  if (done_) return;
  const absl::Time now = Now();
  if (stream_idle_timeout_ > absl::ZeroDuration() && now >= last_activity_ + stream_idle_timeout_) {
    WEFT_LOG(kDebug, "stream idle for %s: ended", absl::FormatDuration(stream_idle_timeout_));
    ReportAttempt(upstream::UpstreamResult::kSuccess);  // not the endpoint's fault
    EndAttempt(/*reset=*/true);
    LocalReply(504, "stream_idle_timeout");  // a reset if the response had started
    return;
  }
  if (response_started_) {
    manager_.ScheduleDeadline(deadline());  // idle check again later
    return;
  }
  if (now >= request_deadline_) {
    request_deadline_ = absl::InfiniteFuture();
    cluster_->stats().upstream_rq_timeout.Inc();
    ReportAttempt(upstream::UpstreamResult::kGatewayError);
    EndAttempt(/*reset=*/true);
    LocalReply(504, "upstream_timeout");
    return;
  }
  if (now >= fault_delay_until_) {
    fault_delay_until_ = absl::InfiniteFuture();
    StartAttempt();
    return;
  }
  if (now >= retry_at_) {
    retry_at_ = absl::InfiniteFuture();
    StartAttempt();
    return;
  }
  if (attempt_ != nullptr && attempt_->encoder != nullptr && now >= attempt_->per_try_deadline) {
    attempt_->per_try_deadline = absl::InfiniteFuture();
    cluster_->stats().upstream_rq_per_try_timeout.Inc();
    OnAttemptFailed({resilience::AttemptOutcome::Kind::kPerTryTimeout, 504, std::nullopt},
                    "upstream_timeout", 504);
    return;
  }
  // Not due yet (the connection's timer is shared): it will be asked again.
  manager_.ScheduleDeadline(deadline());
}

void ProxyStream::Abort() {
  if (done_) return;
  EndAttempt(/*reset=*/true);
  downstream_.ResetStream(StreamResetReason::kLocalReset);
  Finish();
}

// ---- Upstream events of a try ----------------------------------------------

void ProxyStream::Attempt::Decode1xxHeaders(ResponseHeaders& headers) {
  if (stream_.attempt_.get() == this && !stream_.done_) {
    stream_.downstream_.Encode1xxHeaders(headers);
  }
}

void ProxyStream::Attempt::DecodeHeaders(ResponseHeaders& headers, bool end_stream) {
  if (stream_.attempt_.get() == this && !stream_.done_) stream_.OnResponseHeaders(headers, end_stream);
}

void ProxyStream::Attempt::DecodeData(network::Buffer& data, bool end_stream) {
  if (stream_.attempt_.get() == this && !stream_.done_) stream_.OnResponseData(data, end_stream);
}

void ProxyStream::Attempt::DecodeTrailers(HeaderMap& trailers) {
  if (stream_.attempt_.get() == this && !stream_.done_) stream_.OnResponseTrailers(trailers);
}

void ProxyStream::Attempt::OnResetStream(StreamResetReason reason) {
  encoder = nullptr;  // the codec is done with it
  if (stream_.attempt_.get() == this && !stream_.done_) stream_.OnAttemptReset(reason);
}

void ProxyStream::Attempt::OnAboveWriteBufferHighWatermark() {
  // The upstream is slower than the client: stop reading the request body.
  ProxyStream& s = stream_;
  if (s.attempt_.get() == this && !s.done_ && !s.downstream_read_disabled_) {
    s.downstream_read_disabled_ = true;
    s.downstream_.ReadDisable(true);
  }
}

void ProxyStream::Attempt::OnBelowWriteBufferLowWatermark() {
  ProxyStream& s = stream_;
  if (s.attempt_.get() == this && !s.done_ && s.downstream_read_disabled_) {
    s.downstream_read_disabled_ = false;
    s.downstream_.ReadDisable(false);
  }
}

void ProxyStream::OnResponseHeaders(ResponseHeaders& headers, bool end_stream) {
  if (stream_idle_timeout_ > absl::ZeroDuration()) last_activity_ = Now();
  resilience::AttemptOutcome outcome;
  outcome.kind = resilience::AttemptOutcome::Kind::kResponse;
  outcome.http_status = headers.status;
  if (grpc_) outcome.grpc_status = GrpcStatusOf(headers.headers);  // trailers-only
  ReportAttempt(ResultOf(outcome));
  if (headers.status >= 500 || outcome.grpc_status.value_or(0) != 0) {
    if (MaybeRetry(outcome)) return;  // this response is dropped
  }
  response_started_ = true;
  manager_.context().stats.CountResponse(headers.status);
  if (route_ != nullptr) ApplyResponseMutations(*route_, headers);
  NoteResponse(headers);
  if (end_stream) EndAttempt(/*reset=*/false);
  downstream_.EncodeHeaders(headers, end_stream);
  if (end_stream) Finish();
}

void ProxyStream::OnResponseData(network::Buffer& data, bool end_stream) {
  if (stream_idle_timeout_ > absl::ZeroDuration()) last_activity_ = Now();
  if (end_stream) EndAttempt(/*reset=*/false);
  bytes_sent_ += data.size();
  downstream_.EncodeData(data, end_stream);
  if (end_stream) Finish();
}

void ProxyStream::OnResponseTrailers(HeaderMap& trailers) {
  EndAttempt(/*reset=*/false);
  NoteGrpcStatus(trailers);
  downstream_.EncodeTrailers(trailers);
  Finish();
}

void ProxyStream::OnAttemptReset(StreamResetReason reason) {
  upstream_read_disabled_ = false;
  if (reason == StreamResetReason::kConnectionFailure) {
    WEFT_LOG(kDebug, "cluster %s: connect failed", cluster_->config().name);
  }
  if (response_started_) {
    ReportAttempt(upstream::UpstreamResult::kConnectFailure);
    error_reason_ = "upstream_reset";
    manager_.context().host.ErrorCounter(error_reason_).Inc();
    downstream_.ResetStream(StreamResetReason::kRemoteReset);  // the client must see the cut
    Finish();
    return;
  }
  // A request that provably did not reach the application may go again once,
  // whatever the policy: refused by the server (HTTP/2 REFUSED_STREAM,
  // GOAWAY), or sent on a pooled keep-alive connection the upstream had just
  // closed. Only when the request is complete and had no body to replay.
  const bool refused = reason == StreamResetReason::kRemoteRefused;
  const bool stale = attempt_->reused && reason == StreamResetReason::kConnectionTermination;
  if ((refused || stale) && !implicit_retry_used_ && request_complete_ && replay_.empty() &&
      bytes_received_ == 0) {
    implicit_retry_used_ = true;
    ReportAttempt(upstream::UpstreamResult::kSuccess);  // not the endpoint's fault
    attempt_->encoder = nullptr;
    StartAttempt();
    return;
  }
  resilience::AttemptOutcome outcome;
  switch (reason) {
    case StreamResetReason::kConnectionFailure:
      outcome.kind = resilience::AttemptOutcome::Kind::kConnectFailure;
      return OnAttemptFailed(outcome, "connect_failed", 503);
    case StreamResetReason::kRemoteRefused:
      outcome.kind = resilience::AttemptOutcome::Kind::kRefusedStream;
      return OnAttemptFailed(outcome, "upstream_reset", 503);
    case StreamResetReason::kOverflow:
      outcome.kind = resilience::AttemptOutcome::Kind::kReset;
      return OnAttemptFailed(outcome, "upstream_overflow", 503);
    case StreamResetReason::kProtocolError:
      outcome.kind = resilience::AttemptOutcome::Kind::kReset;
      return OnAttemptFailed(outcome, "upstream_protocol_error", 502);
    default:
      outcome.kind = resilience::AttemptOutcome::Kind::kReset;
      return OnAttemptFailed(outcome, "upstream_reset", 502);
  }
}

// ---- Endings ----------------------------------------------------------------

void ProxyStream::LocalReply(int status, absl::string_view reason) {
  if (done_) return;
  EndAttempt(/*reset=*/true);
  manager_.context().host.ErrorCounter(reason).Inc();
  manager_.context().stats.CountResponse(status);
  error_reason_ = reason;
  if (response_started_) {
    downstream_.ResetStream(StreamResetReason::kLocalReset);
    Finish();
    return;
  }
  http::LocalReply reply = MakeLocalReply(status, reason, grpc_);
  SendLocalResponse(reply.headers, reply.body);
}

void ProxyStream::SendLocalResponse(ResponseHeaders& headers, absl::string_view body) {
  response_started_ = true;
  NoteResponse(headers);
  bytes_sent_ += body.size();
  if (body.empty()) {
    downstream_.EncodeHeaders(headers, /*end_stream=*/true);
  } else {
    downstream_.EncodeHeaders(headers, /*end_stream=*/false);
    network::Buffer data;
    data.Append(body);
    downstream_.EncodeData(data, /*end_stream=*/true);
  }
  Finish();
}

void ProxyStream::ReleaseCluster() {
  if (cluster_ != nullptr && !cluster_released_ && request_slot_.has_value()) {
    cluster_released_ = true;
    cluster_->stats().upstream_rq_active.Sub(1);
  }
  request_slot_.reset();
}

void ProxyStream::Finish() {
  if (done_) return;
  done_ = true;
  retry_at_ = absl::InfiniteFuture();
  fault_delay_until_ = absl::InfiniteFuture();
  request_deadline_ = absl::InfiniteFuture();
  Record();
  EndAttempt(/*reset=*/true);
  ReleaseCluster();
  manager_.OnStreamDone(*this);
}

}  // namespace weft::http
