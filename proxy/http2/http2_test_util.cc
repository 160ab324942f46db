#include "proxy/http2/http2_test_util.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace weft::http2::testing {

void RecordingResponseDecoder::DecodeHeaders(http::ResponseHeaders& h, bool end_stream) {
  got.headers = true;
  status = h.status;
  headers = h.headers;
  got.end = end_stream;
}

void RecordingResponseDecoder::DecodeData(network::Buffer& data, bool end_stream) {
  ++got.data_calls;
  got.body.append(data.data(), data.size());
  data.Clear();
  got.end = end_stream;
}

void RecordingResponseDecoder::DecodeTrailers(http::HeaderMap& trailers) {
  got.has_trailers = true;
  got.trailers = trailers;
  got.end = true;
}

void RecordingRequestDecoder::DecodeHeaders(http::RequestHeaders& headers, bool end_stream) {
  got.headers = true;
  request.method = headers.method;
  request.scheme = headers.scheme;
  request.authority = headers.authority;
  request.path = headers.path;
  request.headers = headers.headers;
  got.end = end_stream;
  if (end_stream && on_complete) on_complete(*this);
}

void RecordingRequestDecoder::DecodeData(network::Buffer& data, bool end_stream) {
  ++got.data_calls;
  got.body.append(data.data(), data.size());
  data.Clear();
  got.end = end_stream;
  if (end_stream && on_complete) on_complete(*this);
}

void RecordingRequestDecoder::DecodeTrailers(http::HeaderMap& trailers) {
  got.has_trailers = true;
  got.trailers = trailers;
  got.end = true;
  if (on_complete) on_complete(*this);
}

http::RequestDecoder& RecordingServerCallbacks::NewStream(http::ResponseEncoder& encoder) {
  streams.push_back(std::make_unique<RecordingRequestDecoder>(encoder));
  streams.back()->on_complete = on_complete;
  return *streams.back();
}

CodecPair::CodecPair(const Http2Options& client_options, const Http2Options& server_options) {
  client = CreateHttp2ClientConnection(client_transport, client_options);
  server = CreateHttp2ServerConnection(server_transport, server_callbacks, server_options);
}

void CodecPair::PumpOnce() {
  if (!client_transport.pending.empty()) {
    network::Buffer bytes;
    bytes.Move(client_transport.pending);
    absl::Status s = server->Dispatch(bytes);
    if (server_status.ok()) server_status = s;
  }
  if (!server_transport.pending.empty()) {
    network::Buffer bytes;
    bytes.Move(server_transport.pending);
    absl::Status s = client->Dispatch(bytes);
    if (client_status.ok()) client_status = s;
  }
}

bool CodecPair::Pump(int max_rounds) {
  for (int i = 0; i < max_rounds; ++i) {
    if (client_transport.pending.empty() && server_transport.pending.empty()) return true;
    PumpOnce();
  }
  return client_transport.pending.empty() && server_transport.pending.empty();
}

void Respond(http::ResponseEncoder& encoder, int status, absl::string_view body,
             const std::vector<std::pair<std::string, std::string>>& trailers) {
  http::ResponseHeaders headers;
  headers.status = status;
  const bool headers_only = body.empty() && trailers.empty();
  encoder.EncodeHeaders(headers, headers_only);
  if (headers_only) return;
  network::Buffer data;
  data.Append(body);
  if (trailers.empty()) {
    encoder.EncodeData(data, true);
    return;
  }
  if (!body.empty()) encoder.EncodeData(data, false);
  http::HeaderMap map;
  for (const auto& [name, value] : trailers) map.Add(name, value);
  encoder.EncodeTrailers(map);
}

