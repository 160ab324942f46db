#ifndef WEFT_PROXY_HTTP_PROXY_STREAM_H_
#define WEFT_PROXY_HTTP_PROXY_STREAM_H_

#include <memory>

#include "absl/time/time.h"
#include "proxy/config/model.h"
#include "proxy/http/codec.h"
#include "proxy/observability/trace_context.h"
#include "proxy/listener/filter_chain_table.h"
#include "proxy/upstream/cluster.h"
#include "proxy/upstream/codec_client.h"

namespace weft::http {

class HttpConnectionManager;

// One request's trip through the proxy, whatever the protocols on either side:
// it routes the request, opens a stream on a pooled upstream connection,
// relays headers, body and trailers both ways with backpressure, enforces the
// route timeout, and answers by itself when it has to (no route, no endpoint,
// connect failure, timeout...). Those answers carry the reason in
// x-weft-error and, for gRPC requests, are gRPC statuses the client can read.
// Owned by its HttpConnectionManager, which destroys it after OnStreamDone.
// Thread-compatible: the owning worker's dispatcher only.
class ProxyStream final : public RequestDecoder {
 public:
  ProxyStream(HttpConnectionManager& manager, ResponseEncoder& downstream);
  ~ProxyStream() override;
  ProxyStream(const ProxyStream&) = delete;
  ProxyStream& operator=(const ProxyStream&) = delete;

  // RequestDecoder: the downstream side.
  void DecodeHeaders(RequestHeaders& headers, bool end_stream) override;
  void DecodeData(network::Buffer& data, bool end_stream) override;
  void DecodeTrailers(HeaderMap& trailers) override;
  void OnResetStream(StreamResetReason reason) override;
  void OnAboveWriteBufferHighWatermark() override;
  void OnBelowWriteBufferLowWatermark() override;

  // When the response must have started; InfiniteFuture when it has.
  absl::Time deadline() const { return deadline_; }
  // The connection's deadline timer fired at `now`, at or after deadline().
  void OnDeadline();
  // The connection closes under the stream (drain timeout, shutdown).
  void Abort();
  bool done() const { return done_; }

 private:
  // Receives the upstream's response. A separate object because the request
  // and response decoders share method names.
  class UpstreamDecoder final : public ResponseDecoder {
   public:
    explicit UpstreamDecoder(ProxyStream& stream) : stream_(stream) {}
    void Decode1xxHeaders(ResponseHeaders& headers) override;
    void DecodeHeaders(ResponseHeaders& headers, bool end_stream) override;
    void DecodeData(network::Buffer& data, bool end_stream) override;
    void DecodeTrailers(HeaderMap& trailers) override;
    void OnResetStream(StreamResetReason reason) override;
    void OnAboveWriteBufferHighWatermark() override;
    void OnBelowWriteBufferLowWatermark() override;

   private:
    ProxyStream& stream_;
  };

  // Routes the request and starts the upstream stream, or answers locally.
  void RouteAndForward();
  // Picks the protocol towards the upstream and marks the request for the
  // sidecar at the other end.
  upstream::HttpVersion ChooseUpstreamVersion();
  bool StartUpstream();
  void OnUpstreamReset(StreamResetReason reason);
  // Sends a response made by the proxy; the stream ends with it.
  void LocalReply(int status, absl::string_view reason);
  void SendLocalResponse(ResponseHeaders& headers, absl::string_view body);
  void ResetUpstream();
  void ReleaseCluster();
  // The response is complete (or the stream was reset): tell the manager.
  void Finish();
  void SetDeadline(absl::Duration timeout);
  // Metrics and the access log, once per stream.
  void Record();
  // The response status and gRPC status (from headers or trailers) as sent.
  void NoteResponse(const ResponseHeaders& headers);
  void NoteGrpcStatus(const HeaderMap& fields);

  HttpConnectionManager& manager_;
  ResponseEncoder& downstream_;
  UpstreamDecoder upstream_decoder_{*this};
  RequestHeaders* request_ = nullptr;
  // Keeps the route table (and so `route_`) alive while the stream runs.
  std::shared_ptr<const listener::FilterChainTable> chains_;
  const config::Route* route_ = nullptr;
  std::shared_ptr<upstream::Cluster> cluster_;
  std::shared_ptr<upstream::ConnectionPool> pool_;
  RequestEncoder* upstream_ = nullptr;
  upstream::HttpVersion upstream_version_ = upstream::HttpVersion::kHttp1;
  absl::Time deadline_ = absl::InfiniteFuture();
  absl::Time start_;          // monotonic, for the duration
  absl::Time start_system_;   // wall clock, for the access log
  observability::TraceContext trace_;
  int response_code_ = 0;
  int grpc_status_ = -1;
  absl::string_view error_reason_;  // static strings only
  uint64_t bytes_received_ = 0;
  uint64_t bytes_sent_ = 0;
  bool grpc_ = false;
  bool request_complete_ = false;
  bool request_had_body_ = false;
  bool response_started_ = false;
  bool upstream_reused_ = false;
  bool retried_ = false;
  bool upstream_read_disabled_ = false;
  bool downstream_read_disabled_ = false;
  bool cluster_released_ = false;
  bool done_ = false;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_PROXY_STREAM_H_
