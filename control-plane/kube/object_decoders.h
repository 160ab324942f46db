#ifndef WEFT_CONTROL_PLANE_KUBE_OBJECT_DECODERS_H_
#define WEFT_CONTROL_PLANE_KUBE_OBJECT_DECODERS_H_

// Turns API objects (JSON, read by yaml-cpp) into KubeObjects, the inputs of
// the core model:
//
//   Service, HTTPRoute, GRPCRoute, TrafficPolicy
//       read by local mode's strict manifest readers (control-plane/local), so
//       both modes accept and reject exactly the same objects; a route's
//       spec.parentRefs are also kept as written, for its status;
//   Pod  a Workload: metadata, status.podIP (no workload without an IP of its
//       own: pending, hostNetwork, Succeeded/Failed),
//       spec.serviceAccountName, ready = Running and condition Ready=True and
//       not being deleted (Running, Ready=True and being deleted: serving
//       while terminating), container ports (for named targetPorts), sidecar =
//       a container named "mesh-proxy" or annotation mesh.weft.dev/sidecar:
//       "true" (pods outside the mesh get plain traffic);
//   EndpointSlice  made by the controller that follows Service selectors:
//       the pods it lists as not ready (conditions.ready: false) or not
//       serving (conditions.serving: false; absent: as ready), which the
//       source marks so too; any other slice naming a Service (by hand, or
//       mirrored from an Endpoints object): an EndpointSlice resource, the
//       endpoints of a Service without a selector, read strictly like the
//       manifest kinds;
//   Node  its locality: labels topology.kubernetes.io/region and zone (or
//       their failure-domain.beta.kubernetes.io names); a Pod keeps its
//       spec.nodeName, and the source gives its workload that locality;
//   Namespace  its name only.
//
// Pods, EndpointSlices, Nodes and Namespaces are read leniently (they are the API
// server's, not the operator's, and carry many fields the mesh ignores).
//
// Thread-compatible; never throws (yaml-cpp exceptions become problems).

#include <memory>

#include "control-plane/kube/kube_object.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {

// For the kinds read by local mode's manifest readers.
std::shared_ptr<const KubeObject> DecodeManifestKind(const YAML::Node& object);
std::shared_ptr<const KubeObject> DecodePod(const YAML::Node& object);
std::shared_ptr<const KubeObject> DecodeEndpointSlice(const YAML::Node& object);
std::shared_ptr<const KubeObject> DecodeNode(const YAML::Node& object);
std::shared_ptr<const KubeObject> DecodeNamespace(const YAML::Node& object);

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_OBJECT_DECODERS_H_
