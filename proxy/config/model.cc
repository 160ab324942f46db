#include "proxy/config/model.h"

namespace weft::config {

const Cluster* ProxyConfig::FindCluster(const std::string& name) const {
  for (const Cluster& c : clusters) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const RouteConfig* ProxyConfig::FindRouteConfig(const std::string& name) const {
  for (const RouteConfig& r : route_configs) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

bool SameExceptEndpoints(const Cluster& a, const Cluster& b) {
  return a.name == b.name && a.type == b.type && a.connect_timeout == b.connect_timeout &&
         a.max_idle_connections == b.max_idle_connections && a.idle_timeout == b.idle_timeout &&
         a.http_protocol == b.http_protocol;
}

}  // namespace weft::config