namespace {
void PutUint32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
uint32_t GetUint32(absl::string_view s) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}
// HPACK integer with a 7-bit prefix (RFC 7541 5.1), H bit clear.
void PutHpackLength(std::string& out, size_t n) {
  if (n < 127) {
    out.push_back(static_cast<char>(n));
    return;
  }
  out.push_back(static_cast<char>(127));
  n -= 127;
  while (n >= 128) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}
}  // namespace

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream_id, absl::string_view payload) {
  std::string out;
  const uint32_t len = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(len >> 16));
  out.push_back(static_cast<char>(len >> 8));
  out.push_back(static_cast<char>(len));
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  PutUint32(out, stream_id & 0x7fffffff);
  out.append(payload.data(), payload.size());
  return out;
}

std::string SettingsFrame(const std::vector<std::pair<uint16_t, uint32_t>>& settings, bool ack) {
  std::string payload;
  for (const auto& [id, value] : settings) {
    payload.push_back(static_cast<char>(id >> 8));
    payload.push_back(static_cast<char>(id));
    PutUint32(payload, value);
  }
  return Frame(0x4, ack ? 0x1 : 0x0, 0, payload);
}

std::string HeadersFrame(uint32_t stream_id,
                         const std::vector<std::pair<std::string, std::string>>& fields,
                         bool end_stream) {
  std::string block;
  for (const auto& [name, value] : fields) {
    block.push_back(0x00);  // literal without indexing, new name
    PutHpackLength(block, name.size());
    block += name;
    PutHpackLength(block, value.size());
    block += value;
  }
  return Frame(0x1, static_cast<uint8_t>(0x4 | (end_stream ? 0x1 : 0x0)), stream_id, block);
}

std::string DataFrame(uint32_t stream_id, absl::string_view data, bool end_stream) {
  return Frame(0x0, end_stream ? 0x1 : 0x0, stream_id, data);
}

std::string RstStreamFrame(uint32_t stream_id, uint32_t error_code) {
  std::string payload;
  PutUint32(payload, error_code);
  return Frame(0x3, 0, stream_id, payload);
}

std::string PingFrame(bool ack) { return Frame(0x6, ack ? 0x1 : 0x0, 0, std::string(8, 'p')); }

std::string GoAwayFrame(uint32_t last_stream_id, uint32_t error_code) {
  std::string payload;
  PutUint32(payload, last_stream_id);
  PutUint32(payload, error_code);
  return Frame(0x7, 0, 0, payload);
}

std::string WindowUpdateFrame(uint32_t stream_id, uint32_t increment) {
  std::string payload;
  PutUint32(payload, increment);
  return Frame(0x8, 0, stream_id, payload);
}

std::vector<std::pair<std::string, std::string>> GetRequestFields(absl::string_view path) {
  return {{":method", "GET"},
          {":scheme", "http"},
          {":authority", "example.test"},
          {":path", std::string(path)}};
}

std::vector<FrameInfo> ParseFrames(absl::string_view bytes) {
  if (absl::StartsWith(bytes, kClientMagic)) bytes.remove_prefix(kClientMagic.size());
  std::vector<FrameInfo> frames;
  while (bytes.size() >= 9) {
    const size_t len = (size_t{static_cast<uint8_t>(bytes[0])} << 16) |
                       (size_t{static_cast<uint8_t>(bytes[1])} << 8) |
                       size_t{static_cast<uint8_t>(bytes[2])};
    if (bytes.size() < 9 + len) break;
    FrameInfo info{};
    info.type = static_cast<uint8_t>(bytes[3]);
    info.flags = static_cast<uint8_t>(bytes[4]);
    info.stream_id = GetUint32(bytes.substr(5, 4)) & 0x7fffffff;
    absl::string_view payload = bytes.substr(9, len);
    if (info.type == 0x3 && payload.size() >= 4) info.error_code = GetUint32(payload);
    if (info.type == 0x7 && payload.size() >= 8) {
      info.last_stream_id = GetUint32(payload) & 0x7fffffff;
      info.error_code = GetUint32(payload.substr(4));
    }
    frames.push_back(info);
    bytes.remove_prefix(9 + len);
  }
  return frames;
}

}  // namespace weft::http2::testing
