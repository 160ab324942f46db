// The HTTP/2 server codec: peer-initiated streams decode requests and encode
// responses.
#include <memory>

#include "proxy/http2/http2_codec.h"
#include "proxy/http2/http2_headers.h"
#include "proxy/http2/http2_session.h"

namespace weft::http2 {
namespace {

class ServerStream : public EncoderStream<http::ResponseEncoder> {
 public:
  ServerStream(Http2Session& session, http::ServerConnectionCallbacks& callbacks)
      : EncoderStream(session), callbacks_(callbacks) {}
  ~ServerStream() override { session_.RecycleHeaderMap(request_.headers); }

  // Http2Session::Stream
  http::StreamEventHandler* handler() override { return decoder_; }
  void BeginHeaderBlock() override {
    if (head_received_) {
      trailers_.Clear();
    } else {
      session_.TakeHeaderMap(request_.headers);
    }
  }
  void AddHeaderField(absl::string_view name, absl::string_view value) override {
    if (!head_received_) {
      AddDecodedRequestField(name, value, request_);
    } else {
      trailers_.Add(name, value);  // checked: no connection-specific field
    }
  }
  void EndHeaderBlock(bool end_stream) override {
    if (head_received_) {
      if (decoder_ != nullptr) decoder_->DecodeTrailers(trailers_);
      return;
    }
    head_received_ = true;
    decoder_ = &callbacks_.NewStream(*this);
    session_.MakeVisible(*this);
    if (!done) decoder_->DecodeHeaders(request_, end_stream);
  }
  void DeliverData(network::Buffer& data, bool end_stream) override {
    if (decoder_ != nullptr) decoder_->DecodeData(data, end_stream);
  }

  // http::ResponseEncoder
  void Encode1xxHeaders(const http::ResponseHeaders& headers) override {
    HeaderList& list = session_.scratch_headers();
    BuildResponseHeaderList(headers, list);
    session_.Submit1xx(*this, list);
  }
  void EncodeHeaders(const http::ResponseHeaders& headers, bool end_stream) override {
    HeaderList& list = session_.scratch_headers();
    BuildResponseHeaderList(headers, list);
    session_.SubmitResponse(*this, list, end_stream);
  }

 private:
  http::ServerConnectionCallbacks& callbacks_;
  http::RequestDecoder* decoder_ = nullptr;
  bool head_received_ = false;
  http::RequestHeaders request_;
  http::HeaderMap trailers_;
};

class Http2ServerConnection : public http::ServerConnection, private Http2Session {
 public:
  Http2ServerConnection(http::CodecTransport& transport, http::ServerConnectionCallbacks& callbacks,
                        const Http2Options& options)
      : Http2Session(transport, options, /*is_server=*/true), callbacks_(callbacks) {
    Flush();  // Our SETTINGS go out without waiting for the client.
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

 private:
  std::unique_ptr<Stream> CreateRemoteStream() override {
    return std::make_unique<ServerStream>(static_cast<Http2Session&>(*this), callbacks_);
  }

  http::ServerConnectionCallbacks& callbacks_;
};

}  // namespace

std::unique_ptr<http::ServerConnection> CreateHttp2ServerConnection(
    http::CodecTransport& transport, http::ServerConnectionCallbacks& callbacks,
    const Http2Options& options) {
  return std::make_unique<Http2ServerConnection>(transport, callbacks, options);
}

}  // namespace weft::http2
