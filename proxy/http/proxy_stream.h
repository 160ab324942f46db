#ifndef WEFT_PROXY_HTTP_PROXY_STREAM_H_
#define WEFT_PROXY_HTTP_PROXY_STREAM_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "common/memory/recycler.h"
#include "proxy/config/model.h"
#include "proxy/http/codec.h"
#include "proxy/listener/filter_chain_table.h"
#include "proxy/observability/trace_context.h"
#include "proxy/resilience/circuit_breaker.h"
#include "proxy/resilience/retry_backoff.h"
#include "proxy/resilience/retry_policy.h"
#include "proxy/upstream/cluster.h"
#include "proxy/upstream/codec_client.h"

namespace weft::http {

class HttpConnectionManager;

// One request's trip through the proxy, whatever the protocols on either side:
// it routes the request (faults and rate limits included), picks an endpoint,
// opens a stream on a pooled upstream connection, relays headers, body and
// trailers both ways with backpressure, retries failed attempts as the route's
// policy allows (within the cluster's retry budget, on another endpoint, after
// a jittered backoff, with the request body replayed from a bounded buffer),
// enforces the request and per-try timeouts (and gRPC deadlines, never
// extended), and answers by itself when it has to (no route, no endpoint,
// circuit open, timeout...). Those answers carry the reason in x-weft-error
// and, for gRPC requests, are gRPC statuses the client can read.
// Owned by its HttpConnectionManager, which destroys it after OnStreamDone.
// Thread-compatible: the owning worker's dispatcher only.
class ProxyStream final : public RequestDecoder, public memory::Recycled {
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

  // The next moment a timer of this stream is due (request timeout, per-try
  // timeout, retry backoff, injected delay); InfiniteFuture when none.
  absl::Time deadline() const;
  // The connection's deadline timer fired at or after deadline().
  void OnDeadline();
  // The connection closes under the stream (drain timeout, shutdown).
  void Abort();
  bool done() const { return done_; }

 private:
  // One try on one endpoint. A separate object per try, so that events of an
  // abandoned try cannot reach the next one.
  class Attempt final : public ResponseDecoder, public memory::Recycled {
   public:
    explicit Attempt(ProxyStream& stream) : stream_(stream) {}
    void Decode1xxHeaders(ResponseHeaders& headers) override;
    void DecodeHeaders(ResponseHeaders& headers, bool end_stream) override;
    void DecodeData(network::Buffer& data, bool end_stream) override;
    void DecodeTrailers(HeaderMap& trailers) override;
    void OnResetStream(StreamResetReason reason) override;
    void OnAboveWriteBufferHighWatermark() override;
    void OnBelowWriteBufferLowWatermark() override;

    ProxyStream& stream_;
    upstream::Cluster::Pick pick;
    RequestEncoder* encoder = nullptr;  // null once the try is over
    bool reused = false;
    bool reported = false;  // its outcome went to the cluster
    absl::Time start;
    absl::Time per_try_deadline = absl::InfiniteFuture();
    std::optional<resilience::CircuitBreaker::Handle> retry_slot;
  };

  // Routing, faults, rate limits and the cluster; then the first try.
  void RouteAndForward();
  bool ApplyFault();
  bool ApplyRateLimit();
  void SetUpRetries();
  void SetRequestTimeout();
  upstream::HttpVersion ChooseUpstreamVersion();
  upstream::LbContext MakeLbContext() const;
  // Starts a try (the first, or a retry). False when the stream ended instead.
  bool StartAttempt();
  // The try is over without a response that goes downstream: retry, or give up.
  void OnAttemptFailed(const resilience::AttemptOutcome& outcome, absl::string_view reason,
                       int status);
  // Schedules the next try after the backoff; false when no retry may happen.
  bool MaybeRetry(const resilience::AttemptOutcome& outcome);
  void ReportAttempt(upstream::UpstreamResult result);
  void EndAttempt(bool reset);

  // Response relay (from the committed try).
  void OnResponseHeaders(ResponseHeaders& headers, bool end_stream);
  void OnResponseData(network::Buffer& data, bool end_stream);
  void OnResponseTrailers(HeaderMap& trailers);
  void OnAttemptReset(StreamResetReason reason);

  // Sends a response made by the proxy; the stream ends with it.
  void LocalReply(int status, absl::string_view reason);
  void SendLocalResponse(ResponseHeaders& headers, absl::string_view body);
  void ReleaseCluster();
  // The response is complete (or the stream was reset): tell the manager.
  void Finish();
  // Metrics and the access log, once per stream.
  void Record();
  // The response status and gRPC status (from headers or trailers) as sent.
  void NoteResponse(const ResponseHeaders& headers);
  void NoteGrpcStatus(const HeaderMap& fields);
  absl::Time Now() const;

  HttpConnectionManager& manager_;
  ResponseEncoder& downstream_;
  RequestHeaders* request_ = nullptr;
  // Keeps the route table (and so `route_`) alive while the stream runs.
  std::shared_ptr<const listener::FilterChainTable> chains_;
  const config::Route* route_ = nullptr;
  std::shared_ptr<upstream::Cluster> cluster_;
  std::optional<resilience::CircuitBreaker::Handle> request_slot_;
  upstream::HttpVersion upstream_version_ = upstream::HttpVersion::kHttp1;

  // The try in flight, and finished ones (freed with the stream, since their
  // callbacks may still be on the stack).
  std::unique_ptr<Attempt> attempt_;
  std::vector<std::unique_ptr<Attempt>> spent_attempts_;
  // The pools of every try, released only with the stream (a pool that left
  // the config dies with its last user, possibly inside its own callback).
  // Inline: one try is the rule, and this is on every request.
  absl::InlinedVector<std::shared_ptr<upstream::ConnectionPool>, 2> pools_;
  int last_endpoint_ = -1;

  // Retries.
  std::optional<resilience::RetryPolicy> retry_policy_;
  std::optional<resilience::RetryBackoff> backoff_;
  uint32_t retries_done_ = 0;
  bool implicit_retry_used_ = false;  // the one free retry of a stale pooled connection
  network::Buffer replay_;            // the request body so far, while it fits
  std::optional<HeaderMap> replay_trailers_;
  bool body_replayable_ = true;
  absl::Time retry_at_ = absl::InfiniteFuture();
  absl::Time fault_delay_until_ = absl::InfiniteFuture();
  absl::string_view retry_blocked_reason_;

  absl::Time request_deadline_ = absl::InfiniteFuture();
  // No bytes either way since `last_activity_` + the listener's stream idle
  // timeout ends the stream (checked lazily when the connection's timer fires).
  absl::Time last_activity_;
  absl::Duration stream_idle_timeout_ = absl::ZeroDuration();
  absl::Time start_;         // monotonic, for the duration
  absl::Time start_system_;  // wall clock, for the access log
  observability::TraceContext trace_;
  int response_code_ = 0;
  int grpc_status_ = -1;
  absl::string_view error_reason_;  // static strings only
  uint64_t bytes_received_ = 0;
  uint64_t bytes_sent_ = 0;
  bool grpc_ = false;
  bool request_complete_ = false;
  bool response_started_ = false;
  bool upstream_read_disabled_ = false;
  bool downstream_read_disabled_ = false;
  bool cluster_released_ = false;
  bool done_ = false;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_PROXY_STREAM_H_
