// libFuzzer target: arbitrary bytes into an HTTP/2 server codec and into a
// client codec, each both raw and after a valid preface/SETTINGS, cut into
// fuzzer-chosen pieces. Every request stream is answered (some at once, some
// when the request ends, some with trailers) so that the encode path, flow
// control and the data providers run too.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proxy/http2/http2_codec.h"
#include "proxy/http2/http2_test_util.h"

namespace {

using weft::http::HeaderMap;
using weft::http::RequestHeaders;
using weft::http::ResponseEncoder;
using weft::http::ResponseHeaders;
using weft::http::StreamResetReason;
using weft::network::Buffer;

void Answer(ResponseEncoder& encoder, int flavour) {
  ResponseHeaders head;
  head.status = 200;
  head.headers.Add("content-type", "application/grpc");
  if (flavour % 3 == 0) {
    ResponseHeaders informational;
    informational.status = 100;
    encoder.Encode1xxHeaders(informational);
  }
  encoder.EncodeHeaders(head, false);
  Buffer body;
  body.Append(std::string(100 + flavour * 7000, 'r'));
  if (flavour % 2 == 0) {
    encoder.EncodeData(body, true);
  } else {
    encoder.EncodeData(body, false);
    HeaderMap trailers;
    trailers.Add("grpc-status", "0");
    encoder.EncodeTrailers(trailers);
  }
}

class Decoder : public weft::http::RequestDecoder {
 public:
  Decoder(ResponseEncoder& encoder, int index) : encoder_(encoder), index_(index) {}
  void DecodeHeaders(RequestHeaders& headers, bool end_stream) override {
    if (index_ % 4 == 1) encoder_.ReadDisable(true);
    if (index_ % 4 == 3) {
      encoder_.ResetStream(StreamResetReason::kLocalReset);
      ended_ = true;
      return;
    }
    if (end_stream || index_ % 4 == 2) Finish();
  }
  void DecodeData(Buffer& data, bool end_stream) override {
    data.Clear();
    if (end_stream) Finish();
  }
  void DecodeTrailers(HeaderMap&) override { Finish(); }
  void OnResetStream(StreamResetReason) override { ended_ = true; }

 private:
  void Finish() {
    if (ended_) return;
    ended_ = true;
    if (index_ % 4 == 1) encoder_.ReadDisable(false);
    Answer(encoder_, index_ % 5);
  }
  ResponseEncoder& encoder_;
  int index_;
  bool ended_ = false;
};

class Callbacks : public weft::http::ServerConnectionCallbacks {
 public:
  weft::http::RequestDecoder& NewStream(ResponseEncoder& encoder) override {
    decoders_.push_back(std::make_unique<Decoder>(encoder, static_cast<int>(decoders_.size())));
    return *decoders_.back();
  }

 private:
  std::vector<std::unique_ptr<Decoder>> decoders_;
};

// Feeds `input` in pieces; stops at the first error like a real connection.
template <typename Codec>
void FeedPieces(Codec& codec, const std::string& prefix, const std::string& input, size_t cut) {
  std::vector<std::string> pieces = {prefix + input.substr(0, cut), input.substr(cut)};
  for (const auto& piece : pieces) {
    Buffer buffer;
    buffer.Append(piece);
    if (!codec.Dispatch(buffer).ok()) return;
  }
}

void FuzzServer(const std::string& input, size_t cut, bool with_preface) {
  weft::http2::testing::BufferTransport transport;
  Callbacks callbacks;
  weft::http2::Http2Options options;
  options.max_concurrent_streams = 8;
  options.initial_stream_window = 65535;
  options.stream_buffer_limit = 16 * 1024;
  auto server = weft::http2::CreateHttp2ServerConnection(transport, callbacks, options);
  std::string prefix;
  if (with_preface) {
    prefix = std::string(weft::http2::testing::kClientMagic) +
             weft::http2::testing::SettingsFrame({});
  }
  FeedPieces(*server, prefix, input, cut);
  server->OnTransportAboveHighWatermark();
  server->OnTransportBelowLowWatermark();
  server->GoAway();
  (void)server->active_streams();
  (void)server->keep_alive();
  server->OnConnectionClosed(StreamResetReason::kConnectionTermination);
}

class ResponseSink : public weft::http::ResponseDecoder {
 public:
  void Decode1xxHeaders(ResponseHeaders&) override {}
  void DecodeHeaders(ResponseHeaders& headers, bool) override { status = headers.status; }
  void DecodeData(Buffer& data, bool) override { data.Clear(); }
  void DecodeTrailers(HeaderMap&) override {}
  void OnResetStream(StreamResetReason) override {}
  int status = 0;
};

void FuzzClient(const std::string& input, size_t cut, bool with_settings) {
  weft::http2::testing::BufferTransport transport;
  weft::http2::Http2Options options;
  options.stream_buffer_limit = 16 * 1024;
  auto client = weft::http2::CreateHttp2ClientConnection(transport, options);
  ResponseSink sinks[3];
  for (int i = 0; i < 3 && client->CanTakeStream(); ++i) {
    weft::http::RequestEncoder& encoder = client->NewStream(sinks[i]);
    RequestHeaders head;
    head.method = i == 0 ? "GET" : "POST";
    head.authority = "fuzz.test";
    head.path = "/" + std::to_string(i);
    encoder.EncodeHeaders(head, i == 0);
    if (i > 0) {
      Buffer body;
      body.Append(std::string(i * 40000, 'q'));
      encoder.EncodeData(body, true);
    }
  }
  std::string prefix = with_settings ? weft::http2::testing::SettingsFrame({}) : "";
  FeedPieces(*client, prefix, input, cut);
  (void)client->CanTakeStream();
  (void)client->draining();
  client->GoAway();
  client->OnConnectionClosed(StreamResetReason::kConnectionTermination);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 64 * 1024) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t cut = input.empty() ? 0 : data[0] % (input.size() + 1);
  FuzzServer(input, cut, /*with_preface=*/true);
  FuzzServer(input, cut, /*with_preface=*/false);
  FuzzClient(input, cut, /*with_settings=*/true);
  FuzzClient(input, cut, /*with_settings=*/false);
  return 0;
}
