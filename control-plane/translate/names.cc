#include "control-plane/translate/names.h"

#include "absl/strings/str_cat.h"

namespace weft::control_plane {

std::string ServiceFqdn(const ObjectKey& service) {
  return absl::StrCat(service.name, ".", service.ns, ".svc.cluster.local");
}

std::string ClusterName(const ObjectKey& service, uint32_t port) {
  return absl::StrCat("outbound|", port, "||", ServiceFqdn(service));
}

std::vector<std::string> ServiceDomains(const ObjectKey& service, const std::string& vip,
                                        uint32_t port) {
  std::vector<std::string> hosts = {
      service.name,
      absl::StrCat(service.name, ".", service.ns),
      absl::StrCat(service.name, ".", service.ns, ".svc"),
      ServiceFqdn(service),
  };
  if (!vip.empty()) hosts.push_back(vip);
  std::vector<std::string> domains;
  domains.reserve(hosts.size() * 2);
  for (const std::string& host : hosts) {
    domains.push_back(host);
    domains.push_back(absl::StrCat(host, ":", port));
  }
  return domains;
}

bool IsHttpProtocol(AppProtocol protocol) {
  return protocol == AppProtocol::kHttp || protocol == AppProtocol::kHttp2 ||
         protocol == AppProtocol::kGrpc;
}

}  // namespace weft::control_plane
