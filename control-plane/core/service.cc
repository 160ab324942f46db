#include "control-plane/core/service.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"

namespace weft::control_plane {

absl::string_view AppProtocolName(AppProtocol protocol) {
  switch (protocol) {
    case AppProtocol::kTcp:
      return "tcp";
    case AppProtocol::kHttp:
      return "http";
    case AppProtocol::kHttp2:
      return "http2";
    case AppProtocol::kGrpc:
      return "grpc";
  }
  return "tcp";
}

AppProtocol ResolveAppProtocol(const ServicePort& port, bool opaque) {
  if (opaque) return AppProtocol::kTcp;
  auto from_name = [](absl::string_view name, AppProtocol* out) {
    if (name == "http") {
      *out = AppProtocol::kHttp;
    } else if (name == "http2" || name == "h2c" || name == "kubernetes.io/h2c") {
      *out = AppProtocol::kHttp2;
    } else if (name == "grpc") {
      *out = AppProtocol::kGrpc;
    } else if (name == "tcp") {
      *out = AppProtocol::kTcp;
    } else {
      return false;
    }
    return true;
  };
  AppProtocol protocol = AppProtocol::kTcp;
  if (!port.app_protocol.empty()) {
    from_name(absl::AsciiStrToLower(port.app_protocol), &protocol);
    return protocol;
  }
  const absl::string_view name = port.name;
  from_name(name.substr(0, name.find('-')), &protocol);
  return protocol;
}

bool SelectorMatches(const Labels& selector, const Labels& labels) {
  if (selector.empty()) return false;
  for (const auto& [key, value] : selector) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

PortEndpoints PickEndpoints(const ServicePort& port,
                            const std::vector<EndpointCandidate>& candidates) {
  PortEndpoints list;
  list.port_name = port.name;
  list.service_port = static_cast<uint16_t>(port.port);
  std::vector<Endpoint>& out = list.endpoints;
  std::set<std::pair<std::string, uint16_t>> seen;
  for (const bool terminating : {false, true}) {
    for (const EndpointCandidate& c : candidates) {
      if (terminating ? !c.serving_while_terminating : !c.ready) continue;
      if (seen.emplace(c.endpoint.address, c.endpoint.port).second) out.push_back(c.endpoint);
    }
    if (!out.empty()) break;
  }
  std::sort(out.begin(), out.end(), [](const Endpoint& a, const Endpoint& b) {
    return std::tie(a.workload, a.address, a.port) < std::tie(b.workload, b.address, b.port);
  });
  return list;
}

std::vector<PortEndpoints> SelectEndpoints(const Service& service,
                                           const std::vector<const Workload*>& workloads) {
  std::vector<const Workload*> selected;
  for (const Workload* workload : workloads) {
    if (workload->meta.ns == service.meta.ns &&
        SelectorMatches(service.selector, workload->meta.labels)) {
      selected.push_back(workload);
    }
  }
  std::vector<PortEndpoints> out;
  for (const ServicePort& port : service.ports) {
    std::vector<EndpointCandidate> candidates;
    for (const Workload* workload : selected) {
      int32_t target = port.target_port != 0 ? port.target_port : port.port;
      if (!port.target_port_name.empty()) {
        target = 0;
        for (const WorkloadPort& named : workload->ports) {
          if (named.name == port.target_port_name) target = named.port;
        }
        if (target <= 0 || target > 65535) continue;
      }
      candidates.push_back(EndpointCandidate{
          Endpoint{workload->meta.key(), workload->address, static_cast<uint16_t>(target),
                   workload->service_account, workload->locality},
          workload->ready, workload->serving_while_terminating});
    }
    out.push_back(PickEndpoints(port, candidates));
  }
  return out;
}

}  // namespace weft::control_plane
