#ifndef WEFT_CONTROL_PLANE_CORE_RESOURCE_H_
#define WEFT_CONTROL_PLANE_CORE_RESOURCE_H_

// One object as a config source read it (a YAML document in local mode, an API
// object from Kubernetes), typed but not yet validated: BuildModel (build_model.h)
// checks values and references across the whole set.
//
// Value type, thread-compatible (copies share the immutable position lookup).

#include <functional>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"
#include "control-plane/core/endpoint_slice.h"
#include "control-plane/core/object_meta.h"
#include "control-plane/core/route.h"
#include "control-plane/core/security_policy.h"
#include "control-plane/core/service.h"
#include "control-plane/core/traffic_policy.h"

namespace weft::control_plane {

// Where a resource came from, for messages.
struct ResourceOrigin {
  std::string file;  // "routes/split.yaml", or e.g. "k8s" for API objects
  int document = 0;  // 0-based index of the document in the file

  // Optional: the 1-based {line, column} of a field path such as
  // "spec.rules[0].backendRefs[1].weight" (or of its closest known ancestor);
  // {0, 0} when unknown.
  std::function<std::pair<int, int>(absl::string_view path)> position_of;

  // "routes/split.yaml[0]".
  std::string ToString() const;
};

using ResourceObject = std::variant<Service, Workload, HttpRoute, GrpcRoute, TrafficPolicy,
                                    PeerAuthentication, AuthorizationPolicy, EndpointSlice>;

struct Resource {
  ResourceOrigin origin;
  ResourceObject object;

  const ObjectMeta& meta() const;
  // "Service", "Workload", "HTTPRoute", "GRPCRoute", "TrafficPolicy",
  // "PeerAuthentication", "AuthorizationPolicy", "EndpointSlice".
  absl::string_view kind() const;
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_RESOURCE_H_
