#ifndef WEFT_CONTROL_PLANE_INJECT_POD_OPTIONS_H_
#define WEFT_CONTROL_PLANE_INJECT_POD_OPTIONS_H_

// A pod's injection annotations (annotations.h), read and validated as a whole,
// with the InjectionConfig's defaults filled in.
//
//   ASSIGN_OR_RETURN(PodOptions options, ReadPodOptions(pod["metadata"]["annotations"], config));
//
// Thread-compatible (pure function).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json/json_value.h"
#include "control-plane/inject/injection_config.h"

namespace weft::inject {

struct PodOptions {
  std::optional<bool> inject;  // weft.dev/inject; unset: the namespace label decides
  std::vector<int> exclude_inbound_ports;
  std::vector<int> exclude_outbound_ports;
  std::vector<std::string> exclude_outbound_cidrs;
  std::string cpu, memory, cpu_limit, memory_limit;  // empty: not set
  bool rewrite_app_probes = true;
};

// kInvalidArgument naming every bad annotation (value and what was expected).
// `annotations` may be null (no annotations).
absl::StatusOr<PodOptions> ReadPodOptions(const json::Json& annotations,
                                          const InjectionConfig& config);

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_POD_OPTIONS_H_
