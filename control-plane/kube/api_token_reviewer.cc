#include "control-plane/kube/api_token_reviewer.h"

#include <exception>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control-plane/kube/json_fields.h"
#include "proxy/config/config_json.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {
namespace {

constexpr char kTokenReviews[] = "/apis/authentication.k8s.io/v1/tokenreviews";

// The `exp` claim of a JWT, if it has a readable one.
std::optional<absl::Time> JwtExpiry(const std::string& token) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload)) return std::nullopt;
  try {
    const YAML::Node claims = YAML::Load(payload);
    const YAML::Node exp = Field(claims, "exp");
    if (!exp.IsScalar()) return std::nullopt;
    return absl::FromUnixSeconds(exp.as<int64_t>());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string ReviewBody(const std::string& token, const std::vector<std::string>& audiences) {
  std::vector<std::string> quoted;
  for (const std::string& a : audiences) quoted.push_back(config::JsonQuote(a));
  return absl::StrCat(
      R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":)",
      config::JsonQuote(token), R"(,"audiences":[)", absl::StrJoin(quoted, ","), "]}}");
}

}  // namespace

absl::StatusOr<ca::TokenReviewResult> ApiTokenReviewer::Review(
    const std::string& token, const std::vector<std::string>& audiences) const {
  std::unique_ptr<ApiTransport> transport = transports_();
  absl::StatusOr<ApiTransport::Response> response =
      transport->Send("POST", kTokenReviews, "application/json", ReviewBody(token, audiences));
  if (!response.ok()) return absl::UnavailableError(response.status().message());
  if (response->status == 403) {
    return absl::UnavailableError(
        "TokenReview: HTTP 403 (the control plane's service account needs create on "
        "tokenreviews.authentication.k8s.io, e.g. the system:auth-delegator ClusterRole)");
  }
  if (response->status != 200 && response->status != 201) {
    return absl::UnavailableError(absl::StrCat("TokenReview: HTTP ", response->status));
  }
  ca::TokenReviewResult result;
  try {
    const YAML::Node status = Field(YAML::Load(response->body), "status");
    if (!status.IsMap()) return absl::UnavailableError("TokenReview: the reply has no status");
    const YAML::Node authenticated = Field(status, "authenticated");
    result.authenticated = authenticated.IsScalar() && authenticated.as<bool>();
    result.username = FieldString(Field(status, "user"), "username");
    const YAML::Node audiences = Field(status, "audiences");
    if (audiences.IsSequence()) {
      for (const YAML::Node& a : audiences) {
        if (a.IsScalar()) result.audiences.push_back(a.Scalar());
      }
    }
    result.error = FieldString(status, "error");
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("TokenReview: unreadable reply: ", e.what()));
  }
  if (result.authenticated) result.expires = JwtExpiry(token);
  return result;
}

}  // namespace weft::control_plane::kube
