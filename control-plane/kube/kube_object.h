#ifndef WEFT_CONTROL_PLANE_KUBE_KUBE_OBJECT_H_
#define WEFT_CONTROL_PLANE_KUBE_KUBE_OBJECT_H_

// One API object as a Reflector stores it: already decoded (on the reflector's
// thread) into what the mesh uses, so the store is a plain value that the
// source's thread can read without touching yaml-cpp nodes.
//
// Immutable once made; shared between threads through shared_ptr<const>.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control-plane/core/object_meta.h"
#include "control-plane/core/resource.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::kube {

struct KubeObject {
  ObjectKey key;  // namespace ("" for cluster-scoped kinds) and name
  std::string resource_version;
  int64_t generation = 0;  // metadata.generation (0 when absent), for status
  // What the core model gets: a Service, HTTPRoute, GRPCRoute, TrafficPolicy,
  // or a Workload made from a Pod. Empty for kinds that only inform others
  // (EndpointSlice, Namespace) and for a Pod that has no IP yet.
  std::optional<Resource> resource;
  // Why the object could not be read (then `resource` must not be used).
  std::vector<config::ConfigProblem> problems;
  std::vector<std::string> warnings;
  // EndpointSlice: the pods it marks not ready (conditions.ready: false) and
  // not serving (conditions.serving: false, or absent and ready: false).
  std::vector<ObjectKey> not_ready_pods;
  std::vector<ObjectKey> not_serving_pods;
  // Pod: spec.nodeName, whose Node's topology labels are the workload's locality.
  std::string node_name;
  // Node: its topology.kubernetes.io/region and zone labels.
  std::optional<Locality> node_locality;
  // HTTPRoute, GRPCRoute: each spec.parentRefs entry as compact JSON, read
  // leniently (also from a route that is invalid), for status.parents.
  std::vector<std::string> parent_refs;
};

// True when an update from `before` to `after` cannot change the model: both
// only inform others (no resource, nothing unreadable) and inform the same
// (a Node's heartbeat, a Namespace's or a pending Pod's status). Objects with a
// resource always count as changed.
bool SameForTheModel(const KubeObject& before, const KubeObject& after);

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_KUBE_OBJECT_H_
