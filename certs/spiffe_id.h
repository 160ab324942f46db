#ifndef WEFT_CERTS_SPIFFE_ID_H_
#define WEFT_CERTS_SPIFFE_ID_H_

// A Weft workload identity: spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>.
//
//   absl::StatusOr<SpiffeId> id = SpiffeId::Parse("spiffe://weft.local/ns/shop/sa/cart");
//   if (!id.ok()) return id.status();   // kInvalidArgument naming the problem
//   id->trust_domain();                 // "weft.local"
//   id->ToString();                     // the URI again, byte for byte
//
// Rules follow the SPIFFE ID spec: scheme "spiffe"; trust domain of lowercase
// letters, digits, '.', '-', '_' (no port, no user info, at most 255 bytes);
// path segments non-empty, not "." or "..", of letters, digits, '.', '-', '_';
// no query or fragment; the whole URI at most 2048 bytes. On top of that Weft
// requires exactly the /ns/<namespace>/sa/<service-account> shape.
//
// SpiffeId is a plain value: copyable, thread-compatible.

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft {
namespace certs {

class SpiffeId {
 public:
  static constexpr size_t kMaxUriLength = 2048;
  static constexpr size_t kMaxTrustDomainLength = 255;

  // Parses and validates a full URI. kInvalidArgument, naming the offending part.
  static absl::StatusOr<SpiffeId> Parse(absl::string_view uri);

  // Builds an identity from its parts, validating each. kInvalidArgument.
  static absl::StatusOr<SpiffeId> Create(absl::string_view trust_domain,
                                         absl::string_view namespace_name,
                                         absl::string_view service_account);

  const std::string& trust_domain() const { return trust_domain_; }
  const std::string& namespace_name() const { return namespace_name_; }
  const std::string& service_account() const { return service_account_; }

  // "spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>".
  std::string ToString() const;

  friend bool operator==(const SpiffeId& a, const SpiffeId& b) {
    return a.trust_domain_ == b.trust_domain_ && a.namespace_name_ == b.namespace_name_ &&
           a.service_account_ == b.service_account_;
  }
  friend bool operator!=(const SpiffeId& a, const SpiffeId& b) { return !(a == b); }
  friend std::ostream& operator<<(std::ostream& os, const SpiffeId& id) {
    return os << id.ToString();
  }

 private:
  SpiffeId(std::string trust_domain, std::string namespace_name, std::string service_account)
      : trust_domain_(std::move(trust_domain)),
        namespace_name_(std::move(namespace_name)),
        service_account_(std::move(service_account)) {}

  std::string trust_domain_;
  std::string namespace_name_;
  std::string service_account_;
};

// OK when `trust_domain` is a valid SPIFFE trust domain name (see above);
// kInvalidArgument naming the first bad character otherwise.
absl::Status ValidateTrustDomain(absl::string_view trust_domain);

// "spiffe://<trust-domain>", the identity of a trust domain itself (put in CA
// certificates). The caller validates `trust_domain` first.
std::string TrustDomainUri(absl::string_view trust_domain);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_SPIFFE_ID_H_
