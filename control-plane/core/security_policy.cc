#include "control-plane/core/security_policy.h"

#include "absl/strings/match.h"

namespace weft::control_plane {

std::string ConditionHeaderName(const std::string& key) {
  constexpr absl::string_view kPrefix = "request.headers[";
  if (!absl::StartsWith(key, kPrefix) || !absl::EndsWith(key, "]")) return "";
  return key.substr(kPrefix.size(), key.size() - kPrefix.size() - 1);
}

}  // namespace weft::control_plane
