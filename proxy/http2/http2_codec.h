#ifndef WEFT_PROXY_HTTP2_HTTP2_CODEC_H_
#define WEFT_PROXY_HTTP2_HTTP2_CODEC_H_

// HTTP/2 codecs (RFC 9113) behind the protocol-neutral interface of
// proxy/http/codec.h, on nghttp2's session API (mem_recv/mem_send only).
//
//   auto server = CreateHttp2ServerConnection(transport, callbacks, options);
//   absl::Status s = server->Dispatch(read_buffer);  // GOAWAY already queued on error
//
// Behaviour the integrator relies on:
//  - Creation writes this side's SETTINGS (client: the preface first) to the
//    transport at once. Every Dispatch ends with at most ONE transport.Write
//    carrying everything produced. Encoder calls do the same, unless the
//    transport offers an output_dispatcher(): then everything the encoder
//    calls of one event callback queued goes out in one Write when the
//    callback ends (or at OnConnectionClosed, before the streams are reset).
//  - HTTP rules (RFC 9113 section 8: pseudo-headers, forbidden characters and
//    connection-specific fields, content-length against DATA...) are checked
//    by Http2MessageChecker with nghttp2's exact outcomes; a broken message
//    resets its stream with RST_STREAM PROTOCOL_ERROR (kProtocolError).
//  - Bodies stream: a stream's encoded-but-unsent body is bounded by the peer's
//    flow-control window plus whatever the user pushes; above
//    Http2Options::stream_buffer_limit the stream's handler hears
//    OnAboveWriteBufferHighWatermark (OnBelow... at half).
//  - Receive flow control follows the reader: the stream window reopens only
//    while the stream is not ReadDisable'd; the connection window reopens as
//    soon as data is delivered.
//  - ResetStream(reason) sends RST_STREAM: kRemoteRefused and kOverflow ->
//    REFUSED_STREAM, kProtocolError -> PROTOCOL_ERROR, anything else -> CANCEL.
//  - Reasons reported: peer RST_STREAM REFUSED_STREAM, or a stream above a
//    received GOAWAY's last-stream-id -> kRemoteRefused; other peer
//    RST_STREAM -> kRemoteReset; our header-list limit -> kOverflow; a stream
//    nghttp2 rejected as malformed, or a connection-level protocol error ->
//    kProtocolError.
//  - A client request that cannot be submitted (GOAWAY already received...)
//    reports OnResetStream(kRemoteRefused) from inside EncodeHeaders.
//  - keep_alive() turns false on a protocol error, OnConnectionClosed, or a
//    GOAWAY sent or received; the caller closes once active_streams() == 0.
// Thread-compatible: everything on the owning worker's thread.

#include <memory>

#include "proxy/http/codec.h"
#include "proxy/http2/http2_options.h"

namespace weft::http2 {

// `transport` and `callbacks` must outlive the codec. `options` is copied.
std::unique_ptr<http::ServerConnection> CreateHttp2ServerConnection(
    http::CodecTransport& transport, http::ServerConnectionCallbacks& callbacks,
    const Http2Options& options);

std::unique_ptr<http::ClientConnection> CreateHttp2ClientConnection(
    http::CodecTransport& transport, const Http2Options& options);

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_HTTP2_CODEC_H_
