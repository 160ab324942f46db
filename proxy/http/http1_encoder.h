#ifndef WEFT_PROXY_HTTP_HTTP1_ENCODER_H_
#define WEFT_PROXY_HTTP_HTTP1_ENCODER_H_

// Writes HTTP/1.1 messages for the proxy: message heads with hop-by-hop fields
// removed, chunk framing, and the proxy's own error replies.

#include "absl/strings/string_view.h"
#include "proxy/http/ascii_case.h"
#include "proxy/http/codec.h"
#include "proxy/http/http1_parser.h"
#include "proxy/network/buffer.h"

namespace weft::http {

// Fields that describe one connection, not the message (RFC 9110 7.6.1); the
// proxy drops them, and the ones the Connection field names, when forwarding.
// Inline: it runs for every field of every HTTP/1.1 head, twice.
inline bool IsHopByHopField(absl::string_view name) {
  switch (name.size()) {
    case 2:
      return EqualsIgnoreCaseAscii(name, "te");
    case 7:
      return EqualsIgnoreCaseAscii(name, "upgrade") || EqualsIgnoreCaseAscii(name, "trailer");
    case 10:
      return EqualsIgnoreCaseAscii(name, "connection") ||
             EqualsIgnoreCaseAscii(name, "keep-alive");
    case 16:
      return EqualsIgnoreCaseAscii(name, "proxy-connection");
    case 17:
      return EqualsIgnoreCaseAscii(name, "transfer-encoding");
    default:
      return false;
  }
}

// How the body that follows a head is framed.
enum class BodyFraming {
  kNone,           // no body
  kContentLength,  // the content-length field of the head stays as it is
  kChunked,        // transfer-encoding: chunked is added
  kEmpty,          // no body, said with "content-length: 0"
};

void EncodeRequestHead(const MessageHead& head, BodyFraming framing, network::Buffer& out);
// `close`: add "connection: close" (the proxy closes after this response).
void EncodeResponseHead(const MessageHead& head, BodyFraming framing, bool close,
                        network::Buffer& out);
// The same for requests and responses in protocol-neutral form: the request
// line and "host: <authority>" first; Upgrade requests and 101 responses get
// "connection: upgrade" and their upgrade token.
void EncodeRequestHeaders(const RequestHeaders& headers, BodyFraming framing,
                          network::Buffer& out);
void EncodeResponseHeaders(const ResponseHeaders& headers, BodyFraming framing, bool close,
                           network::Buffer& out);
// The trailer section of a chunked body (ends the body).
void EncodeLastChunkWithTrailers(const HeaderMap& trailers, network::Buffer& out);
// Removes connection-specific fields (and those the Connection field names) on
// decode, so that nothing of one hop's connection leaks to the next.
void RemoveHopByHopFields(HeaderMap& headers);

void EncodeChunk(absl::string_view data, network::Buffer& out);
void EncodeLastChunk(network::Buffer& out);

// A reply the proxy makes itself, e.g. 503 with x-weft-error: connect_failed.
void EncodeLocalReply(int status, absl::string_view error_reason, bool close,
                      network::Buffer& out);

absl::string_view StatusReason(int status);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HTTP1_ENCODER_H_
