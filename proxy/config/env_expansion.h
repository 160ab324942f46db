#ifndef WEFT_PROXY_CONFIG_ENV_EXPANSION_H_
#define WEFT_PROXY_CONFIG_ENV_EXPANSION_H_

// ${NAME} references in bootstrap values that differ per pod (xds.node_id and
// xds.metadata values): one bootstrap, shared by every replica of a workload,
// names each proxy by its own POD_NAME / POD_NAMESPACE (the downward API env
// vars the sidecar injector sets). docs/bootstrap-config.md#environment-variables
//
//   ExpandEnvironment("${POD_NAMESPACE}/${POD_NAME}", LookupProcessEnvironment)
//     -> "shop/web-7d4b9c-x2x7k"
//
// Syntax: ${NAME} with NAME made of letters, digits and '_' (not starting with a
// digit); "$$" is a literal '$'; any other '$' is kept as it is. A variable that
// is not set is an error (kInvalidArgument naming every missing one), not an
// empty string: a node id must never silently collapse to "/".
// Thread-safe (LookupProcessEnvironment reads the environment, which nothing
// in the proxy changes after start).

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::config {

using EnvLookup = std::function<std::optional<std::string>(absl::string_view name)>;

absl::StatusOr<std::string> ExpandEnvironment(absl::string_view text, const EnvLookup& lookup);

// getenv(), as an EnvLookup.
std::optional<std::string> LookupProcessEnvironment(absl::string_view name);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_ENV_EXPANSION_H_
