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

}  // namespace weft::config
