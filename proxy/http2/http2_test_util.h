#ifndef WEFT_PROXY_HTTP2_HTTP2_TEST_UTIL_H_
#define WEFT_PROXY_HTTP2_HTTP2_TEST_UTIL_H_

// Test helpers for the HTTP/2 codecs: an in-memory transport, recording
// decoders, a client/server pair pumped by hand (no sockets, no sleeps), and
// builders for raw frames (for garbage and flood input).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "proxy/http/codec.h"
#include "proxy/http2/http2_codec.h"
#include "proxy/network/buffer.h"

namespace weft::http2::testing {

// Collects what a codec writes.
class BufferTransport : public http::CodecTransport {
 public:
  void Write(network::Buffer& bytes) override {
    ++writes;
    pending.Move(bytes);
  }
  void ReadDisable(bool disable) override { read_disabled += disable ? 1 : -1; }

  network::Buffer pending;
  int writes = 0;
  int read_disabled = 0;
};

// Records what one direction of a stream delivered.
struct Received {
  bool headers = false;
  bool end = false;
  std::string body;
  bool has_trailers = false;
  http::HeaderMap trailers;
  absl::optional<http::StreamResetReason> reset;
  int above = 0;
  int below = 0;
  int data_calls = 0;
};

class RecordingResponseDecoder : public http::ResponseDecoder {
 public:
  void Decode1xxHeaders(http::ResponseHeaders& headers) override {
    informational.push_back(headers.status);
  }
  void DecodeHeaders(http::ResponseHeaders& headers, bool end_stream) override;
  void DecodeData(network::Buffer& data, bool end_stream) override;
  void DecodeTrailers(http::HeaderMap& trailers) override;
  void OnResetStream(http::StreamResetReason reason) override { got.reset = reason; }
  void OnAboveWriteBufferHighWatermark() override { ++got.above; }
  void OnBelowWriteBufferLowWatermark() override { ++got.below; }

  std::vector<int> informational;
  int status = 0;
  http::HeaderMap headers;
  Received got;
};

class RecordingRequestDecoder : public http::RequestDecoder {
 public:
  explicit RecordingRequestDecoder(http::ResponseEncoder& encoder) : encoder(encoder) {}
  void DecodeHeaders(http::RequestHeaders& headers, bool end_stream) override;
  void DecodeData(network::Buffer& data, bool end_stream) override;
  void DecodeTrailers(http::HeaderMap& trailers) override;
  void OnResetStream(http::StreamResetReason reason) override { got.reset = reason; }
  void OnAboveWriteBufferHighWatermark() override { ++got.above; }
  void OnBelowWriteBufferLowWatermark() override { ++got.below; }

  http::ResponseEncoder& encoder;
  http::RequestHeaders request;
  Received got;
  // Runs when the request is complete (end_stream seen).
  std::function<void(RecordingRequestDecoder&)> on_complete;
};

class RecordingServerCallbacks : public http::ServerConnectionCallbacks {
 public:
  http::RequestDecoder& NewStream(http::ResponseEncoder& encoder) override;

  std::vector<std::unique_ptr<RecordingRequestDecoder>> streams;
  // Installed on every new stream's decoder.
  std::function<void(RecordingRequestDecoder&)> on_complete;
};

// A client codec and a server codec joined by two in-memory pipes.
class CodecPair {
 public:
  explicit CodecPair(const Http2Options& client_options = {},
                     const Http2Options& server_options = {});

  // Delivers pending bytes both ways until both sides are quiet (at most
  // `max_rounds` exchanges). Returns false if it did not settle.
  bool Pump(int max_rounds = 10000);
  // One exchange: client -> server, then server -> client.
  void PumpOnce();

  BufferTransport client_transport;
  BufferTransport server_transport;
  RecordingServerCallbacks server_callbacks;
  std::unique_ptr<http::ClientConnection> client;
  std::unique_ptr<http::ServerConnection> server;
  absl::Status client_status;  // first Dispatch error of each side
  absl::Status server_status;
};

// Sends `body` (may be empty) and optional trailers as the response.
void Respond(http::ResponseEncoder& encoder, int status, absl::string_view body,
             const std::vector<std::pair<std::string, std::string>>& trailers = {});

// --- Raw frames (RFC 9113 section 4 and 6) ---
inline constexpr absl::string_view kClientMagic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
std::string Frame(uint8_t type, uint8_t flags, uint32_t stream_id, absl::string_view payload);
std::string SettingsFrame(const std::vector<std::pair<uint16_t, uint32_t>>& settings,
                          bool ack = false);
// HEADERS with every field as an HPACK literal without indexing (no Huffman).
std::string HeadersFrame(uint32_t stream_id,
                         const std::vector<std::pair<std::string, std::string>>& fields,
                         bool end_stream);
std::string DataFrame(uint32_t stream_id, absl::string_view data, bool end_stream);
std::string RstStreamFrame(uint32_t stream_id, uint32_t error_code);
std::string PingFrame(bool ack = false);
std::string GoAwayFrame(uint32_t last_stream_id, uint32_t error_code);
std::string WindowUpdateFrame(uint32_t stream_id, uint32_t increment);
// A GET on `stream_id` with the usual pseudo-header fields.
std::vector<std::pair<std::string, std::string>> GetRequestFields(absl::string_view path = "/");

// Parses a byte stream of frames (after any preface) into (type, flags,
// stream id, error code for RST_STREAM/GOAWAY). Stops at an incomplete frame.
struct FrameInfo {
  uint8_t type;
  uint8_t flags;
  uint32_t stream_id;
  uint32_t error_code;  // RST_STREAM and GOAWAY only
  uint32_t last_stream_id;  // GOAWAY only
};
std::vector<FrameInfo> ParseFrames(absl::string_view bytes);

}  // namespace weft::http2::testing

#endif  // WEFT_PROXY_HTTP2_HTTP2_TEST_UTIL_H_
