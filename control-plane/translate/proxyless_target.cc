#include "control-plane/translate/proxyless_target.h"

#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace weft::control_plane {
namespace {

const ServicePort* DefaultPort(const Service& service) {
  for (AppProtocol protocol : {AppProtocol::kGrpc, AppProtocol::kHttp2, AppProtocol::kHttp}) {
    for (const ServicePort& port : service.ports) {
      if (port.protocol == protocol) return &port;
    }
  }
  return service.ports.empty() ? nullptr : &service.ports.front();
}

std::optional<ObjectKey> ParseHost(absl::string_view host, absl::string_view client_ns) {
  std::vector<absl::string_view> labels = absl::StrSplit(host, '.');
  for (absl::string_view label : labels) {
    if (label.empty()) return std::nullopt;
  }
  switch (labels.size()) {
    case 1:
      return ObjectKey{std::string(client_ns), std::string(labels[0])};
    case 2:
      return ObjectKey{std::string(labels[1]), std::string(labels[0])};
    case 3:
      if (labels[2] != "svc") return std::nullopt;
      return ObjectKey{std::string(labels[1]), std::string(labels[0])};
    case 5:
      if (labels[2] != "svc" || labels[3] != "cluster" || labels[4] != "local") {
        return std::nullopt;
      }
      return ObjectKey{std::string(labels[1]), std::string(labels[0])};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<ProxylessTarget> ResolveProxylessTarget(const Model& model,
                                                      absl::string_view listener_name,
                                                      absl::string_view client_ns) {
  absl::string_view host = listener_name;
  std::optional<int32_t> port_number;
  if (size_t colon = listener_name.rfind(':'); colon != absl::string_view::npos) {
    host = listener_name.substr(0, colon);
    absl::string_view digits = listener_name.substr(colon + 1);
    int32_t number = 0;
    if (digits.empty() || !absl::c_all_of(digits, absl::ascii_isdigit) ||
        !absl::SimpleAtoi(digits, &number)) {
      return std::nullopt;
    }
    port_number = number;
  }
  std::optional<ObjectKey> key = ParseHost(host, client_ns);
  if (!key) return std::nullopt;
  const Service* service = model.FindService(*key);
  if (service == nullptr) return std::nullopt;

  const ServicePort* port = nullptr;
  if (port_number) {
    for (const ServicePort& candidate : service->ports) {
      if (candidate.port == *port_number) port = &candidate;
    }
  } else {
    port = DefaultPort(*service);
  }
  if (port == nullptr) return std::nullopt;
  return ProxylessTarget{service, port};
}

}  // namespace weft::control_plane
