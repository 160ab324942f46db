// The HTTP/2 client codec: locally initiated streams encode requests and
// decode responses (1xx heads, the final head, body, trailers).
#include <memory>

#include "proxy/http2/http2_codec.h"
#include "proxy/http2/http2_headers.h"
#include "proxy/http2/http2_session.h"

namespace weft::http2 {
namespace {

class ClientStream : public EncoderStream<http::RequestEncoder> {
 public:
  ClientStream(Http2Session& session, http::ResponseDecoder& decoder)
      : EncoderStream(session), decoder_(decoder) {}
  ~ClientStream() override { session_.RecycleHeaderMap(response_.headers); }

  // Http2Session::Stream
  http::StreamEventHandler* handler() override { return &decoder_; }
  void BeginHeaderBlock() override {
    if (final_received_) {
      trailers_.Clear();
    } else {
      response_.Clear();
      session_.TakeHeaderMap(response_.headers);
    }
  }
  void AddHeaderField(absl::string_view name, absl::string_view value) override {
    if (!final_received_) {
      AddDecodedResponseField(name, value, response_);
    } else {
      trailers_.Add(name, value);  // checked: no connection-specific field
    }
  }
  void EndHeaderBlock(bool end_stream) override {
    if (final_received_) {
      decoder_.DecodeTrailers(trailers_);
    } else if (response_.status >= 100 && response_.status < 200 && !end_stream) {
      decoder_.Decode1xxHeaders(response_);
    } else {
      final_received_ = true;
      decoder_.DecodeHeaders(response_, end_stream);
    }
  }
  void DeliverData(network::Buffer& data, bool end_stream) override {
    decoder_.DecodeData(data, end_stream);
  }

  // http::RequestEncoder
  void EncodeHeaders(const http::RequestHeaders& headers, bool end_stream) override {
    HeaderList& list = session_.scratch_headers();
    BuildRequestHeaderList(headers, list);
    session_.SubmitRequest(*this, list, end_stream);
  }

 private:
  http::ResponseDecoder& decoder_;
  bool final_received_ = false;
  http::ResponseHeaders response_;
  http::HeaderMap trailers_;
};

class Http2ClientConnection : public http::ClientConnection, private Http2Session {
 public:
  Http2ClientConnection(http::CodecTransport& transport, const Http2Options& options)
      : Http2Session(transport, options, /*is_server=*/false) {
    Flush();  // Preface and SETTINGS.
  }

  absl::Status Dispatch(network::Buffer& data) override { return DoDispatch(data); }
  void GoAway() override { DoGoAway(); }
  void OnConnectionClosed(http::StreamResetReason reason) override {
    DoOnConnectionClosed(reason);
  }
  void OnTransportAboveHighWatermark() override { DoOnTransportAboveHighWatermark(); }
  void OnTransportBelowLowWatermark() override { DoOnTransportBelowLowWatermark(); }
  size_t active_streams() const override { return DoActiveStreams(); }
  bool keep_alive() const override { return DoKeepAlive(); }

  http::RequestEncoder& NewStream(http::ResponseDecoder& decoder) override {
    auto stream = std::make_unique<ClientStream>(static_cast<Http2Session&>(*this), decoder);
    ClientStream& ref = *stream;
    AddStream(std::move(stream));
    MakeVisible(ref);
    return ref;
  }
  bool CanTakeStream() const override {
    if (draining() || local_goaway()) return false;
    const uint32_t limit =
        nghttp2_session_get_remote_settings(session(), NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    return stream_count() < limit;
  }
  bool draining() const override { return goaway_received() || fatal() || closed(); }
};

}  // namespace

std::unique_ptr<http::ClientConnection> CreateHttp2ClientConnection(
    http::CodecTransport& transport, const Http2Options& options) {
  return std::make_unique<Http2ClientConnection>(transport, options);
}

}  // namespace weft::http2
