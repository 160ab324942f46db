#ifndef WEFT_CONTROL_PLANE_CA_TOKEN_REVIEW_VERIFIER_H_
#define WEFT_CONTROL_PLANE_CA_TOKEN_REVIEW_VERIFIER_H_

// Kubernetes mode's IdentityVerifier: the proof is the pod's projected
// service-account token (audience "weft-ca"). The API server judges it (a
// TokenReview, behind the TokenReviewer interface so that the CA has no
// Kubernetes code; control-plane/kube/api_token_reviewer.h is the real one),
// and a token of `system:serviceaccount:<ns>:<sa>` grants exactly
// spiffe://<trust domain>/ns/<ns>/sa/<sa>.
//
//   TokenReviewVerifier verifier({.trust_domain = "cluster.local"}, reviewer, time);
//   absl::StatusOr<certs::SpiffeId> id = verifier.Verify(token);
//
// Positive answers are cached for a short while (at most `cache_ttl`, never
// past the token's own expiry when the reviewer knows it), keyed by the
// token's SHA-256, in a bounded cache: a proxy renewing its certificate does
// not cost a round trip to the API server, and a revoked token stops working
// within `cache_ttl`. Refusals and errors are not cached.
//
// Thread-safe (Verify runs on gRPC's callback threads) if the reviewer is.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "control-plane/ca/identity_verifier.h"

namespace weft::control_plane::ca {

// What the API server said about a token (TokenReview status).
struct TokenReviewResult {
  bool authenticated = false;
  std::string username;                // "system:serviceaccount:<ns>:<sa>"
  std::vector<std::string> audiences;  // the requested audiences the token is valid for
  std::string error;                   // why not authenticated, when it says
  std::optional<absl::Time> expires;   // the token's expiry, when known
};

class TokenReviewer {
 public:
  virtual ~TokenReviewer() = default;
  // Asks whether `token` is valid for any of `audiences`. kUnavailable when
  // the API server cannot answer. Thread-safe; never logs the token.
  virtual absl::StatusOr<TokenReviewResult> Review(
      const std::string& token, const std::vector<std::string>& audiences) const = 0;
};

class TokenReviewVerifier final : public IdentityVerifier {
 public:
  struct Options {
    std::string trust_domain = "cluster.local";
    std::vector<std::string> audiences = {"weft-ca"};
    absl::Duration cache_ttl = absl::Minutes(1);
    size_t max_cache_entries = 4096;
  };

  TokenReviewVerifier(Options options, const TokenReviewer& reviewer, const TimeSource& time)
      : options_(std::move(options)), reviewer_(reviewer), time_(time) {}

  absl::StatusOr<certs::SpiffeId> Verify(absl::string_view token) const override;

  size_t cached() const;

 private:
  using Digest = std::array<uint8_t, 32>;
  struct Entry {
    certs::SpiffeId id;
    absl::Time expires;
  };
  absl::StatusOr<certs::SpiffeId> Judge(const TokenReviewResult& result) const;
  void Remember(const Digest& key, const certs::SpiffeId& id, absl::Time expires) const;

  const Options options_;
  const TokenReviewer& reviewer_;
  const TimeSource& time_;
  mutable weft::Mutex mu_;
  mutable std::map<Digest, Entry> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_TOKEN_REVIEW_VERIFIER_H_
