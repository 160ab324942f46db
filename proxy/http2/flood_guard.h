#ifndef WEFT_PROXY_HTTP2_FLOOD_GUARD_H_
#define WEFT_PROXY_HTTP2_FLOOD_GUARD_H_

// Counts the frames an HTTP/2 peer sends and says when it is flooding. No
// clock: the accounting window is `flood_window_frames` frames received, so the
// verdict depends only on the byte stream (deterministic in tests and fuzzing).
// Thread-compatible; one per connection.

#include <cstdint>

#include "absl/strings/string_view.h"
#include "proxy/http2/http2_options.h"

namespace weft::http2 {

class FloodGuard {
 public:
  explicit FloodGuard(const Http2Options& options) : options_(options) {}

  // A frame header of `type` (RFC 9113 frame type) arrived. Returns the name
  // of the flood it completes ("rst_stream_flood"...), or empty.
  absl::string_view OnFrameReceived(uint8_t type);
  // A stream ended without a reset either way; widens the RST allowance.
  void OnStreamCompletedNormally() { ++completed_; }

 private:
  const Http2Options& options_;
  uint32_t frames_ = 0;
  uint32_t resets_ = 0;
  uint32_t settings_ = 0;
  uint32_t pings_ = 0;
  uint32_t completed_ = 0;
};

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_FLOOD_GUARD_H_
