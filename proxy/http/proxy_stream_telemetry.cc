#include "proxy/http/proxy_stream.h"

// ProxyStream's telemetry: what a finished stream records in the request
// metrics and the access log (the stream logic is in proxy_stream.cc).

#include <string>

#include "absl/strings/numbers.h"
#include "proxy/http/connection_manager.h"
#include "proxy/http/local_reply.h"
#include "proxy/observability/access_log.h"
#include "proxy/observability/request_metrics.h"

namespace weft::http {

void ProxyStream::NoteResponse(const ResponseHeaders& headers) {
  response_code_ = headers.status;
  if (grpc_) NoteGrpcStatus(headers.headers);
}

void ProxyStream::NoteGrpcStatus(const HeaderMap& fields) {
  if (std::optional<int> status = GrpcStatusOf(fields)) grpc_status_ = *status;
}

void ProxyStream::Record() {
  listener::SessionHost& host = manager_.context().host;
  observability::WorkerRequestMetrics* metrics = host.request_metrics();
  observability::AccessLogger* log = host.access_logger();
  if (metrics == nullptr && log == nullptr) return;
  const absl::Duration duration = Now() - start_;
  const absl::string_view reason = error_reason_;
  const absl::string_view cluster =
      cluster_ != nullptr ? absl::string_view(cluster_->config().name) : absl::string_view();
  const absl::string_view route =
      route_ != nullptr ? absl::string_view(route_->name) : absl::string_view();
  if (metrics != nullptr) {
    char code[kStatusCodeBufferSize];
    char grpc[32];  // absl::numbers_internal::kFastToBufferSize
    const absl::string_view code_text(code, FormatStatusCode(response_code_, code));
    absl::string_view grpc_text;
    if (grpc_status_ >= 0) {
      grpc_text = absl::string_view(
          grpc, absl::numbers_internal::FastIntToBuffer(grpc_status_, grpc) - grpc);
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
    char trace_buf[observability::kTraceIdHexSize];
    const absl::string_view trace_id =
        host.tracing() ? observability::TraceIdHexInto(trace_, trace_buf) : absl::string_view();
    const absl::string_view peer = manager_.peer_text();
    const absl::string_view endpoint =
        !pools_.empty() ? absl::string_view(pools_.back()->address_text()) : absl::string_view();
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
    r.source_identity = manager_.peer_identity();
    r.route = route;
    r.trace_id = trace_id;
    if (auto id = request_->headers.Get("x-request-id")) r.request_id = *id;
    log->Log(r);
  }
}

}  // namespace weft::http
