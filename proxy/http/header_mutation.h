#ifndef WEFT_PROXY_HTTP_HEADER_MUTATION_H_
#define WEFT_PROXY_HTTP_HEADER_MUTATION_H_

// Applies a route's header changes (Gateway API RequestHeaderModifier /
// ResponseHeaderModifier, Envoy's *_headers_to_add / *_headers_to_remove) to a
// header block: removals first, then additions in order.
// Stateless; thread-compatible on `headers`.

#include "proxy/config/model.h"
#include "proxy/http/header_map.h"

namespace weft::http {

void ApplyHeaderMutation(const config::HeaderMutation& mutation, HeaderMap& headers);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HEADER_MUTATION_H_
