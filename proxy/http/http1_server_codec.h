#ifndef WEFT_PROXY_HTTP_HTTP1_SERVER_CODEC_H_
#define WEFT_PROXY_HTTP_HTTP1_SERVER_CODEC_H_

#include <cstdint>

#include "proxy/http/codec.h"
#include "proxy/http/http1_parser.h"

namespace weft::http {

// The server side of HTTP/1.1 (downstream): one stream at a time. Pipelined
// requests wait, unparsed, until the response before them is complete and the
// owner calls Dispatch again (with no new bytes, if need be). A
// response that ends before its request body does is sent at once; the rest of
// the body is read and dropped so that the connection stays usable (closing with
// unread bytes would make the kernel reset it and lose the response). Upgrade
// requests answered with 101 turn into a byte tunnel in both directions.
// Malformed requests get a 400 (431 for oversized heads) written by the codec
// itself, with the reason in x-weft-error, and the connection ends.
// Thread-compatible: the owning worker's dispatcher only.
class Http1ServerConnection final : public ServerConnection,
                                    private ResponseEncoder,
                                    private Http1Parser::Callbacks {
 public:
  Http1ServerConnection(CodecTransport& transport, ServerConnectionCallbacks& callbacks,
                        uint32_t max_request_headers_bytes);

  // Errors (the message is the reason): kInvalidArgument / kResourceExhausted:
  // a new request was malformed / had a header block too large, 400 / 431 sent;
  // kFailedPrecondition: the body of the stream in flight was malformed, its
  // stream is reset and 400 sent; kDataLoss: the same after its response had
  // started, nothing could be sent. The connection ends in every case.
  absl::Status Dispatch(network::Buffer& data) override;
  void GoAway() override;
  void OnConnectionClosed(StreamResetReason reason) override;
  void OnRemoteHalfClose() override;
  void OnTransportAboveHighWatermark() override;
  void OnTransportBelowLowWatermark() override;
  size_t active_streams() const override { return decoder_ != nullptr ? 1 : 0; }
  bool keep_alive() const override { return keep_alive_; }

 private:
  // ResponseEncoder.
  void Encode1xxHeaders(const ResponseHeaders& headers) override;
  void EncodeHeaders(const ResponseHeaders& headers, bool end_stream) override;
  void EncodeData(network::Buffer& data, bool end_stream) override;
  void EncodeTrailers(const HeaderMap& trailers) override;
  void ResetStream(StreamResetReason reason) override;
  void ReadDisable(bool disable) override;

  // Http1Parser::Callbacks: collect; the decoder hears about it after Execute.
  void OnMessageHead(MessageHead& head) override;
  void OnBody(absl::string_view data) override;
  void OnTrailers(HeaderMap& trailers) override;
  void OnMessageComplete() override;

  // Parses what is in `in` while the current stream allows.
  absl::Status Parse(network::Buffer& in);
  // Hands the head, body and end parsed by one Execute to the decoder.
  void Deliver(bool message_complete);
  absl::Status ProtocolError(ParseError error);
  // The response is complete: the stream ends for its user.
  void EndResponse();
  void Flush();

  CodecTransport& transport_;
  ServerConnectionCallbacks& callbacks_;
  Http1Parser parser_;
  RequestHeaders request_;
  RequestDecoder* decoder_ = nullptr;  // the stream in flight, if any
  network::Buffer body_;               // parsed in one Execute, delivered after it
  HeaderMap trailers_;
  network::Buffer pending_;  // received after a complete request, not parsed yet
  network::Buffer out_;

  bool head_parsed_ = false;
  bool has_trailers_ = false;
  bool in_request_ = false;        // between a request's first byte and its end
  bool request_complete_ = false;  // the current stream's request has been read
  bool discarding_ = false;        // reading a request whose response was sent
  bool response_started_ = false;
  bool response_chunked_ = false;
  bool is_head_ = false;
  bool http10_ = false;
  bool awaiting_upgrade_ = false;  // an Upgrade request's head was read
  bool tunnel_ = false;            // 101 sent: raw bytes both ways
  bool need_parser_reset_ = false;
  bool keep_alive_ = true;
  bool request_keep_alive_ = true;
  bool parsing_ = false;
  bool pending_read_disabled_ = false;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HTTP1_SERVER_CODEC_H_
