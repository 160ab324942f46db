#ifndef WEFT_PROXY_HTTP_CODEC_H_
#define WEFT_PROXY_HTTP_CODEC_H_

// The protocol-neutral stream interface between HTTP codecs (HTTP/1.1 on
// http-parser, HTTP/2 on nghttp2) and the proxy's stream logic (routing,
// timeouts, local replies). A codec turns the bytes of one connection into
// streams: a server codec (downstream) decodes requests and encodes responses, a
// client codec (upstream) encodes requests and decodes responses. The router
// only ever sees these interfaces, so that every pairing (h1 -> h1, h1 -> h2,
// h2 -> h1, h2 -> h2) is the same code.
//
// Usage sketch (server side):
//   class MyStream : public RequestDecoder { ... };
//   class Manager : public ServerConnectionCallbacks {
//     RequestDecoder& NewStream(ResponseEncoder& encoder) override { ... }
//   };
//   auto codec = CreateHttp2ServerConnection(transport, manager, options);
//   absl::Status s = codec->Dispatch(connection.read_buffer());
//
// Lifetimes and threading: everything here belongs to one worker's dispatcher
// thread. A stream ends for its user when the last frame of the user's
// direction that is still open has been encoded or decoded with end_stream, or
// when the stream is reset; after that the codec never calls the decoder again
// and the user must not touch the encoder again. Codecs never throw.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/event/dispatcher.h"
#include "proxy/http/header_map.h"
#include "proxy/network/buffer.h"

namespace weft::http {

// A request head in protocol-neutral form. HTTP/1 codecs map the request line
// and Host field onto the pseudo-header fields; HTTP/2 codecs carry them as
// :method, :scheme, :authority, :path.
struct RequestHeaders {
  std::string method;
  std::string scheme = "http";
  std::string authority;  // host[:port]; HTTP/1 takes it from Host (or an absolute target)
  std::string path;       // origin form "/a/b?q"; "*" for OPTIONS *, authority-form for CONNECT
  // Regular fields, names as received (HTTP/2: lower case). Never pseudo-header
  // fields, never connection-specific fields (codecs drop those on decode), and
  // never Host (it lives in `authority`).
  HeaderMap headers;
  // HTTP/1.1 Upgrade (WebSocket...): the value of the Upgrade field. Such a
  // stream turns into raw bytes in both directions after a 101 response.
  std::string upgrade;

  void Clear();
};

struct ResponseHeaders {
  int status = 0;
  HeaderMap headers;  // regular fields only, as for requests

  void Clear();
};

// Room for FormatStatusCode's digits (absl's FastIntToBuffer size).
inline constexpr size_t kStatusCodeBufferSize = 32;
// `status` in decimal into `buf` (kStatusCodeBufferSize bytes); returns the
// length. Real codes (100-999) take three divisions, not a general conversion:
// this runs for every response (the HTTP/2 :status, the metrics label).
size_t FormatStatusCode(int status, char* buf);

// Why a stream ended before both directions were complete.
enum class StreamResetReason {
  kLocalReset,             // this side gave up (timeout, client went away...)
  kRemoteReset,            // the peer reset the stream (RST_STREAM)
  kRemoteRefused,          // the peer refused it before any processing (REFUSED_STREAM, GOAWAY)
  kConnectionFailure,      // the connection could not be established
  kConnectionTermination,  // the connection closed under the stream
  kProtocolError,          // the peer broke the protocol
  kOverflow,               // a limit was hit (too many streams, a header block too large...)
};
absl::string_view StreamResetReasonName(StreamResetReason reason);

// Events of a stream shared by both decoders.
class StreamEventHandler {
 public:
  virtual ~StreamEventHandler() = default;
  // The stream ended abnormally. Not called for the handler's own ResetStream().
  virtual void OnResetStream(StreamResetReason reason) = 0;
  // Backpressure: what this stream has encoded but the peer has not taken yet
  // went above the limit / back below half of it. The handler stops / resumes
  // reading whatever feeds this stream.
  virtual void OnAboveWriteBufferHighWatermark() {}
  virtual void OnBelowWriteBufferLowWatermark() {}
};

// What every encoder can do.
class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  // Moves all of `data` out. An empty `data` with end_stream ends the direction.
  virtual void EncodeData(network::Buffer& data, bool end_stream) = 0;
  // Ends the direction with trailers (HTTP/2; HTTP/1 drops them unless chunked).
  virtual void EncodeTrailers(const HeaderMap& trailers) = 0;
  // Abandons the stream (HTTP/2: RST_STREAM; HTTP/1: the connection is closed).
  virtual void ResetStream(StreamResetReason reason) = 0;
  // Stops / resumes taking this stream's incoming body (HTTP/2: its flow-control
  // window is not reopened; HTTP/1: the connection is not read). Calls nest.
  virtual void ReadDisable(bool disable) = 0;
};

