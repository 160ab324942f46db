#ifndef WEFT_CONTROL_PLANE_CORE_MODEL_DIFF_H_
#define WEFT_CONTROL_PLANE_CORE_MODEL_DIFF_H_

// What changed between two models, so that the xDS server pushes only what it
// must (delta xDS), and stable content fingerprints that make good resource
// versions: equal content gives an equal fingerprint in every process and after
// every restart (stable_hash.h), so proxies that reconnect are not sent config
// they already have.
//
//   ModelDiff diff = DiffModels(old_model, new_model);
//   for (const ObjectKey& service : diff.affected_services) { rebuild its clusters... }
//
// Thread-compatible (pure functions).

#include <cstdint>
#include <string>
#include <vector>

#include "control-plane/core/model.h"

namespace weft::control_plane {

// Fingerprints of everything in an object that config is generated from.
uint64_t Fingerprint(const Service& service);
uint64_t Fingerprint(const std::vector<PortEndpoints>& endpoints);
uint64_t Fingerprint(const HttpRoute& route);
uint64_t Fingerprint(const GrpcRoute& route);
uint64_t Fingerprint(const TrafficPolicy& policy);
uint64_t Fingerprint(const Workload& workload);
uint64_t Fingerprint(const PeerAuthentication& policy);
uint64_t Fingerprint(const AuthorizationPolicy& policy);

// A version for the whole model: 16 hex digits.
std::string ModelVersion(const Model& model);

struct KeyChanges {
  std::vector<ObjectKey> added;
  std::vector<ObjectKey> removed;
  std::vector<ObjectKey> changed;  // present in both, different fingerprint

  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

struct ModelDiff {
  KeyChanges services;   // the Service objects themselves (ports, VIP, ...)
  KeyChanges endpoints;  // endpoint lists, keyed by service
  KeyChanges workloads;
  KeyChanges http_routes;
  KeyChanges grpc_routes;
  KeyChanges traffic_policies;
  // Security policies change per-workload config (inbound listeners), not
  // services, except mTLS modes (see affected_services).
  KeyChanges peer_authentications;
  KeyChanges authorization_policies;

  // Sorted, unique: services for which anything generated from them may differ —
  // the service, its endpoints, a route attached to it (in either model) or the
  // policy targeting it (in either model).
  std::vector<ObjectKey> affected_services;

  bool empty() const;
};

ModelDiff DiffModels(const Model& old_model, const Model& new_model);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_MODEL_DIFF_H_
