#ifndef WEFT_CONTROL_PLANE_CA_IDENTITY_VERIFIER_H_
#define WEFT_CONTROL_PLANE_CA_IDENTITY_VERIFIER_H_

// Decides who a caller of the certificate service is, from the proof it sent.
// The CA never decides identity itself: it signs only what a verifier grants.
// Local mode: JoinTokenVerifier (join_token_verifier.h). Kubernetes: a
// TokenReview of the pod's service-account token, behind the same interface.
//
// Implementations are thread-safe: Verify() runs on gRPC's callback threads.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "certs/spiffe_id.h"

namespace weft::control_plane::ca {

class IdentityVerifier {
 public:
  virtual ~IdentityVerifier() = default;

  // The one identity `token` entitles its bearer to.
  //   kUnauthenticated: no token, malformed, unknown, revoked or expired.
  //   kPermissionDenied: a valid token that grants nothing now (e.g. its
  //     workload is no longer registered).
  //   kUnavailable: the verifier cannot decide right now (retry).
  // Messages never contain the token.
  virtual absl::StatusOr<certs::SpiffeId> Verify(absl::string_view token) const = 0;
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_IDENTITY_VERIFIER_H_
