#include "control-plane/core/service.h"

#include <algorithm>

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
    PortEndpoints& list = out.emplace_back();
    list.port_name = port.name;
    list.service_port = static_cast<uint16_t>(port.port);
    // Ready workloads first; only if none serves the port, terminating ones.
    for (const bool terminating : {false, true}) {
      for (const Workload* workload : selected) {
        if (terminating ? !workload->serving_while_terminating : !workload->ready) continue;
        int32_t target = port.target_port != 0 ? port.target_port : port.port;
        if (!port.target_port_name.empty()) {
          target = 0;
          for (const WorkloadPort& named : workload->ports) {
            if (named.name == port.target_port_name) target = named.port;
          }
          if (target <= 0 || target > 65535) continue;
        }
        list.endpoints.push_back(Endpoint{workload->meta.key(), workload->address,
                                          static_cast<uint16_t>(target),
                                          workload->service_account, workload->locality});
      }
      if (!list.endpoints.empty()) break;
    }
    std::sort(list.endpoints.begin(), list.endpoints.end(),
              [](const Endpoint& a, const Endpoint& b) { return a.workload < b.workload; });
  }
  return out;
}

}  // namespace weft::control_plane
