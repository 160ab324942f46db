#include "control-plane/core/endpoint_slice.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"

namespace weft::control_plane {

const std::string& EndpointSlice::ServiceName() const {
  static const std::string* const kNone = new std::string();
  auto it = meta.labels.find(kServiceNameLabel);
  return it == meta.labels.end() ? *kNone : it->second;
}

ObjectKey ExternalEndpointKey(const EndpointSlice& slice, const std::string& address) {
  // '/' never appears in a workload's (DNS-1123) name.
  return ObjectKey{slice.meta.ns, absl::StrCat("endpointslice/", slice.meta.name, "/", address)};
}

std::vector<PortEndpoints> SliceEndpoints(const Service& service,
                                          const std::vector<const EndpointSlice*>& slices,
                                          const std::map<ObjectKey, Workload>& workloads) {
  std::map<std::string, const Workload*> by_address;
  if (!slices.empty()) {
    for (const auto& [key, w] : workloads) by_address.emplace(w.address, &w);
  }
  std::vector<PortEndpoints> out;
  for (const ServicePort& port : service.ports) {
    std::vector<EndpointCandidate> candidates;
    for (const EndpointSlice* slice : slices) {
      if (slice->address_type != "IPv4" && slice->address_type != "IPv6") continue;
      for (const SlicePort& slice_port : slice->ports) {
        if (slice_port.name != port.name || slice_port.transport != "TCP") continue;
        for (const SliceEndpoint& e : slice->endpoints) {
          if (e.addresses.empty()) continue;
          EndpointCandidate c;
          c.endpoint.address = e.addresses.front();
          c.endpoint.port = static_cast<uint16_t>(slice_port.port);
          c.endpoint.locality.zone = e.zone;
          const Workload* workload = nullptr;
          if (auto w = workloads.find(ObjectKey{slice->meta.ns, e.target_workload});
              !e.target_workload.empty() && w != workloads.end()) {
            workload = &w->second;
          } else if (auto a = by_address.find(c.endpoint.address); a != by_address.end()) {
            workload = a->second;
          }
          c.endpoint.workload = ExternalEndpointKey(*slice, c.endpoint.address);
          if (workload != nullptr) {
            c.endpoint.workload = workload->meta.key();
            c.endpoint.service_account = workload->service_account;
            if (c.endpoint.locality.zone.empty()) c.endpoint.locality = workload->locality;
          }
          c.ready = e.ready.value_or(true);
          c.serving_while_terminating = e.terminating && e.serving.value_or(c.ready);
          candidates.push_back(std::move(c));
        }
      }
    }
    out.push_back(PickEndpoints(port, candidates));
  }
  return out;
}

}  // namespace weft::control_plane
