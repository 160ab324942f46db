#ifndef WEFT_PROXY_HTTP_HTTP1_CLIENT_CODEC_H_
#define WEFT_PROXY_HTTP_HTTP1_CLIENT_CODEC_H_

#include <functional>

#include "proxy/http/codec.h"
#include "proxy/http/http1_parser.h"

namespace weft::http {

// The client side of HTTP/1.1 (upstream): one stream at a time on a keep-alive
// connection. Bodies without a length are sent chunked; responses delimited by
// the connection closing end at OnRemoteHalfClose. A 101 response turns the
// stream into a byte tunnel. `on_stream_complete` runs after each stream has
// ended (the owner then pools or closes the connection, per keep_alive()).
// Thread-compatible: the owning worker's dispatcher only.
class Http1ClientConnection final : public ClientConnection,
                                    private RequestEncoder,
                                    private Http1Parser::Callbacks {
 public:
  Http1ClientConnection(CodecTransport& transport, std::function<void()> on_stream_complete);

  RequestEncoder& NewStream(ResponseDecoder& decoder) override;
  bool CanTakeStream() const override { return decoder_ == nullptr && keep_alive_; }
  bool draining() const override { return !keep_alive_; }

  // An error means a malformed response: the stream is reset (kProtocolError).
  absl::Status Dispatch(network::Buffer& data) override;
  void GoAway() override { keep_alive_ = false; }
  void OnConnectionClosed(StreamResetReason reason) override;
  void OnRemoteHalfClose() override;
  void OnTransportAboveHighWatermark() override;
  void OnTransportBelowLowWatermark() override;
  size_t active_streams() const override { return decoder_ != nullptr ? 1 : 0; }
  bool keep_alive() const override { return keep_alive_; }

 private:
  // RequestEncoder.
  void EncodeHeaders(const RequestHeaders& headers, bool end_stream) override;
  void EncodeData(network::Buffer& data, bool end_stream) override;
  void EncodeTrailers(const HeaderMap& trailers) override;
  void ResetStream(StreamResetReason reason) override;
  void ReadDisable(bool disable) override;

  // Http1Parser::Callbacks.
  void OnMessageHead(MessageHead& head) override;
  void OnBody(absl::string_view data) override;
  void OnTrailers(HeaderMap& trailers) override;
  void OnMessageComplete() override {}

  void Deliver(bool message_complete);
  void RequestDone();
  // The stream ended for its user (response complete, or reset).
  void StreamDone();
  void ResetDecoder(StreamResetReason reason);
  void Flush();

  CodecTransport& transport_;
  std::function<void()> on_stream_complete_;
  Http1Parser parser_;
  ResponseDecoder* decoder_ = nullptr;
  ResponseHeaders response_;
  network::Buffer body_;
  HeaderMap trailers_;
  network::Buffer out_;
  bool head_parsed_ = false;
  bool informational_ = false;
  bool has_trailers_ = false;
  bool request_chunked_ = false;
  bool request_complete_ = false;
  bool response_started_ = false;
  bool tunnel_ = false;
  bool is_head_ = false;
  bool keep_alive_ = true;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HTTP1_CLIENT_CODEC_H_
