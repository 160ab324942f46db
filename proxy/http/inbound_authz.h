#ifndef WEFT_PROXY_HTTP_INBOUND_AUTHZ_H_
#define WEFT_PROXY_HTTP_INBOUND_AUTHZ_H_

// The HTTP side of authorization: runs a request through its filter chain's
// rules (proxy/authz) before it is routed. A denied request is answered 403
// (gRPC: PERMISSION_DENIED) with x-weft-error: authz_denied by the caller's
// local-reply path, which also counts it (proxy.errors.authz_denied, the reason
// label of weft_requests_total) and access-logs it with the caller's identity.
//
//   if (chain.authz != nullptr &&
//       !AuthorizeRequest(*chain.authz, request, manager.peer_identity(), port)) {
//     return LocalReply(403, "authz_denied");
//   }
//
// Stateless; no allocation.

#include <cstdint>

#include "absl/strings/string_view.h"
#include "proxy/config/authz_model.h"
#include "proxy/http/codec.h"

namespace weft::http {

// True when `request` may go on. `peer_identity`: the caller's verified SPIFFE
// ID, "" for plaintext. `destination_port`: the port the caller connected to
// (the original destination for captured connections).
bool AuthorizeRequest(const config::Authorization& authz, const RequestHeaders& request,
                      absl::string_view peer_identity, uint16_t destination_port);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_INBOUND_AUTHZ_H_
