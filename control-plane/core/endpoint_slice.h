#ifndef WEFT_CONTROL_PLANE_CORE_ENDPOINT_SLICE_H_
#define WEFT_CONTROL_PLANE_CORE_ENDPOINT_SLICE_H_

// Endpoints written by hand for a Service without a selector: a database
// outside the mesh, a VM, a pod of another cluster. The shape is Kubernetes'
// discovery.k8s.io/v1 EndpointSlice, tied to its Service by the label
// kubernetes.io/service-name, so that the same manifest works in both modes.
//
// A Service with a selector gets its endpoints from the workloads it selects;
// slices naming it are not used (the model says so in a warning).
//
//   std::vector<PortEndpoints> e = SliceEndpoints(service, {&slice}, model.workloads);
//
// Value types and a pure function; thread-compatible.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control-plane/core/object_meta.h"
#include "control-plane/core/service.h"

namespace weft::control_plane {

inline constexpr char kServiceNameLabel[] = "kubernetes.io/service-name";

struct SliceEndpoint {
  std::vector<std::string> addresses;  // only the first is used, as kube-proxy does
  // conditions; absent ready means ready, absent serving means as ready.
  std::optional<bool> ready;
  std::optional<bool> serving;
  bool terminating = false;
  std::string zone;
  // targetRef of kind Pod: the workload (in the slice's namespace) behind the
  // address, whose sidecar and identity then apply. Without it the workload
  // with the address is; with neither, the address is outside the mesh and is
  // reached in plaintext with the port's own protocol.
  std::string target_workload;
};

struct SlicePort {
  std::string name;  // matches the Service port of the same name ("" for an unnamed one)
  int32_t port = 0;  // where the endpoints listen, 1-65535
  std::string transport = "TCP";
};

struct EndpointSlice {
  ObjectMeta meta;           // labels carry kubernetes.io/service-name
  std::string address_type;  // IPv4, IPv6, or FQDN (FQDN is not used)
  std::vector<SliceEndpoint> endpoints;
  std::vector<SlicePort> ports;

  // The Service these endpoints belong to ("" without the label).
  const std::string& ServiceName() const;
};

// The endpoint key of an address that is no workload of the model: a name no
// workload can have, so lookups of the workload find none.
ObjectKey ExternalEndpointKey(const EndpointSlice& slice, const std::string& address);

// The endpoints of `service` (one that has no selector and passed BuildModel's
// validation) from `slices` naming it: per service port, the endpoints of the
// slice port with the same name and transport TCP; ready endpoints, or if a
// port has none, those serving while terminating. An address listed twice
// (by two slices) counts once. FQDN slices give nothing.
std::vector<PortEndpoints> SliceEndpoints(const Service& service,
                                          const std::vector<const EndpointSlice*>& slices,
                                          const std::map<ObjectKey, Workload>& workloads);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_ENDPOINT_SLICE_H_
