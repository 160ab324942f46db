#ifndef WEFT_CONTROL_PLANE_CA_JOIN_TOKEN_VERIFIER_H_
#define WEFT_CONTROL_PLANE_CA_JOIN_TOKEN_VERIFIER_H_

// Local mode's IdentityVerifier: a join token names a Workload (JoinTokenStore);
// the identity is that Workload's service account *as the model says now*, so
// changing a Workload's serviceAccount changes what its token grants, and
// deleting the Workload makes its token grant nothing.
//
//   JoinTokenVerifier verifier(store, "cluster.local",
//       [&](const WorkloadRef& w) { return ServiceAccountFromModel(w); });
//   absl::StatusOr<certs::SpiffeId> id = verifier.Verify(token);
//   // spiffe://cluster.local/ns/<ns>/sa/<serviceAccount of the workload>
//
// Thread-safe if `service_account_of` is. The store is copied (it is a path).

#include <functional>
#include <string>

#include "control-plane/ca/identity_verifier.h"
#include "control-plane/ca/join_token_store.h"

namespace weft::control_plane::ca {

class JoinTokenVerifier final : public IdentityVerifier {
 public:
  // The workload's service account; kNotFound when the workload is not
  // registered, kUnavailable when no model is in force yet.
  using ServiceAccountLookup =
      std::function<absl::StatusOr<std::string>(const WorkloadRef& workload)>;

  JoinTokenVerifier(JoinTokenStore store, std::string trust_domain,
                    ServiceAccountLookup service_account_of)
      : store_(std::move(store)),
        trust_domain_(std::move(trust_domain)),
        service_account_of_(std::move(service_account_of)) {}

  absl::StatusOr<certs::SpiffeId> Verify(absl::string_view token) const override;

 private:
  JoinTokenStore store_;
  std::string trust_domain_;
  ServiceAccountLookup service_account_of_;
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_JOIN_TOKEN_VERIFIER_H_
