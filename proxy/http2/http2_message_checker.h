#ifndef WEFT_PROXY_HTTP2_HTTP2_MESSAGE_CHECKER_H_
#define WEFT_PROXY_HTTP2_HTTP2_MESSAGE_CHECKER_H_

// The HTTP semantics checks of RFC 9113 section 8 for the messages received on
// one HTTP/2 stream, done here instead of by nghttp2 ("HTTP messaging", off
// through nghttp2_option_set_no_http_messaging) because nghttp2's version
// costs ~3k instructions per proxied request. Every rule of nghttp2 1.52's
// nghttp2_http.c is kept, with the same outcome (the HTTP/1 side relies on
// them against request smuggling; http2_message_checker_test compares the
// outcomes with nghttp2's own for every rule and for random heads):
//  - field names: lower-case tchar only;
//  - field values: no NUL, CR, LF, other controls but HTAB, or DEL, and no
//    leading/trailing SP/HTAB; :method, :path, :scheme and a request's
//    :authority / host have their own character sets;
//  - pseudo-headers: known ones only, each at most once, not empty or blank,
//    none after a regular field or in trailers; requests need :method,
//    :scheme, :path and :authority or host (CONNECT: :authority, no :scheme
//    or :path); http(s) paths start with '/' ('*' only for OPTIONS);
//    responses need a 3-digit :status other than 101; :protocol is refused
//    (extended CONNECT is not offered);
//  - connection-specific fields (connection, keep-alive, proxy-connection,
//    transfer-encoding, upgrade; te other than "trailers") reset the stream;
//  - content-length: digits, at most once, and equal to the DATA received
//    (0 after HEAD, 204, 304); in a 204 only "0" (then dropped); dropped in a
//    2xx answer to CONNECT; not allowed in a 1xx;
//  - trailers end the stream; no DATA and no end of stream before a final
//    response (after 1xx heads).
//
// Usage (per stream, from the nghttp2 callbacks):
//   Http2MessageChecker checker(Http2MessageChecker::Side::kServer);
//   checker.BeginHeaderBlock();                // on_begin_headers
//   switch (checker.OnField(name, value)) ...  // on_header: kAccept/kDrop/kReject
//   if (!checker.EndHeaderBlock(end_stream)) reset;    // on_frame_recv(HEADERS)
//   if (!checker.OnData(n)) reset;                     // on_data_chunk_recv
//   if (end_stream && !checker.OnRemoteEnd()) reset;   // on_frame_recv(DATA)
// A reset is RST_STREAM PROTOCOL_ERROR (the caller sends it).
//
// Thread-compatible.

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace weft::http2 {

class Http2MessageChecker {
 public:
  // kServer checks the requests it receives, kClient the responses.
  enum class Side { kServer, kClient };
  enum class Verdict {
    kAccept,  // deliver the field
    kDrop,    // leave the field out silently (content-length of a 204 or CONNECT 2xx)
    kReject,  // the message is malformed: reset the stream
  };

  explicit Http2MessageChecker(Side side) : side_(side) {}

  // Client: the request sent on the stream (HEAD and CONNECT change what a
  // response may carry).
  void OnRequestSent(absl::string_view method);

  void BeginHeaderBlock();
  // `static_name` / `static_value`: the string is an entry of the HPACK
  // static table (nghttp2_rcbuf_is_static), whose characters are known to be
  // valid, so only the semantic rules run for it.
  Verdict OnField(absl::string_view name, absl::string_view value, bool static_name = false,
                  bool static_value = false);
  // False: the head (or trailers) is malformed. `end_stream`: the block ends
  // the stream (then the content-length is checked too).
  bool EndHeaderBlock(bool end_stream);
  // `n` bytes of DATA payload arrived. False: more than content-length, or
  // DATA before a final response.
  bool OnData(size_t n);
  // END_STREAM on a DATA frame. False: body shorter than content-length, or
  // no final response yet.
  bool OnRemoteEnd();

  // Character rules shared with the tests.
  static bool ValidName(absl::string_view name);
  static bool ValidValue(absl::string_view value);  // incl. no leading/trailing SP/HTAB

 private:
  enum Flag : uint32_t {
    kAuthority = 1u << 0,
    kMethod = 1u << 1,
    kPath = 1u << 2,
    kScheme = 1u << 3,
    kStatus = 1u << 4,
    kHost = 1u << 5,
    kMethHead = 1u << 6,
    kMethConnect = 1u << 7,
    kMethOptions = 1u << 8,
    kPathRegular = 1u << 9,
    kPathAsterisk = 1u << 10,
    kSchemeHttp = 1u << 11,
    kPseudoDisallowed = 1u << 12,
    kExpectFinal = 1u << 13,
  };
  static constexpr uint32_t kMethAll = kMethHead | kMethConnect | kMethOptions;

  Verdict RequestField(int token, absl::string_view name, absl::string_view value);
  Verdict ResponseField(int token, absl::string_view name, absl::string_view value);
  bool SetPseudo(uint32_t flag, absl::string_view value);
  bool RequestHeadersEnd() const;
  bool ResponseHeadersEnd();

  Side side_;
  uint32_t flags_ = 0;
  int64_t content_length_ = -1;
  int64_t received_ = 0;
  int status_ = -1;
  int blocks_ = 0;
  bool trailer_ = false;
};

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_HTTP2_MESSAGE_CHECKER_H_
