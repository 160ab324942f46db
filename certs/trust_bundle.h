#ifndef WEFT_CERTS_TRUST_BUNDLE_H_
#define WEFT_CERTS_TRUST_BUNDLE_H_

// The roots a proxy trusts for one trust domain, and the check a proxy makes on
// a peer's certificate chain after (or during) the mTLS handshake.
//
//   absl::StatusOr<TrustBundle> bundle = TrustBundle::FromPem("weft.local", roots_pem);
//   absl::StatusOr<SpiffeId> peer =
//       VerifyWorkloadChain(peer_chain_pem, *bundle, time_source.SystemNow());
//   if (!peer.ok()) {
//     // peer.status().message() starts with a reason such as "certificate_expired:";
//     // VerifyFailureReason() extracts it for metrics and access logs.
//   }
//
// A bundle holds several roots at once, so that a root can be rotated without an
// outage: old and new are trusted side by side until the old one is retired.
//
// TrustBundle is a copyable value (copies share the immutable certificates).
// Const methods and the Verify functions are thread-safe; mutation is
// thread-compatible: publish a new bundle rather than changing a shared one.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "certs/spiffe_id.h"
#include "openssl/base.h"
#include "openssl/x509.h"

namespace weft {
namespace certs {

class TrustBundle {
 public:
  // An empty bundle; kInvalidArgument for a bad trust domain.
  static absl::StatusOr<TrustBundle> Create(absl::string_view trust_domain);
  // A bundle holding every certificate in `roots_pem` (see AddRootsPem).
  static absl::StatusOr<TrustBundle> FromPem(absl::string_view trust_domain,
                                             absl::string_view roots_pem);

  TrustBundle(const TrustBundle& other);
  TrustBundle& operator=(const TrustBundle& other);
  TrustBundle(TrustBundle&&) = default;
  TrustBundle& operator=(TrustBundle&&) = default;

  // Adds every certificate in `pem`. Each must be a self-signed CA certificate
  // and, if it names a SPIFFE trust domain, this bundle's. Roots already present
  // are skipped. All or nothing: on error (kInvalidArgument) nothing is added.
  absl::Status AddRootsPem(absl::string_view pem);

  // Removes the root with this fingerprint (lowercase hex SHA-256 of its DER).
  // False if absent.
  bool RemoveRoot(absl::string_view fingerprint);

  // Fingerprints of the roots, in insertion order.
  std::vector<std::string> Fingerprints() const;

  // Every root as a "CERTIFICATE" PEM block, in insertion order. Round-trips
  // through FromPem.
  std::string ToPem() const;

  size_t size() const { return roots_.size(); }
  bool empty() const { return roots_.empty(); }
  const std::string& trust_domain() const { return trust_domain_; }

  // Borrowed root certificates for verification; valid while the bundle lives.
  std::vector<X509*> roots() const;

 private:
  struct Root {
    std::string fingerprint;
    std::string pem;
    bssl::UniquePtr<X509> cert;
  };
  explicit TrustBundle(std::string trust_domain) : trust_domain_(std::move(trust_domain)) {}

  std::string trust_domain_;
  std::vector<Root> roots_;
};

// Reasons at the start of VerifyWorkloadChain's error messages ("<reason>: ...").
inline constexpr absl::string_view kReasonMalformedChain = "malformed_chain";
inline constexpr absl::string_view kReasonMissingSpiffeId = "missing_spiffe_id";
inline constexpr absl::string_view kReasonInvalidSpiffeId = "invalid_spiffe_id";
inline constexpr absl::string_view kReasonTrustDomainMismatch = "trust_domain_mismatch";
inline constexpr absl::string_view kReasonNotALeaf = "not_a_leaf";
inline constexpr absl::string_view kReasonUnknownRoot = "unknown_root";
inline constexpr absl::string_view kReasonExpired = "certificate_expired";
inline constexpr absl::string_view kReasonNotYetValid = "certificate_not_yet_valid";
inline constexpr absl::string_view kReasonBadSignature = "bad_signature";
inline constexpr absl::string_view kReasonInvalidChain = "invalid_chain";

// Verifies a peer's chain (leaf first, then intermediates; a root may be
// included) against `bundle` at time `now`, and returns the leaf's SPIFFE ID.
// The leaf must carry exactly one URI SAN, a Weft SPIFFE ID in the bundle's
// trust domain, and must not be a CA.
//   kInvalidArgument "malformed_chain: ..." when the input does not decode;
//   kUnauthenticated "<reason>: ..." for every other rejection, one reason per
//   cause: missing_spiffe_id, invalid_spiffe_id, trust_domain_mismatch,
//   not_a_leaf, unknown_root, certificate_expired, certificate_not_yet_valid,
//   bad_signature, invalid_chain.
absl::StatusOr<SpiffeId> VerifyWorkloadChain(absl::string_view chain_pem,
                                             const TrustBundle& bundle, absl::Time now);

// The same for DER certificates, leaf first: what a TLS stack hands a custom
// verify callback.
absl::StatusOr<SpiffeId> VerifyWorkloadChainDer(absl::Span<const absl::string_view> chain_der,
                                                const TrustBundle& bundle, absl::Time now);

// The reason token of a VerifyWorkloadChain error ("certificate_expired"), or
// "" for OK or a status without one.
absl::string_view VerifyFailureReason(const absl::Status& status);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_TRUST_BUNDLE_H_
