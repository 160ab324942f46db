#include "control-plane/core/security_policy.h"

#include "absl/strings/match.h"

namespace weft::control_plane {

const std::vector<std::pair<absl::string_view, MtlsMode>>& MtlsModeNames() {
  static const auto* const names =
      new std::vector<std::pair<absl::string_view, MtlsMode>>{{"UNSET", MtlsMode::kUnset},
                                                              {"STRICT", MtlsMode::kStrict},
                                                              {"PERMISSIVE", MtlsMode::kPermissive},
                                                              {"DISABLE", MtlsMode::kDisable}};
  return *names;
}

std::string ConditionHeaderName(const std::string& key) {
  constexpr absl::string_view kPrefix = "request.headers[";
  if (!absl::StartsWith(key, kPrefix) || !absl::EndsWith(key, "]")) return "";
  return key.substr(kPrefix.size(), key.size() - kPrefix.size() - 1);
}

}  // namespace weft::control_plane
