#ifndef WEFT_PROXY_HTTP2_HTTP2_OPTIONS_H_
#define WEFT_PROXY_HTTP2_HTTP2_OPTIONS_H_

// Limits of one HTTP/2 connection (either side). Defaults suit a sidecar:
// enough concurrency for gRPC fan-out, windows large enough for a fast LAN,
// memory per connection bounded by the windows plus stream_buffer_limit per
// stream.
//
// Flood limits are deterministic (no clock): they count frames received
// within a "window" of `flood_window_frames` frames received on the
// connection; at the end of each window the counters start again. A peer that
// exceeds one of them gets GOAWAY ENHANCE_YOUR_CALM and Dispatch() returns
// ResourceExhausted naming the flood ("rst_stream_flood", "settings_flood",
// "ping_flood", "outbound_control_frame_flood").

#include <cstdint>

#include "absl/status/status.h"

namespace weft::http2 {

struct Http2Options {
  // SETTINGS_MAX_CONCURRENT_STREAMS advertised by a server; a client opening
  // more gets RST_STREAM REFUSED_STREAM for the excess streams only.
  uint32_t max_concurrent_streams = 128;
  // SETTINGS_INITIAL_WINDOW_SIZE: how much body a peer may send on one stream
  // before this side reopens the window (it does so only while the stream's
  // reader is not ReadDisable'd).
  uint32_t initial_stream_window = 256 * 1024;
  // The connection-level receive window (reopened as soon as data is delivered).
  uint32_t initial_connection_window = 1024 * 1024;
  // SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 accounting: name + value + 32 per
  // field). A larger header block resets that stream only.
  uint32_t max_header_list_size = 60 * 1024;
  // Body bytes encoded on a stream but not yet handed to the transport (the
  // peer's window is closed) above which the stream's handler hears
  // OnAboveWriteBufferHighWatermark; OnBelowWriteBufferLowWatermark at half.
  uint32_t stream_buffer_limit = 1024 * 1024;

  // --- Flood protection -------------------------------------------------
  // Frames received per flood-accounting window.
  uint32_t flood_window_frames = 10000;
  // RST_STREAM frames received per window (rapid reset, CVE-2023-44487). The
  // allowance grows by 2 for every stream completed normally in the window, so
  // a busy client that cancels some of its many requests is not punished.
  uint32_t max_inbound_resets_per_window = 100;
  // SETTINGS frames (ACKs included) received per window.
  uint32_t max_settings_per_window = 100;
  // PING frames (ACKs included) received per window.
  uint32_t max_pings_per_window = 100;
  // SETTINGS/PING acknowledgements queued for a peer that does not read
  // (nghttp2's outbound ACK limit, CVE-2019-9512/9515). Not windowed: it is
  // the queue length at any moment.
  uint32_t max_outbound_control_frames = 1000;

  // Every problem at once, or OK.
  absl::Status Validate() const;
};

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_HTTP2_OPTIONS_H_
