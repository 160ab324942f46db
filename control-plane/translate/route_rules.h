#ifndef WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_RULES_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_RULES_H_

// The routing rules that apply to one service port, flattened to one entry per
// (route, rule, match) — an xDS Route has a single match — with the match already
// translated, and sorted in Gateway API precedence so that "first match wins" in
// the RouteConfiguration picks what the Gateway API says:
//
//   1. exact path (longer first), then regular expression, then path prefix
//      (longer first) — the API leaves regexes' rank to implementations; this is
//      Istio's choice;
//   2. a method match before none;
//   3. more header matches first;
//   4. more query parameter matches first;
//   then GRPCRoutes before HTTPRoutes, routes in key order (namespace/name: the
//   model has no creation times, the API's first tie-break), rules and matches in
//   the order written.
//
// A GRPCRoute method match becomes a path match on "/<service>/<method>": exact
// when both are given, prefix "/<service>/" for a service alone, a regular
// expression otherwise. Routes attach to the port when a parentRef resolves to the
// service with no port and no sectionName, or with this port or its name. HTTPRoute
// `hostnames` are not used (the port's virtual host already identifies the service).
//
// Entries point into the Model, which must outlive them. Thread-compatible.

#include <string>
#include <vector>

#include "control-plane/core/model.h"
#include "envoy/config/route/v3/route_components.pb.h"

namespace weft::control_plane {

struct RouteEntry {
  std::string name;      // "httproute/<ns>/<name>/<rule>/<match>" (or grpcroute/...)
  std::string route_ns;  // backendRefs without a namespace are in this one
  envoy::config::route::v3::RouteMatch match;
  const std::vector<HttpFilter>* filters = nullptr;
  const std::vector<BackendRef>* backend_refs = nullptr;
  const HttpRouteTimeouts* timeouts = nullptr;  // null for GRPCRoute rules
  // The match accepts every request (PathPrefix "/" and nothing else), so a
  // catch-all route after it would never be used.
  bool matches_everything = false;
};

std::vector<RouteEntry> CollectRouteEntries(const Model& model, const Service& service,
                                            const ServicePort& port);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_ROUTE_RULES_H_
