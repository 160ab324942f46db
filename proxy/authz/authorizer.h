#ifndef WEFT_PROXY_AUTHZ_AUTHORIZER_H_
#define WEFT_PROXY_AUTHZ_AUTHORIZER_H_

// Decides whether an inbound request may pass, from the chain's authorization
// rules (config::Authorization, proxy/config/authz_model.h): every rule set in
// order, an ALLOW set passing the request iff one of its policies matches, a DENY
// set iff none does. With the control plane's DENY-then-ALLOW sets this is
// Istio's order: a matching DENY policy denies; else no ALLOW policy allows;
// else the request is allowed iff some ALLOW policy matches.
//
//   authz::Request request;
//   request.peer_identity = "spiffe://weft.local/ns/shop/sa/frontend";  // "" if plaintext
//   request.destination_port = 8080;
//   request.method = "GET";
//   request.path = "/api/items?page=2";
//   request.headers = &my_header_source;  // an adapter over the codec's HeaderMap
//   authz::Decision d = authz::Evaluate(chain_authz, request);
//   if (!d.allowed) ... 403 authz_denied, log d.policy ...
//
// Pure functions: no allocation, thread-safe.

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "proxy/config/authz_model.h"

namespace weft::authz {

// The request's headers as the caller keeps them.
class HeaderSource {
 public:
  virtual ~HeaderSource() = default;
  // The first value of header `name` (lowercase), or nullopt when absent.
  virtual std::optional<absl::string_view> Get(absl::string_view name) const = 0;
};

struct Request {
  // The caller's verified SPIFFE ID; empty for a plaintext (or unverified) peer.
  absl::string_view peer_identity;
  uint32_t destination_port = 0;
  absl::string_view method;
  absl::string_view path;  // the request target; a query is ignored by path rules
  const HeaderSource* headers = nullptr;  // null: no headers besides the above
};

struct Decision {
  bool allowed = true;
  // The policy that decided: the matching DENY policy, or the matching ALLOW
  // policy; empty when allowed by default or denied because no ALLOW policy
  // matched. Points into the Authorization.
  absl::string_view policy;
};

Decision Evaluate(const config::Authorization& authz, const Request& request);

// The single conditions, exposed for tests.
bool Matches(const config::AuthzStringMatch& match, absl::string_view value);
bool Matches(const config::AuthzPermission& permission, const Request& request);
bool Matches(const config::AuthzPrincipal& principal, const Request& request);

}  // namespace weft::authz

#endif  // WEFT_PROXY_AUTHZ_AUTHORIZER_H_
