#ifndef WEFT_PROXY_HTTP2_STATIC_HEADER_NAMES_H_
#define WEFT_PROXY_HTTP2_STATIC_HEADER_NAMES_H_

// Well-known lower-case header names in static storage. nghttp2 copies (and
// lower-cases) every name of a submitted header list unless the field is
// marked NGHTTP2_NV_FLAG_NO_COPY_NAME, which requires the name to be lower
// case and to outlive the frame. A name that is one of these can point here
// instead: it lives forever and is known to be lower case, so it needs no
// copy. The set is the HPACK static table's names (RFC 7541 appendix A) plus
// the gRPC, tracing and mesh names every proxied request carries.
//
//   if (const char* name = StaticHeaderName(field_name)) { ... NO_COPY_NAME ... }
//
// Thread-safe (the table is built once, before main).

#include "absl/strings/string_view.h"

namespace weft::http2 {

// The static copy of `name` (exact, case-sensitive: a name with upper-case
// bytes is not found), or null.
const char* StaticHeaderName(absl::string_view name);

}  // namespace weft::http2

#endif  // WEFT_PROXY_HTTP2_STATIC_HEADER_NAMES_H_
