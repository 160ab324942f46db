#ifndef WEFT_CONTROL_PLANE_CORE_SERVICE_H_
#define WEFT_CONTROL_PLANE_CORE_SERVICE_H_

// Services and workloads of the service model: what the mesh routes to and the
// instances that serve it. Both mirror the Kubernetes shapes (a v1 Service and a
// Pod reduced to what the mesh needs), so any config source can fill them.
//
// Numeric fields keep the Kubernetes API's int32 so that a source stores what it
// read and BuildModel (build_model.h) reports out-of-range values with their path.
//
// Value types, thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "control-plane/core/object_meta.h"

namespace weft::control_plane {

// How the proxies treat a port's traffic.
enum class AppProtocol { kTcp, kHttp, kHttp2, kGrpc };
absl::string_view AppProtocolName(AppProtocol protocol);  // "tcp", "http", ...

struct ServicePort {
  std::string name;  // optional when the service has one port
  int32_t port = 0;  // the service (VIP) port, 1-65535
  // The workload port: a number, or a name looked up in Workload::ports. Unset
  // (0 and empty name) means "same as port", as in Kubernetes.
  int32_t target_port = 0;
  std::string target_port_name;
  std::string transport = "TCP";  // Kubernetes `protocol`: TCP (UDP/SCTP are not meshed)
  std::string app_protocol;       // Kubernetes `appProtocol`, as written

  // Filled by BuildModel from app_protocol, else the port name's prefix
  // ("http", "http-web", "grpc-api"...), else tcp; always tcp when opaque.
  AppProtocol protocol = AppProtocol::kTcp;
};

struct Service {
  ObjectMeta meta;
  std::vector<ServicePort> ports;
  // Empty: the endpoints come from EndpointSlices naming the service
  // (endpoint_slice.h), as in Kubernetes.
  Labels selector;
  // spec.clusterIP as written: empty (allocate one), an IPv4 address, or "None"
  // (headless: no VIP, clients connect to endpoints directly).
  std::string cluster_ip;
  // Annotation mesh.weft.dev/opaque: "true": every port is plain TCP (no protocol
  // detection, no HTTP routing).
  bool opaque = false;

  // Filled by BuildModel: the virtual IP clients dial; empty when headless.
  std::string vip;
};

struct WorkloadPort {
  std::string name;
  int32_t port = 0;
};

struct Locality {
  std::string region;
  std::string zone;

  friend bool operator==(const Locality& a, const Locality& b) {
    return a.region == b.region && a.zone == b.zone;
  }
  friend bool operator!=(const Locality& a, const Locality& b) { return !(a == b); }
};

// One instance (a pod, or a process in local mode) with an address of its own.
struct Workload {
  ObjectMeta meta;      // meta.labels are what Service selectors match
  std::string address;  // IPv4 or IPv6
  std::string service_account = "default";
  Locality locality;
  bool ready = true;                // not-ready workloads receive no traffic
  // Being deleted (Kubernetes: a deletionTimestamp; never ready then) while its
  // readiness still passes: an endpoint only for a port no ready workload
  // serves, as kube-proxy does, so that a rollout which ends every old pod
  // before a new one is ready does not turn requests away meanwhile.
  bool serving_while_terminating = false;
  // Runs a Weft sidecar (the default in the mesh). Clients' sidecars talk
  // HTTP/2 to sidecars only; workloads without one get their own protocol.
  bool sidecar = true;
  std::vector<WorkloadPort> ports;  // names for named target ports
};

// One address:port that serves a service port.
struct Endpoint {
  // The workload behind the address; for an address outside the mesh (from an
  // EndpointSlice) a key no workload has (ExternalEndpointKey).
  ObjectKey workload;
  std::string address;
  uint16_t port = 0;
  std::string service_account;
  Locality locality;
};

// The endpoints behind one port of a service, ordered by workload key.
struct PortEndpoints {
  std::string port_name;
  uint16_t service_port = 0;
  std::vector<Endpoint> endpoints;
};

// The protocol of a port: tcp when `opaque`; else from app_protocol ("http",
// "http2", "kubernetes.io/h2c", "grpc", "tcp"; anything else is tcp); else from
// the port name's prefix before '-' ("http", "http2", "grpc"); else tcp.
AppProtocol ResolveAppProtocol(const ServicePort& port, bool opaque);

// True when every selector label is on the workload (and the selector is not empty).
bool SelectorMatches(const Labels& selector, const Labels& labels);

// An endpoint a port may use: always when ready, else only while no ready one
// serves the port and it is serving while terminating.
struct EndpointCandidate {
  Endpoint endpoint;
  bool ready = true;
  bool serving_while_terminating = false;
};

// The endpoints of `port`: the ready candidates, or if none is ready those
// serving while terminating; an address:port listed twice counts once (the
// first); ordered by workload key, then address and port.
PortEndpoints PickEndpoints(const ServicePort& port,
                            const std::vector<EndpointCandidate>& candidates);

// The endpoints of `service`: the ready workloads of its namespace that its
// selector matches, one list per service port, at the resolved target port; a
// port that no ready workload serves gets the matching workloads that are
// serving while terminating instead. A workload without the port a named
// target_port asks for is left out of that port's list. `service` must have
// passed BuildModel's validation.
std::vector<PortEndpoints> SelectEndpoints(const Service& service,
                                           const std::vector<const Workload*>& workloads);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_SERVICE_H_
