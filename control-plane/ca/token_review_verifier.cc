#include "control-plane/ca/token_review_verifier.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "openssl/sha.h"

namespace weft::control_plane::ca {
namespace {

constexpr absl::string_view kServiceAccountPrefix = "system:serviceaccount:";

}  // namespace

absl::StatusOr<certs::SpiffeId> TokenReviewVerifier::Verify(absl::string_view token) const {
  if (token.empty()) {
    return absl::UnauthenticatedError(
        "no identity token (on Kubernetes: the pod's projected service-account token)");
  }
  Digest key;
  SHA256(reinterpret_cast<const uint8_t*>(token.data()), token.size(), key.data());
  const absl::Time now = time_.SystemNow();
  {
    weft::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.expires > now) return it->second.id;
      cache_.erase(it);
    }
  }
  absl::StatusOr<TokenReviewResult> result =
      reviewer_.Review(std::string(token), options_.audiences);
  if (!result.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot review the token with the API server: ", result.status().message()));
  }
  absl::StatusOr<certs::SpiffeId> id = Judge(*result);
  if (!id.ok()) return id.status();
  absl::Time expires = now + options_.cache_ttl;
  if (result->expires) expires = std::min(expires, *result->expires);
  Remember(key, *id, expires);
  return id;
}

absl::StatusOr<certs::SpiffeId> TokenReviewVerifier::Judge(const TokenReviewResult& result) const {
  if (!result.authenticated) {
    return absl::UnauthenticatedError(
        absl::StrCat("the API server did not authenticate the service-account token",
                     result.error.empty() ? "" : absl::StrCat(": ", result.error)));
  }
  const bool audience_ok =
      std::any_of(result.audiences.begin(), result.audiences.end(), [this](const std::string& a) {
        return std::find(options_.audiences.begin(), options_.audiences.end(), a) !=
               options_.audiences.end();
      });
  if (!audience_ok) {
    return absl::UnauthenticatedError(absl::StrCat(
        "the token is not for audience ", absl::StrJoin(options_.audiences, " or "),
        " (valid for: ", result.audiences.empty() ? "none" : absl::StrJoin(result.audiences, ", "),
        "); mount a projected token with that audience"));
  }
  const std::vector<std::string> parts = absl::StrSplit(result.username, ':');
  if (!absl::StartsWith(result.username, kServiceAccountPrefix) || parts.size() != 4 ||
      parts[2].empty() || parts[3].empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("the token belongs to \"", result.username,
                     "\", not to a service account (system:serviceaccount:<namespace>:<name>)"));
  }
  absl::StatusOr<certs::SpiffeId> id =
      certs::SpiffeId::Create(options_.trust_domain, parts[2], parts[3]);
  if (!id.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("service account ", parts[2], "/", parts[3],
                     " has no valid identity: ", id.status().message()));
  }
  return id;
}

void TokenReviewVerifier::Remember(const Digest& key, const certs::SpiffeId& id,
                                   absl::Time expires) const {
  weft::MutexLock lock(&mu_);
  if (cache_.size() >= options_.max_cache_entries) {
    const absl::Time now = time_.SystemNow();
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = it->second.expires <= now ? cache_.erase(it) : std::next(it);
    }
  }
  if (cache_.size() >= options_.max_cache_entries) {
    auto oldest = std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    });
    if (oldest != cache_.end()) cache_.erase(oldest);
  }
  if (options_.max_cache_entries > 0) cache_.insert_or_assign(key, Entry{id, expires});
}

size_t TokenReviewVerifier::cached() const {
  weft::MutexLock lock(&mu_);
  return cache_.size();
}

}  // namespace weft::control_plane::ca
