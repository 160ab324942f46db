#ifndef WEFT_PROXY_HEALTH_GRPC_HEALTH_H_
#define WEFT_PROXY_HEALTH_GRPC_HEALTH_H_

// The kubelet's gRPC probe, performed by the proxy: one call of the standard
// health service, grpc.health.v1.Health/Check, over HTTP/2 without TLS on a
// connection to the app (127.0.0.1:<port>). Like the kubelet, the probe passes
// only when the answer is SERVING; anything else (NOT_SERVING, an unknown
// service, an error status, a broken answer) fails it with a reason.
//
// The two messages are tiny, so they are written and read here rather than
// through generated protobuf code:
//   HealthCheckRequest  { string service = 1; }
//   HealthCheckResponse { ServingStatus status = 1; }  UNKNOWN 0, SERVING 1,
//                                                      NOT_SERVING 2, SERVICE_UNKNOWN 3
// each behind gRPC's 5-byte message prefix (compressed flag, big-endian length).
//
//   GrpcHealthCall call(connection, "127.0.0.1:9090", "", [](GrpcHealthResult r) {...});
//   call.Start();                        // once the TCP connection is up
//   call.OnData(connection.read_buffer()) // from the connection's callbacks
//
// Thread-compatible: the connection's dispatcher thread.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proxy/http/codec.h"
#include "proxy/network/connection.h"

namespace weft::health {

inline constexpr int kServingStatusServing = 1;

// The request body: one length-prefixed HealthCheckRequest.
std::string EncodeHealthCheckRequest(absl::string_view service);

// The ServingStatus of a response body (one length-prefixed HealthCheckResponse;
// a missing status field is UNKNOWN, 0). kInvalidArgument naming the problem for
// a truncated or compressed message, bytes after it, or a malformed field.
absl::StatusOr<int> ParseHealthCheckResponse(absl::string_view body);

// "SERVING", "NOT_SERVING", ... or the number.
std::string ServingStatusName(int status);

struct GrpcHealthResult {
  bool serving = false;
  std::string detail;  // what was answered, or why there is no answer
};

class GrpcHealthCall final : private http::CodecTransport, private http::ResponseDecoder {
 public:
  using Done = std::function<void(GrpcHealthResult)>;

  // `connection` must outlive the call; `done` runs at most once.
  GrpcHealthCall(network::Connection& connection, std::string authority, std::string service,
                 Done done);
  ~GrpcHealthCall() override;
  GrpcHealthCall(const GrpcHealthCall&) = delete;
  GrpcHealthCall& operator=(const GrpcHealthCall&) = delete;

  // Writes the HTTP/2 preface, SETTINGS and the request.
  void Start();
  // Bytes from the app; drains what the codec consumed.
  void OnData(network::Buffer& data);
  // The connection ended before an answer.
  void OnClosed();

 private:
  // http::CodecTransport
  void Write(network::Buffer& bytes) override { connection_.Write(bytes); }
  void ReadDisable(bool disable) override { connection_.ReadDisable(disable); }
  // http::ResponseDecoder
  void Decode1xxHeaders(http::ResponseHeaders&) override {}
  void DecodeHeaders(http::ResponseHeaders& headers, bool end_stream) override;
  void DecodeData(network::Buffer& data, bool end_stream) override;
  void DecodeTrailers(http::HeaderMap& trailers) override;
  void OnResetStream(http::StreamResetReason reason) override;

  void Complete(const http::HeaderMap& status_fields);
  void Finish(bool serving, std::string detail);

  network::Connection& connection_;
  const std::string authority_;
  const std::string service_;
  Done done_;
  std::unique_ptr<http::ClientConnection> codec_;
  std::string body_;
  bool finished_ = false;
};

}  // namespace weft::health

#endif  // WEFT_PROXY_HEALTH_GRPC_HEALTH_H_
