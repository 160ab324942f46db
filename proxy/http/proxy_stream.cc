#include "proxy/http/proxy_stream.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "proxy/observability/access_log.h"
#include "proxy/observability/request_metrics.h"
#include "proxy/http/connection_manager.h"
#include "proxy/http/local_reply.h"
#include "proxy/http/route_actions.h"
#include "proxy/http/router.h"

namespace weft::http {
namespace {

// Marks a request that the sidecar at the other end must turn back into
// HTTP/1.1 for its app (an HTTP/1.1 request carried between sidecars over a
// multiplexed HTTP/2 connection).
constexpr absl::string_view kOrigProtoHeader = "x-weft-orig-proto";
constexpr absl::string_view kOrigProtoHttp1 = "http/1.1";

}  // namespace

ProxyStream::ProxyStream(HttpConnectionManager& manager, ResponseEncoder& downstream)
    : manager_(manager), downstream_(downstream) {}

ProxyStream::~ProxyStream() {
  ResetUpstream();
  ReleaseCluster();
  // Only now: the last reference to a pool that left the config may go, and
  // with it the connection whose callback may have ended this stream.
  pool_ = nullptr;
}

// ---- Downstream -------------------------------------------------------------

void ProxyStream::DecodeHeaders(RequestHeaders& headers, bool end_stream) {
  const TimeSource& time = manager_.context().host.dispatcher().time_source();
  start_ = time.MonotonicNow();
  if (manager_.context().host.access_logger() != nullptr) start_system_ = time.SystemNow();
  request_ = &headers;
  request_complete_ = end_stream;
  request_had_body_ = !end_stream;
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
  if (end_stream) request_complete_ = true;
  if (upstream_ != nullptr) {
    upstream_->EncodeData(data, end_stream);
  } else {
    data.Clear();  // answered locally, or the upstream is gone: dropped
  }
}

void ProxyStream::DecodeTrailers(HeaderMap& trailers) {
  if (done_) return;
  request_complete_ = true;
  if (upstream_ != nullptr) upstream_->EncodeTrailers(trailers);
}

void ProxyStream::OnResetStream(StreamResetReason reason) {
  if (done_) return;
  WEFT_LOG(kDebug, "downstream stream reset: %s", StreamResetReasonName(reason));
  error_reason_ = "downstream_reset";
  ResetUpstream();
  Finish();
}

void ProxyStream::OnAboveWriteBufferHighWatermark() {
  // The client is slower than the upstream: stop reading the response.
  if (upstream_ != nullptr && !upstream_read_disabled_) {
    upstream_read_disabled_ = true;
    upstream_->ReadDisable(true);
  }
}

void ProxyStream::OnBelowWriteBufferLowWatermark() {
  if (upstream_ != nullptr && upstream_read_disabled_) {
    upstream_read_disabled_ = false;
    upstream_->ReadDisable(false);
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
  const std::string* cluster_name = &chain.cluster;
  absl::Duration timeout = absl::ZeroDuration();
  if (chain.routes != nullptr) {
    route_ = chain.routes->Match(request);
    if (route_ != nullptr) {
      if (!route_->forwards()) {
        http::LocalResponse local = MakeLocalResponse(*route_, request);
        manager_.context().stats.CountResponse(local.headers.status);
        SendLocalResponse(local.headers, local.body);
        return;
      }
      cluster_name = route_->weighted_clusters.empty()
                         ? &route_->cluster
                         : &PickWeightedCluster(route_->weighted_clusters,
                                                manager_.context().host.random());
      timeout = route_->timeout;
      ApplyRequestMutations(*route_, request);
    }
  }
  if (cluster_name->empty()) return LocalReply(404, "no_route");
  cluster_ = manager_.context().host.clusters().Find(*cluster_name);
  pool_ = cluster_ == nullptr ? nullptr : cluster_->PickPool(&manager_.info().original_dst);
  if (pool_ == nullptr) {
    cluster_ = nullptr;  // nothing was counted against it
    return LocalReply(503, "no_healthy_upstream");
  }
  cluster_->stats().upstream_rq_total.Inc();
  cluster_->stats().upstream_rq_active.Add(1);
  upstream_version_ = ChooseUpstreamVersion();
  if (!StartUpstream()) return;
  SetDeadline(timeout);
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

bool ProxyStream::StartUpstream() {
  absl::StatusOr<upstream::ConnectionPool::Stream> stream =
      pool_->NewStream(upstream_decoder_, upstream_version_);
  if (!stream.ok()) {
    LocalReply(503, "connect_failed");
    return false;
  }
  upstream_ = stream->encoder;
  upstream_reused_ = stream->reused;
  upstream_->EncodeHeaders(*request_, request_complete_);
  return !done_;
}

void ProxyStream::SetDeadline(absl::Duration timeout) {
  if (done_ || timeout <= absl::ZeroDuration()) return;
  deadline_ = manager_.Now() + timeout;
  manager_.ScheduleDeadline(deadline_);
}

void ProxyStream::OnDeadline() {
  if (done_ || response_started_) return;
  deadline_ = absl::InfiniteFuture();
  ResetUpstream();
  LocalReply(504, "upstream_timeout");
}

void ProxyStream::Abort() {
  if (done_) return;
  ResetUpstream();
  downstream_.ResetStream(StreamResetReason::kLocalReset);
  Finish();
}

// ---- Upstream ---------------------------------------------------------------

void ProxyStream::UpstreamDecoder::Decode1xxHeaders(ResponseHeaders& headers) {
  if (!stream_.done_) stream_.downstream_.Encode1xxHeaders(headers);
}

void ProxyStream::UpstreamDecoder::DecodeHeaders(ResponseHeaders& headers, bool end_stream) {
  ProxyStream& s = stream_;
  if (s.done_) return;
  s.response_started_ = true;
  s.deadline_ = absl::InfiniteFuture();
  s.manager_.context().stats.CountResponse(headers.status);
  if (s.route_ != nullptr) ApplyResponseMutations(*s.route_, headers);
  s.NoteResponse(headers);
  if (end_stream) s.upstream_ = nullptr;  // the upstream stream is over
  s.downstream_.EncodeHeaders(headers, end_stream);
  if (end_stream) s.Finish();
}

void ProxyStream::UpstreamDecoder::DecodeData(network::Buffer& data, bool end_stream) {
  ProxyStream& s = stream_;
  if (s.done_) return;
  if (end_stream) s.upstream_ = nullptr;
  s.bytes_sent_ += data.size();
  s.downstream_.EncodeData(data, end_stream);
  if (end_stream) s.Finish();
}

void ProxyStream::UpstreamDecoder::DecodeTrailers(HeaderMap& trailers) {
  ProxyStream& s = stream_;
  if (s.done_) return;
  s.upstream_ = nullptr;
  s.NoteGrpcStatus(trailers);
  s.downstream_.EncodeTrailers(trailers);
  s.Finish();
}

void ProxyStream::UpstreamDecoder::OnResetStream(StreamResetReason reason) {
  stream_.OnUpstreamReset(reason);
}

void ProxyStream::UpstreamDecoder::OnAboveWriteBufferHighWatermark() {
  // The upstream is slower than the client: stop reading the request body.
  ProxyStream& s = stream_;
  if (!s.done_ && !s.downstream_read_disabled_) {
    s.downstream_read_disabled_ = true;
    s.downstream_.ReadDisable(true);
  }
}

void ProxyStream::UpstreamDecoder::OnBelowWriteBufferLowWatermark() {
  ProxyStream& s = stream_;
  if (!s.done_ && s.downstream_read_disabled_) {
    s.downstream_read_disabled_ = false;
    s.downstream_.ReadDisable(false);
  }
}

void ProxyStream::OnUpstreamReset(StreamResetReason reason) {
  if (done_) return;
  upstream_ = nullptr;
  upstream_read_disabled_ = false;
  if (reason == StreamResetReason::kConnectionFailure) {
    WEFT_LOG(kDebug, "cluster %s: connect failed", cluster_->config().name);
  }
  // A request that provably did not reach the application can go again, once:
  // refused by the server (HTTP/2 REFUSED_STREAM, GOAWAY), or sent on a pooled
  // keep-alive connection that the upstream had just closed.
  const bool refused = reason == StreamResetReason::kRemoteRefused;
  const bool stale = upstream_reused_ && reason == StreamResetReason::kConnectionTermination;
  if ((refused || stale) && !retried_ && !response_started_ && request_complete_ &&
      !request_had_body_) {
    retried_ = true;
    StartUpstream();
    return;
  }
  if (response_started_) {
    error_reason_ = "upstream_reset";
    manager_.context().host.ErrorCounter(error_reason_).Inc();
    downstream_.ResetStream(StreamResetReason::kRemoteReset);  // the client must see the cut
    Finish();
    return;
  }
  switch (reason) {
    case StreamResetReason::kConnectionFailure:
      return LocalReply(503, "connect_failed");
    case StreamResetReason::kOverflow:
      return LocalReply(503, "upstream_overflow");
    case StreamResetReason::kProtocolError:
      return LocalReply(502, "upstream_protocol_error");
    default:
      return LocalReply(502, "upstream_reset");
  }
}

// ---- Endings ----------------------------------------------------------------

void ProxyStream::LocalReply(int status, absl::string_view reason) {
  if (done_) return;
  ResetUpstream();
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
  deadline_ = absl::InfiniteFuture();
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

void ProxyStream::NoteResponse(const ResponseHeaders& headers) {
  response_code_ = headers.status;
  if (grpc_) NoteGrpcStatus(headers.headers);
}

void ProxyStream::NoteGrpcStatus(const HeaderMap& fields) {
  if (auto status = fields.Get("grpc-status")) {
    int value;
    if (absl::SimpleAtoi(*status, &value)) grpc_status_ = value;
  }
}

void ProxyStream::Record() {
  listener::SessionHost& host = manager_.context().host;
  observability::WorkerRequestMetrics* metrics = host.request_metrics();
  observability::AccessLogger* log = host.access_logger();
  if (metrics == nullptr && log == nullptr) return;
  const absl::Duration duration = manager_.Now() - start_;
  const absl::string_view reason = error_reason_;
  const absl::string_view cluster =
      cluster_ != nullptr ? absl::string_view(cluster_->config().name) : absl::string_view();
  const absl::string_view route =
      route_ != nullptr ? absl::string_view(route_->name) : absl::string_view();
  if (metrics != nullptr) {
    char code[32];  // absl::numbers_internal::kFastToBufferSize
    char grpc[32];
    const absl::string_view code_text(code, absl::numbers_internal::FastIntToBuffer(
                                                response_code_, code) - code);
    absl::string_view grpc_text;
    if (grpc_status_ >= 0) {
      grpc_text = absl::string_view(grpc, absl::numbers_internal::FastIntToBuffer(
                                              grpc_status_, grpc) - grpc);
    }
    observability::RequestLabels labels;
    labels.direction = manager_.context().config.name;
    labels.destination_service = cluster;
    labels.route = route;
    labels.response_code = code_text;
    labels.grpc_status = grpc_text;
    labels.reason = reason;
    metrics->Record(labels, duration, bytes_received_, bytes_sent_);
  }
  if (log != nullptr && request_ != nullptr) {
    const std::string trace_id =
        manager_.context().host.tracing() ? observability::TraceIdHex(trace_) : std::string();
    const std::string peer = manager_.info().peer.ToString();
    const std::string endpoint = pool_ != nullptr ? pool_->address().ToString() : std::string();
    observability::AccessLogRecord r;
    r.start_time = start_system_;
    r.duration = duration;
    r.direction = manager_.context().config.name;
    r.method = request_->method;
    r.authority = request_->authority;
    r.path = request_->path;
    r.protocol = manager_.version() == upstream::HttpVersion::kHttp2 ? "HTTP/2" : "HTTP/1.1";
    r.response_code = response_code_;
    r.grpc_status = grpc_status_;
    r.error_reason = reason;
    r.bytes_received = bytes_received_;
    r.bytes_sent = bytes_sent_;
    r.upstream_cluster = cluster;
    r.upstream_endpoint = endpoint;
    r.downstream_peer = peer;
    r.route = route;
    r.trace_id = trace_id;
    if (auto id = request_->headers.Get("x-request-id")) r.request_id = *id;
    log->Log(r);
  }
}

void ProxyStream::ResetUpstream() {
  if (upstream_ == nullptr) return;
  RequestEncoder* upstream = upstream_;
  upstream_ = nullptr;
  upstream->ResetStream(StreamResetReason::kLocalReset);
}

void ProxyStream::ReleaseCluster() {
  if (cluster_ != nullptr && !cluster_released_) {
    cluster_released_ = true;
    cluster_->stats().upstream_rq_active.Sub(1);
  }
}

void ProxyStream::Finish() {
  if (done_) return;
  done_ = true;
  Record();
  deadline_ = absl::InfiniteFuture();
  ResetUpstream();
  ReleaseCluster();
  manager_.OnStreamDone(*this);
}

}  // namespace weft::http
