#ifndef WEFT_CONTROL_PLANE_TRANSLATE_TRANSLATE_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_TRANSLATE_H_

// The translation from the service model to xDS resources: what a sidecar or a
// proxyless gRPC client is sent (docs/design/xds-resources.md). Output is a plain
// ResourceMap (resource_map.h) that any ADS server can serve, byte-identical for
// equal input so content hashes make stable versions.
//
//   ResourceMap sidecar = BuildSidecarResources(model, node);
//   ResourceMap grpc = BuildProxylessResources(model, {"greeter", "greeter.shop:50051"});
//
// Per-proxy scoping, kept simple on purpose: a sidecar gets an outbound filter
// chain, Cluster and ClusterLoadAssignment for every port of every service in the
// mesh (it may call any of them; capture gives no hint which) and a
// RouteConfiguration for every http/http2/grpc port that has a chain. Only the
// inbound listener is the node's own; today it is the same for every node, and it
// is where per-workload ports for mTLS and authorization will go. `node` is taken
// now so that callers need not change then.
//
// Pure functions of their input, thread-safe. Build a Model with BuildModel
// (control-plane/core/build_model.h): everything in it has been validated, so
// translation cannot fail; what it cannot express is reported in `warnings`
// (if not null) and left out, never guessed.

#include <string>
#include <vector>

#include "control-plane/core/model.h"
#include "control-plane/translate/mtls_builder.h"
#include "control-plane/translate/resource_map.h"

namespace weft::control_plane {

// Who is asking, from the xDS Node (id "<ns>/<workload>", metadata NAMESPACE,
// WORKLOAD, SERVICE_ACCOUNT, PROXY_TYPE; no PROXY_TYPE means proxyless).
struct NodeInfo {
  std::string id;
  std::string ns;
  std::string workload;
  std::string service_account;
  bool proxyless = false;
};

// Everything a sidecar node gets: Listeners "outbound" and "inbound", the
// service clusters plus PassthroughCluster and InboundPassthroughCluster, one
// ClusterLoadAssignment per service cluster, and the route configurations.
ResourceMap BuildSidecarResources(const Model& model, const NodeInfo& node,
                                  std::vector<std::string>* warnings = nullptr);

// The same with mTLS between sidecars when `security.enabled` (mtls_builder.h):
// clusters to sidecars originate mTLS, the inbound listener terminates it in the
// workload's mode (STRICT, PERMISSIVE, DISABLE), and the Secret "ROOTCA" carries
// the trust bundle.
ResourceMap BuildSidecarResources(const Model& model, const NodeInfo& node,
                                  const MeshSecurity& security,
                                  std::vector<std::string>* warnings = nullptr);

// The resources answering a proxyless gRPC client's LDS request for
// `listener_names`, plus everything they reference: one Listener per name that
// resolves (proxyless_target.h; a bare service name is looked up in `client_ns`),
// named exactly as asked, with the RouteConfiguration of the resolved port and the
// Clusters (ROUND_ROBIN) and ClusterLoadAssignments of every cluster its routes
// use. Names that resolve to nothing produce nothing (the client then reports the
// resource does not exist).
ResourceMap BuildProxylessResources(const Model& model,
                                    const std::vector<std::string>& listener_names,
                                    const std::string& client_ns = "default",
                                    std::vector<std::string>* warnings = nullptr);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_TRANSLATE_H_
