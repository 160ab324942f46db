#ifndef WEFT_CONTROL_PLANE_CORE_MODEL_H_
#define WEFT_CONTROL_PLANE_CORE_MODEL_H_

// The validated service model: every service with its VIP and endpoints, and the
// routes and policies attached to them. BuildModel (build_model.h) is the only
// way to make one, so everything in a Model has passed validation and every
// reference in it resolves. The xDS translation reads it; config sources produce
// it.
//
// Maps are ordered by ObjectKey so that iteration, and therefore generated
// config, is the same on every run.
//
// Immutable value once built; safe to share between threads as const.

#include <map>
#include <string>
#include <vector>

#include "control-plane/core/endpoint_slice.h"
#include "control-plane/core/object_meta.h"
#include "control-plane/core/route.h"
#include "control-plane/core/security_policy.h"
#include "control-plane/core/service.h"
#include "control-plane/core/traffic_policy.h"

namespace weft::control_plane {

struct Model {
  std::map<ObjectKey, Service> services;
  std::map<ObjectKey, Workload> workloads;
  std::map<ObjectKey, HttpRoute> http_routes;
  std::map<ObjectKey, GrpcRoute> grpc_routes;
  std::map<ObjectKey, TrafficPolicy> traffic_policies;
  std::map<ObjectKey, PeerAuthentication> peer_authentications;
  std::map<ObjectKey, AuthorizationPolicy> authorization_policies;
  // Hand-written endpoints of services without a selector; what proxies get
  // of them is in `endpoints`.
  std::map<ObjectKey, EndpointSlice> endpoint_slices;

  // Per service (every service has an entry, possibly with empty lists).
  std::map<ObjectKey, std::vector<PortEndpoints>> endpoints;

  // Things accepted but worth telling the operator (a UDP port that is not
  // meshed, an ignored Deployment...). Sources may append their own.
  std::vector<std::string> warnings;

  // Lookups. Pointers stay valid as long as the Model is not modified.
  const Service* FindService(const ObjectKey& key) const;
  const Service* FindServiceByVip(const std::string& vip) const;
  const std::vector<PortEndpoints>& EndpointsOf(const ObjectKey& service) const;
  // Routes whose parentRefs name `service`, ordered by route key (the Gateway
  // API's tie-break when rules of several routes conflict).
  std::vector<const HttpRoute*> HttpRoutesFor(const ObjectKey& service) const;
  std::vector<const GrpcRoute*> GrpcRoutesFor(const ObjectKey& service) const;
  // The policy targeting `service`, or null (BuildModel allows at most one).
  const TrafficPolicy* PolicyFor(const ObjectKey& service) const;
};

// The key a reference resolves to: `ns` if set, else the referring object's.
ObjectKey ResolveRef(const std::string& ref_ns, const std::string& ref_name,
                     const std::string& from_ns);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_MODEL_H_
