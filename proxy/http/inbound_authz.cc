#include "proxy/http/inbound_authz.h"

#include <optional>

#include "common/log/log.h"
#include "proxy/authz/authorizer.h"

namespace weft::http {
namespace {

// The request head as the authorizer asks for it.
class RequestHeaderSource final : public authz::HeaderSource {
 public:
  explicit RequestHeaderSource(const RequestHeaders& request) : request_(request) {}

  std::optional<absl::string_view> Get(absl::string_view name) const override {
    if (name == ":authority" || name == "host") return absl::string_view(request_.authority);
    const auto value = request_.headers.Get(name);  // an absl::optional
    if (!value.has_value()) return std::nullopt;
    return *value;
  }

 private:
  const RequestHeaders& request_;
};

}  // namespace

bool AuthorizeRequest(const config::Authorization& authz, const RequestHeaders& request,
                      absl::string_view peer_identity, uint16_t destination_port) {
  const RequestHeaderSource headers(request);
  authz::Request r;
  r.peer_identity = peer_identity;
  r.destination_port = destination_port;
  r.method = request.method;
  r.path = request.path;
  r.headers = &headers;
  const authz::Decision decision = authz::Evaluate(authz, r);
  if (!decision.allowed) {
    WEFT_LOG(kDebug, "authz_denied: %s %s from %s on port %d (%s)", request.method, request.path,
             peer_identity.empty() ? "a plaintext caller" : peer_identity, destination_port,
             decision.policy.empty() ? "no ALLOW policy matched" : decision.policy);
  }
  return decision.allowed;
}

}  // namespace weft::http
