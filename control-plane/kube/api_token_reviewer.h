#ifndef WEFT_CONTROL_PLANE_KUBE_API_TOKEN_REVIEWER_H_
#define WEFT_CONTROL_PLANE_KUBE_API_TOKEN_REVIEWER_H_

// The CA's TokenReviewer (control-plane/ca/token_review_verifier.h) on the
// Kubernetes API: POST authentication.k8s.io/v1 TokenReview with spec.token
// and spec.audiences, read status.{authenticated,user.username,audiences,error}.
// The token's expiry is read from its JWT `exp` claim (unverified: it only
// shortens how long the CA caches the API server's answer).
//
//   ApiTokenReviewer reviewer([&] { return MakeTransport(); });
//   TokenReviewVerifier verifier({.trust_domain = td}, reviewer, time);
//
// Needs RBAC: create on tokenreviews.authentication.k8s.io (the
// system:auth-delegator ClusterRole has it).
//
// Thread-safe: every review makes its own connection (reviews are rare: the
// verifier caches them).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control-plane/ca/token_review_verifier.h"
#include "control-plane/kube/api_transport.h"

namespace weft::control_plane::kube {

class ApiTokenReviewer final : public ca::TokenReviewer {
 public:
  using TransportFactory = std::function<std::unique_ptr<ApiTransport>()>;
  explicit ApiTokenReviewer(TransportFactory transports) : transports_(std::move(transports)) {}

  absl::StatusOr<ca::TokenReviewResult> Review(
      const std::string& token, const std::vector<std::string>& audiences) const override;

 private:
  TransportFactory transports_;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_API_TOKEN_REVIEWER_H_
