#ifndef WEFT_PROXY_HTTP2_HTTP2_HEADERS_H_
#define WEFT_PROXY_HTTP2_HTTP2_HEADERS_H_

// Conversion between the codec's protocol-neutral heads and HTTP/2 header
// lists (RFC 9113 8.2, 8.3): pseudo-header fields, lower-case names, and no
// connection-specific fields.

#include <string>
#include <utility>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "absl/strings/string_view.h"
#include "proxy/http/codec.h"
#include "proxy/http/header_map.h"

namespace weft::http2 {

// connection, keep-alive, proxy-connection, transfer-encoding, upgrade, and te
// unless its value is "trailers" (RFC 9113 8.2.2). Case-insensitive.
bool IsConnectionSpecificField(absl::string_view name, absl::string_view value);

// An owned header list ready for nghttp2_submit_*. nghttp2 copies the list
// when a frame is submitted, so it only has to outlive that call.
class HeaderList {
 public:
  // Adds a field; the name is lower-cased.
  void Add(absl::string_view name, absl::string_view value);
  // Adds the regular fields of `headers` minus connection-specific ones,
  // pseudo-header names and (when `drop_host`) host.
  void AddRegular(const http::HeaderMap& headers, bool drop_host);
  // The nghttp2 view; valid until the next Add.
  const std::vector<nghttp2_nv>& nv();
  size_t size() const { return fields_.size(); }
  const std::pair<std::string, std::string>& at(size_t i) const { return fields_[i]; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<nghttp2_nv> nv_;
};

// :method, :scheme, :authority, :path (only :method and :authority for
// CONNECT), then the regular fields. A `host` field supplies :authority when
// `authority` is empty and is dropped otherwise.
HeaderList RequestHeaderList(const http::RequestHeaders& headers);
// :status, then the regular fields.
HeaderList ResponseHeaderList(const http::ResponseHeaders& headers);
HeaderList TrailerHeaderList(const http::HeaderMap& trailers);

// Moves one decoded request field into `out`: pseudo-header fields to their
// members, host to authority (when there is no :authority), connection-specific
// fields dropped, the rest appended to out.headers.
void AddDecodedRequestField(absl::string_view name, absl::string_view value,
                            http::RequestHeaders& out);
// The same for a response: :status parsed (0 if unparsable).
void AddDecodedResponseField(absl::string_view name, absl::string_view value,
                             http::ResponseHeaders& out);

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_HTTP2_HEADERS_H_