class ResponseEncoder : public StreamEncoder {
 public:
  // 1xx heads (100 Continue...) before the final one.
  virtual void Encode1xxHeaders(const ResponseHeaders& headers) = 0;
  virtual void EncodeHeaders(const ResponseHeaders& headers, bool end_stream) = 0;
};

class RequestEncoder : public StreamEncoder {
 public:
  virtual void EncodeHeaders(const RequestHeaders& headers, bool end_stream) = 0;
};

// Receives a request (server side). `headers` stays valid, and may be changed
// by the decoder, until the stream ends.
class RequestDecoder : public StreamEventHandler {
 public:
  virtual void DecodeHeaders(RequestHeaders& headers, bool end_stream) = 0;
  // Takes what it wants of `data`; the codec drops the rest.
  virtual void DecodeData(network::Buffer& data, bool end_stream) = 0;
  virtual void DecodeTrailers(HeaderMap& trailers) = 0;
};

// Receives a response (client side). Arguments are valid during the call only.
class ResponseDecoder : public StreamEventHandler {
 public:
  virtual void Decode1xxHeaders(ResponseHeaders& headers) = 0;
  virtual void DecodeHeaders(ResponseHeaders& headers, bool end_stream) = 0;
  virtual void DecodeData(network::Buffer& data, bool end_stream) = 0;
  virtual void DecodeTrailers(HeaderMap& trailers) = 0;
};

// Where a codec writes its bytes and how it pauses its connection: the
// connection in the proxy, a plain buffer in tests.
class CodecTransport {
 public:
  virtual ~CodecTransport() = default;
  // Moves all of `bytes` out.
  virtual void Write(network::Buffer& bytes) = 0;
  // Stops / resumes reading the connection. Calls nest.
  virtual void ReadDisable(bool disable) = 0;
  // The dispatcher whose callback ends the codec may defer output to: an
  // HTTP/2 codec then produces the frames that its encoder calls queued during
  // one event callback once, when the callback ends, instead of once per call.
  // Null (the default, e.g. in codec tests): output is produced by each call.
  virtual event::Dispatcher* output_dispatcher() { return nullptr; }
};

// A codec on one connection, either side.
class Connection {
 public:
  virtual ~Connection() = default;
  // Feeds bytes read from the connection (consumes all of `data`). An error
  // means the peer broke the protocol: the codec has already encoded what the
  // protocol asks for (HTTP/2 GOAWAY), has reset its open streams, and the
  // caller closes the connection once the output is flushed.
  virtual absl::Status Dispatch(network::Buffer& data) = 0;
  // Starts a graceful shutdown: no new streams (HTTP/2 GOAWAY; HTTP/1: the
  // next response says `connection: close`); streams in flight finish.
  virtual void GoAway() = 0;
  // The connection under the codec closed (or failed): open streams are reset
  // with `reason` (kConnectionTermination or kConnectionFailure).
  virtual void OnConnectionClosed(StreamResetReason reason) = 0;
  // The peer half-closed (TCP FIN). HTTP/1 ends a tunnel's request direction
  // or resets a request cut short; HTTP/2 has nothing to do (the caller closes
  // once no streams remain).
  virtual void OnRemoteHalfClose() {}
  // The transport's own write buffer went above / back below its limit: every
  // open stream hears OnAbove/OnBelowWriteBufferHighWatermark.
  virtual void OnTransportAboveHighWatermark() = 0;
  virtual void OnTransportBelowLowWatermark() = 0;
  // Streams not yet ended.
  virtual size_t active_streams() const = 0;
  // False once the codec cannot be used any more (protocol error, GOAWAY both
  // ways done, HTTP/1 `connection: close` exchanged) and the caller should close
  // the connection when no streams remain.
  virtual bool keep_alive() const = 0;
};

class ServerConnectionCallbacks {
 public:
  virtual ~ServerConnectionCallbacks() = default;
  // A new request stream. The returned decoder must stay valid until the stream
  // ends; `encoder` is valid until then too.
  virtual RequestDecoder& NewStream(ResponseEncoder& encoder) = 0;
};

class ServerConnection : public Connection {};

class ClientConnection : public Connection {
 public:
  // Opens a request stream whose response goes to `decoder`. Bytes may be
  // encoded before the transport has finished connecting. Only when
  // CanTakeStream() is true.
  virtual RequestEncoder& NewStream(ResponseDecoder& decoder) = 0;
  // Room for another stream now (HTTP/1: none in flight; HTTP/2: below the
  // peer's SETTINGS_MAX_CONCURRENT_STREAMS and no GOAWAY received).
  virtual bool CanTakeStream() const = 0;
  // The peer announced GOAWAY, closed or broke the protocol; no new streams.
  virtual bool draining() const = 0;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_CODEC_H_
