#include "control-plane/inject/injection_config.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

namespace weft::inject {

absl::Status InjectionConfig::Validate() const {
  std::vector<std::string> problems;
  if (proxy_image.empty()) problems.push_back("proxy_image: required");
  if (init_image.empty()) problems.push_back("init_image: required");
  if (control_plane_address.empty() || !absl::StrContains(control_plane_address, ':')) {
    problems.push_back("control_plane_address: expected host:port");
  }
  if (trust_domain.empty()) problems.push_back("trust_domain: required");
  if (token_audience.empty()) problems.push_back("token_audience: required");
  // The kubelet refuses projected tokens shorter than 10 minutes.
  if (token_expiration_seconds < 600) problems.push_back("token_expiration_seconds: at least 600");
  if (proxy_uid <= 0) problems.push_back("proxy_uid: must be a non-root UID");
  if (version.empty()) problems.push_back("version: required");
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "invalid injection config: " + absl::StrJoin(problems, "; "));
}

}  // namespace weft::inject
