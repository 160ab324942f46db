#include "control-plane/kube/kube_object.h"

namespace weft::control_plane::kube {
namespace {

bool Informs(const KubeObject& o) {
  return !o.resource.has_value() && o.problems.empty() && o.warnings.empty();
}

}  // namespace

bool SameForTheModel(const KubeObject& before, const KubeObject& after) {
  return Informs(before) && Informs(after) && before.key == after.key &&
         before.not_ready_pods == after.not_ready_pods &&
         before.not_serving_pods == after.not_serving_pods && before.node_name == after.node_name &&
         before.node_locality == after.node_locality &&
         before.parent_refs == after.parent_refs;
}

}  // namespace weft::control_plane::kube
