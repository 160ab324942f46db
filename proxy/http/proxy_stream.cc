#include "proxy/http/proxy_stream.h"

#include <utility>

#include "common/log/log.h"
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
  request_ = &headers;
  request_complete_ = end_stream;
  request_had_body_ = !end_stream;
  grpc_ = IsGrpcRequest(headers);
  manager_.context().stats.http_rq_total.Inc();
  RouteAndForward();
}

void ProxyStream::DecodeData(network::Buffer& data, bool end_stream) {
  if (done_) return;
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
  if (end_stream) s.upstream_ = nullptr;  // the upstream stream is over
  s.downstream_.EncodeHeaders(headers, end_stream);
  if (end_stream) s.Finish();
}

void ProxyStream::UpstreamDecoder::DecodeData(network::Buffer& data, bool end_stream) {
  ProxyStream& s = stream_;
  if (s.done_) return;
  if (end_stream) s.upstream_ = nullptr;
  s.downstream_.EncodeData(data, end_stream);
  if (end_stream) s.Finish();
}

void ProxyStream::UpstreamDecoder::DecodeTrailers(HeaderMap& trailers) {
  ProxyStream& s = stream_;
  if (s.done_) return;
  s.upstream_ = nullptr;
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
  deadline_ = absl::InfiniteFuture();
  ResetUpstream();
  ReleaseCluster();
  manager_.OnStreamDone(*this);
}

}  // namespace weft::http
