#include "control-plane/ca/join_token_verifier.h"

#include "absl/strings/str_cat.h"

namespace weft::control_plane::ca {

absl::StatusOr<certs::SpiffeId> JoinTokenVerifier::Verify(absl::string_view token) const {
  absl::StatusOr<WorkloadRef> workload = store_.Lookup(token);
  if (!workload.ok()) return workload.status();
  absl::StatusOr<std::string> service_account = service_account_of_(*workload);
  if (absl::IsNotFound(service_account.status())) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the join token is for workload ", workload->ToString(),
        ", which is not registered (no Workload manifest)"));
  }
  if (!service_account.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot look up workload ", workload->ToString(),
                                               ": ", service_account.status().message()));
  }
  absl::StatusOr<certs::SpiffeId> id =
      certs::SpiffeId::Create(trust_domain_, workload->ns, *service_account);
  if (!id.ok()) {
    return absl::PermissionDeniedError(absl::StrCat("workload ", workload->ToString(),
                                                    " has no valid identity: ",
                                                    id.status().message()));
  }
  return id;
}

}  // namespace weft::control_plane::ca
