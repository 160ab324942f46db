#ifndef WEFT_PROXY_HTTP2_HTTP2_HEADERS_H_
#define WEFT_PROXY_HTTP2_HTTP2_HEADERS_H_

// Conversion between the codec's protocol-neutral heads and HTTP/2 header
// lists (RFC 9113 8.2, 8.3): pseudo-header fields, lower-case names, and no
// connection-specific fields.
//
// This is on the per-request path of every HTTP/2 hop, so a HeaderList keeps
// all names and values in one arena string (no std::string per field) and is
// meant to be reused: Clear() keeps the capacity, and the session hands its
// streams one scratch list (see Http2Session::scratch_headers()).

#include <cstdint>
#include <memory>
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

// Fields whose value is new on every request (trace and span ids, request
// ids): indexing them in the HPACK dynamic table only evicts useful entries
// and costs an insertion per request, so they are sent without indexing
// (RFC 7541 6.2.2). Case-insensitive.
bool IsUniquePerRequestField(absl::string_view name);

// A header list ready for nghttp2_submit_*. nghttp2 copies the list when a
// frame is submitted, so it only has to outlive that call. Fields added with
// Add() are copied into the list's arena; the Build*HeaderList() functions
// below instead borrow the names and values of the head they read (no copy
// of ours: nghttp2 makes the one copy it needs), so such a list must be
// submitted before that head changes. Thread-compatible.
class HeaderList {
 public:
  // Forgets the fields, keeps the memory.
  void Clear();
  // Room for `fields` fields of `bytes` copied name+value bytes in all.
  void Reserve(size_t fields, size_t bytes);
  // Adds a field, copied; the name is lower-cased.
  void Add(absl::string_view name, absl::string_view value);
  // Adds a field that points at `name` and `value`, which must stay valid and
  // unchanged while the list is used. The name is left as it is: nghttp2
  // lower-cases names when it copies the list at submission.
  void AddBorrowed(absl::string_view name, absl::string_view value);
  // Adds the regular fields of `headers` minus connection-specific ones,
  // pseudo-header names and (when `drop_host`) host; copied, or borrowed from
  // `headers` when `borrow`.
  void AddRegular(const http::HeaderMap& headers, bool drop_host, bool borrow = false);
  // The nghttp2 view; valid until the next Add, Reserve or Clear.
  const std::vector<nghttp2_nv>& nv() const { return nv_; }
  size_t size() const { return nv_.size(); }
  // Views valid until the next Add, Reserve or Clear.
  std::pair<absl::string_view, absl::string_view> at(size_t i) const;

 private:
  // AddBorrowed with the nghttp2_nv flags already decided.
  void AddBorrowed(absl::string_view name, absl::string_view value, uint8_t flags);

  // Room for `n` more bytes at arena_ + arena_size_; moves the copied fields'
  // pointers along when the arena moves.
  void EnsureRoom(size_t n);
  // Copies `name` (lower-cased) and `value` into the arena as one field.
  void AddCopied(absl::string_view name, absl::string_view value, bool lower);

  // A plain buffer rather than std::string: appends are an inline memcpy,
  // which matters at a dozen fields per head.
  std::unique_ptr<char[]> arena_;
  size_t arena_size_ = 0;
  size_t arena_capacity_ = 0;
  // The fields themselves, in nghttp2's form: no conversion at submission.
  std::vector<nghttp2_nv> nv_;
  // Indexes into nv_ of the fields whose bytes live in arena_.
  std::vector<uint32_t> copied_;
};

// :method, :scheme, :authority, :path (only :method and :authority for
// CONNECT), then the regular fields. A `host` field supplies :authority when
// `authority` is empty and is dropped otherwise.
HeaderList RequestHeaderList(const http::RequestHeaders& headers);
// :status, then the regular fields.
HeaderList ResponseHeaderList(const http::ResponseHeaders& headers);
HeaderList TrailerHeaderList(const http::HeaderMap& trailers);
// The same, into a list that is cleared first (its memory is reused). The
// list borrows from `headers` (see HeaderList): submit it before `headers`
// changes.
void BuildRequestHeaderList(const http::RequestHeaders& headers, HeaderList& out);
void BuildResponseHeaderList(const http::ResponseHeaders& headers, HeaderList& out);

// Moves one decoded request field into `out`: pseudo-header fields to their
// members, host to authority (when there is no :authority), the rest appended
// to out.headers. The field has passed Http2MessageChecker, which refuses
// connection-specific fields, so none is looked for here.
void AddDecodedRequestField(absl::string_view name, absl::string_view value,
                            http::RequestHeaders& out);
// The same for a response: :status parsed (0 if unparsable).
void AddDecodedResponseField(absl::string_view name, absl::string_view value,
                             http::ResponseHeaders& out);

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_HTTP2_HEADERS_H_
