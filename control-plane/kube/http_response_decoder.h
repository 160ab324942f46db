#ifndef WEFT_CONTROL_PLANE_KUBE_HTTP_RESPONSE_DECODER_H_
#define WEFT_CONTROL_PLANE_KUBE_HTTP_RESPONSE_DECODER_H_

// Decodes one HTTP/1.1 response as it arrives: status line, headers, then the
// body framed by Content-Length, chunked transfer coding (watch streams) or the
// end of the connection. Body bytes are handed out as soon as they are decoded,
// so a watch stream that never ends is processed event by event.
//
// Why not proxy/http/http1_parser: that wrapper is built around the proxy's
// stream callbacks and buffers; the API client needs only this much, on bytes
// from a blocking TLS socket. The input is the API server's, so it is bounded
// (head size, chunk-size digits) and fuzzed (http_response_decoder_fuzz).
//
//   HttpResponseDecoder decoder;
//   while (!decoder.complete()) {
//     absl::Status s = decoder.Feed(read_some(), [&](absl::string_view body) {...});
//   }
//
// Thread-compatible.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace weft::control_plane::kube {

class HttpResponseDecoder {
 public:
  using BodySink = std::function<void(absl::string_view data)>;

  explicit HttpResponseDecoder(size_t max_head_bytes = 64 << 10)
      : max_head_bytes_(max_head_bytes) {}

  // Consumes all of `data`; kInvalidArgument (naming the problem) on malformed
  // input, after which the decoder is unusable. Bytes after a complete response
  // are an error too (the client sends Connection: close).
  absl::Status Feed(absl::string_view data, const BodySink& on_body);
  // The peer closed: OK when the response is complete (a body framed by the end
  // of the connection completes here); kUnavailable when it was cut short.
  absl::Status OnEof();

  bool head_complete() const { return state_ > State::kHead; }
  bool complete() const { return state_ == State::kDone; }
  int status_code() const { return status_code_; }
  // Lower-cased names; the last value of a repeated header.
  const std::map<std::string, std::string>& headers() const { return headers_; }

 private:
  enum class State { kHead, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kLength, kUntilClose,
                     kDone, kFailed };

  absl::Status ParseHead(absl::string_view head);
  absl::Status Fail(std::string message);

  const size_t max_head_bytes_;
  State state_ = State::kHead;
  std::string pending_;  // an incomplete head, chunk-size or trailer line
  int status_code_ = 0;
  std::map<std::string, std::string> headers_;
  uint64_t remaining_ = 0;  // bytes left in the chunk or Content-Length body
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_HTTP_RESPONSE_DECODER_H_
