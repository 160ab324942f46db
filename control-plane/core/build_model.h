#ifndef WEFT_CONTROL_PLANE_CORE_BUILD_MODEL_H_
#define WEFT_CONTROL_PLANE_CORE_BUILD_MODEL_H_

// Turns the resources a config source read into a validated Model, checking the
// whole set at once so that the operator sees every problem in one go: values
// (ranges, regexes, names), consistency inside an object (a filter's type and its
// member, duplicate port names), duplicates across objects (two Services
// shop/backend, two equal clusterIPs) and references (backendRefs, parentRefs and
// targetRefs must name an existing Service and port).
//
// Each problem names the resource and field:
//   routes/split.yaml[0] spec.rules[0].backendRefs[1].weight: -5 is negative (line 14, column 19)
//
// Also fills what the model derives: port protocols, VIPs (vip_allocator.h) and
// endpoints (service.h's SelectEndpoints).
//
//   absl::StatusOr<Model> model = BuildModel(resources);
//   if (!model.ok()) { show model.status().message(); keep the old model; }
//
// Thread-compatible (a pure function of its input).

#include <vector>

#include "absl/status/statusor.h"
#include "control-plane/core/model.h"
#include "control-plane/core/resource.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane {

// kInvalidArgument listing every problem when the set is invalid;
// kResourceExhausted when the VIP range is full.
absl::StatusOr<Model> BuildModel(const std::vector<Resource>& resources);

// The same, and also adds each problem to `problems` for callers that show them
// one by one (config::ConfigProblem::path is "<file>[<doc>] <field path>").
absl::StatusOr<Model> BuildModel(const std::vector<Resource>& resources,
                                 config::ProblemList& problems);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_BUILD_MODEL_H_
