// Validation of Services, Workloads and EndpointSlices (see build_model.h).

#include <arpa/inet.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "control-plane/core/validation_context.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::internal {
namespace {

using config::ChildPath;
using config::IndexPath;

bool IsIpv4(const std::string& text) {
  in_addr addr;
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool IsIpv6(const std::string& text) {
  in6_addr addr6;
  return inet_pton(AF_INET6, text.c_str(), &addr6) == 1;
}

bool IsIp(const std::string& text) { return IsIpv4(text) || IsIpv6(text); }

}  // namespace

void ValidateService(const Service& service, ValidationContext& context) {
  if (!service.cluster_ip.empty() && service.cluster_ip != "None" && !IsIpv4(service.cluster_ip)) {
    context.Problem("spec.clusterIP",
                    absl::StrCat("\"", service.cluster_ip,
                                 "\" is not an IPv4 address (or \"None\" for a headless "
                                 "service; leave it out to have one assigned)"));
  }
  if (service.ports.empty()) {
    context.Problem("spec.ports", "a Service needs at least one port");
  }
  std::set<std::string> names;
  std::set<int32_t> numbers;
  for (size_t i = 0; i < service.ports.size(); ++i) {
    const ServicePort& port = service.ports[i];
    const std::string path = IndexPath("spec.ports", i);
    if (port.name.empty()) {
      if (service.ports.size() > 1) {
        context.Problem(ChildPath(path, "name"), "required when a Service has more than one port");
      }
    } else if (context.CheckName(ChildPath(path, "name"), port.name, false) &&
               !names.insert(port.name).second) {
      context.Problem(ChildPath(path, "name"),
                      absl::StrCat("duplicate port name \"", port.name, "\""));
    }
    if (context.CheckRange(ChildPath(path, "port"), port.port, 1, 65535, "a port") &&
        !numbers.insert(port.port).second) {
      context.Problem(ChildPath(path, "port"), absl::StrCat("duplicate port ", port.port));
    }
    if (port.target_port_name.empty() && port.target_port != 0) {
      context.CheckRange(ChildPath(path, "targetPort"), port.target_port, 1, 65535, "a port");
    }
    if (port.transport != "TCP" && port.transport != "UDP" && port.transport != "SCTP") {
      context.Problem(ChildPath(path, "protocol"),
                      absl::StrCat("\"", port.transport, "\" is not TCP, UDP or SCTP"));
    }
  }
}

void ValidateWorkload(const Workload& workload, ValidationContext& context) {
  if (workload.address.empty()) {
    context.Problem("spec.address", "required: the workload's IP address");
  } else if (!IsIp(workload.address)) {
    context.Problem("spec.address",
                    absl::StrCat("\"", workload.address, "\" is not an IP address"));
  }
  context.CheckName("spec.serviceAccount", workload.service_account, true);
  std::set<std::string> names;
  for (size_t i = 0; i < workload.ports.size(); ++i) {
    const WorkloadPort& port = workload.ports[i];
    const std::string path = IndexPath("spec.ports", i);
    if (context.CheckName(ChildPath(path, "name"), port.name, false) &&
        !names.insert(port.name).second) {
      context.Problem(ChildPath(path, "name"),
                      absl::StrCat("duplicate port name \"", port.name, "\""));
    }
    context.CheckRange(ChildPath(path, "port"), port.port, 1, 65535, "a port");
  }
}

void ValidateEndpointSlice(const EndpointSlice& slice, ValidationContext& context) {
  const std::string label_path = absl::StrCat("metadata.labels.", kServiceNameLabel);
  if (slice.ServiceName().empty()) {
    context.Problem(label_path, "required: the name of the Service these endpoints belong to");
  } else {
    context.CheckName(label_path, slice.ServiceName(), false);
  }
  const std::string& type = slice.address_type;
  if (type != "IPv4" && type != "IPv6" && type != "FQDN") {
    context.Problem("addressType", absl::StrCat(type.empty() ? "required" : "\"" + type + "\"",
                                                ": IPv4, IPv6 or FQDN"));
  }
  for (size_t i = 0; i < slice.endpoints.size(); ++i) {
    const SliceEndpoint& endpoint = slice.endpoints[i];
    const std::string path = IndexPath("endpoints", i);
    if (endpoint.addresses.empty()) {
      context.Problem(ChildPath(path, "addresses"), "needs at least one address");
    }
    for (size_t a = 0; a < endpoint.addresses.size(); ++a) {
      const std::string& address = endpoint.addresses[a];
      const bool bad = (type == "IPv4" && !IsIpv4(address)) || (type == "IPv6" && !IsIpv6(address));
      if (bad) {
        context.Problem(IndexPath(ChildPath(path, "addresses"), a),
                        absl::StrCat("\"", address, "\" is not an ", type, " address"));
      }
    }
    if (!endpoint.target_workload.empty()) {
      context.CheckName(ChildPath(path, "targetRef.name"), endpoint.target_workload, true);
    }
  }
  std::set<std::string> names;
  for (size_t i = 0; i < slice.ports.size(); ++i) {
    const SlicePort& port = slice.ports[i];
    const std::string path = IndexPath("ports", i);
    if (!port.name.empty()) context.CheckName(ChildPath(path, "name"), port.name, false);
    if (!names.insert(port.name).second) {
      context.Problem(ChildPath(path, "name"),
                      absl::StrCat("duplicate port name \"", port.name, "\""));
    }
    if (port.port == 0) {
      context.Problem(
          ChildPath(path, "port"),
          "required: the port the endpoints listen on (\"every port\" is not supported)");
    } else {
      context.CheckRange(ChildPath(path, "port"), port.port, 1, 65535, "a port");
    }
    if (port.transport != "TCP" && port.transport != "UDP" && port.transport != "SCTP") {
      context.Problem(ChildPath(path, "protocol"),
                      absl::StrCat("\"", port.transport, "\" is not TCP, UDP or SCTP"));
    }
  }
}

}  // namespace weft::control_plane::internal
