#include "proxy/xds/xds_translator.h"

#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "proxy/config/validate.h"

namespace weft::xds {
namespace {

namespace listener_v3 = envoy::config::listener::v3;
namespace route_v3 = envoy::config::route::v3;
namespace cluster_v3 = envoy::config::cluster::v3;
namespace endpoint_v3 = envoy::config::endpoint::v3;
using HttpConnectionManager =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using TcpProxy = envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy;

constexpr char kHcmType[] =
    "type.googleapis.com/"
    "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
constexpr char kTcpProxyType[] =
    "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
constexpr char kHttpInspector[] = "envoy.filters.listener.http_inspector";

absl::Duration FromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

class Translator {
 public:
  Translator(const XdsResources& resources, config::ProxyConfig& out)
      : resources_(resources), out_(out) {}

  void Run() {
    for (const auto& [name, cluster] : resources_.clusters) TranslateCluster(name, cluster);
    for (const auto& [name, listener] : resources_.listeners) TranslateListener(name, listener);
    for (const auto& [name, rc] : resources_.routes) TranslateRouteConfig(name, rc);
    // Route configurations that listeners name but the server has not sent yet.
    for (const std::string& name : ReferencedRouteConfigs(resources_)) {
      if (resources_.routes.count(name) == 0 && out_.FindRouteConfig(name) == nullptr) {
        config::RouteConfig empty;
        empty.name = name;
        out_.route_configs.push_back(empty);
      }
    }
  }

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  void Problem(const std::string& where, const std::string& message) {
    problems_.push_back(absl::StrCat(where, ": ", message));
  }

  bool ReadSocketAddress(const envoy::config::core::v3::Address& address, const std::string& where,
                         std::string* ip, uint16_t* port) {
    if (!address.has_socket_address()) {
      Problem(where, "only socket addresses are supported");
      return false;
    }
    const auto& sa = address.socket_address();
    if (sa.port_value() == 0 || sa.port_value() > 65535) {
      Problem(where, absl::StrCat("port_value ", sa.port_value(), " is not a port"));
      return false;
    }
    *ip = sa.address();
    *port = static_cast<uint16_t>(sa.port_value());
    return true;
  }

  // The protocol, route config and cluster of one filter chain's filters.
  bool ReadFilters(const google::protobuf::RepeatedPtrField<listener_v3::Filter>& filters,
                   bool sniff_http, const std::string& where, config::Protocol* protocol,
                   std::string* route_config, std::string* cluster) {
    if (filters.size() != 1) {
      Problem(where, absl::StrCat("expected exactly one network filter, got ", filters.size()));
      return false;
    }
    const listener_v3::Filter& f = filters[0];
    const std::string fwhere = absl::StrCat(where, ".filters[0]");
    if (f.typed_config().type_url() == kHcmType) {
      HttpConnectionManager hcm;
      if (!f.typed_config().UnpackTo(&hcm)) {
        Problem(fwhere, "typed_config does not parse as HttpConnectionManager");
        return false;
      }
      *protocol = sniff_http ? config::Protocol::kAuto : config::Protocol::kHttp;
      if (hcm.has_rds()) {
        *route_config = hcm.rds().route_config_name();
      } else if (hcm.has_route_config()) {
        *route_config = absl::StrCat("inline:", where);
        TranslateRouteConfig(*route_config, hcm.route_config());
      } else {
        Problem(fwhere, "HttpConnectionManager needs rds or route_config");
        return false;
      }
      return true;
    }
    if (f.typed_config().type_url() == kTcpProxyType) {
      TcpProxy tcp;
      if (!f.typed_config().UnpackTo(&tcp)) {
        Problem(fwhere, "typed_config does not parse as TcpProxy");
        return false;
      }
      if (tcp.cluster().empty()) {
        Problem(fwhere, "TcpProxy needs a cluster (weighted_clusters is not supported)");
        return false;
      }
      *protocol = config::Protocol::kTcp;
      *cluster = tcp.cluster();
      return true;
    }
    Problem(fwhere, absl::StrCat("unsupported filter '", f.name(), "' (", f.typed_config().type_url(),
                                 ")"));
    return false;
  }

  void TranslateListener(const std::string& name, const listener_v3::Listener& l) {
    const std::string where = absl::StrCat("Listener ", name);
    if (l.has_api_listener()) return;  // for proxyless gRPC clients, not for us
    config::Listener out;
    out.name = name;
    if (!ReadSocketAddress(l.address(), absl::StrCat(where, ": address"), &out.address,
                           &out.port)) {
      return;
    }
    out.original_dst = l.use_original_dst().value();
    bool sniff_http = false;
    for (const auto& lf : l.listener_filters()) {
      if (lf.name() == kHttpInspector) sniff_http = true;
    }
    out.protocol = sniff_http ? config::Protocol::kAuto : config::Protocol::kTcp;
    if (l.per_connection_buffer_limit_bytes().value() != 0) {
      out.buffer_limit_bytes = l.per_connection_buffer_limit_bytes().value();
    }
    for (int i = 0; i < l.filter_chains_size(); ++i) {
      const listener_v3::FilterChain& fc = l.filter_chains(i);
      const std::string cwhere = absl::StrCat(where, ": filter_chains[", i, "]");
      config::FilterChain chain;
      chain.name = fc.name().empty() ? absl::StrCat("chain-", i) : fc.name();
      const auto& m = fc.filter_chain_match();
      if (!m.server_names().empty() || !m.transport_protocol().empty() ||
          !m.application_protocols().empty() || !m.source_prefix_ranges().empty() ||
          !m.source_ports().empty()) {
        Problem(cwhere, "filter_chain_match: only prefix_ranges and destination_port are supported");
        continue;
      }
      if (m.has_destination_port()) {
        if (m.destination_port().value() > 65535) {
          Problem(cwhere, "filter_chain_match.destination_port is not a port");
          continue;
        }
        chain.destination_port = static_cast<uint16_t>(m.destination_port().value());
      }
      for (const auto& r : m.prefix_ranges()) {
        config::CidrRange range;
        range.address = r.address_prefix();
        range.prefix_length =
            r.has_prefix_len() ? r.prefix_len().value()
                               : (r.address_prefix().find(':') == std::string::npos ? 32 : 128);
        chain.destination_prefixes.push_back(range);
      }
      if (fc.has_transport_socket()) {
        Problem(cwhere, "transport_socket (TLS) is not supported yet");
        continue;
      }
      if (!ReadFilters(fc.filters(), sniff_http, cwhere, &chain.protocol, &chain.route_config,
                       &chain.cluster)) {
        continue;
      }
      out.filter_chains.push_back(chain);
    }
    if (l.has_default_filter_chain()) {
      ReadFilters(l.default_filter_chain().filters(), sniff_http,
                  absl::StrCat(where, ": default_filter_chain"), &out.protocol, &out.route_config,
                  &out.default_cluster);
    }
    out_.listeners.push_back(std::move(out));
  }

  void TranslateRouteConfig(const std::string& name, const route_v3::RouteConfiguration& rc) {
    const std::string where = absl::StrCat("RouteConfiguration ", name);
    config::RouteConfig out;
    out.name = name;
    for (int v = 0; v < rc.virtual_hosts_size(); ++v) {
      const route_v3::VirtualHost& vh = rc.virtual_hosts(v);
      config::VirtualHost ovh;
      ovh.name = vh.name();
      ovh.domains.assign(vh.domains().begin(), vh.domains().end());
      for (int r = 0; r < vh.routes_size(); ++r) {
        const route_v3::Route& route = vh.routes(r);
        const std::string rwhere =
            absl::StrCat(where, ": virtual_hosts[", v, "].routes[", r, "]");
        config::Route oroute;
        const route_v3::RouteMatch& m = route.match();
        if (m.path_specifier_case() != route_v3::RouteMatch::kPrefix) {
          Problem(rwhere, "match: only prefix matching is supported yet (path, safe_regex: "
                          "coming with L7 routing)");
          continue;
        }
        if (!m.headers().empty() || !m.query_parameters().empty() || m.has_runtime_fraction()) {
          Problem(rwhere, "match: headers, query_parameters and runtime_fraction are not "
                          "supported yet");
          continue;
        }
        oroute.match.path_prefix = m.prefix().empty() ? "/" : m.prefix();
        if (!route.has_route()) {
          Problem(rwhere, "only route actions are supported (not redirect or direct_response)");
          continue;
        }
        const route_v3::RouteAction& a = route.route();
        if (a.cluster_specifier_case() == route_v3::RouteAction::kCluster) {
          oroute.cluster = a.cluster();
        } else if (a.cluster_specifier_case() == route_v3::RouteAction::kWeightedClusters) {
          for (const auto& cw : a.weighted_clusters().clusters()) {
            oroute.weighted_clusters.push_back({cw.name(), cw.weight().value()});
          }
        } else {
          Problem(rwhere, "route needs cluster or weighted_clusters");
          continue;
        }
        oroute.timeout = a.has_timeout() ? FromProto(a.timeout()) : absl::Seconds(15);
        ovh.routes.push_back(std::move(oroute));
      }
      out.virtual_hosts.push_back(std::move(ovh));
    }
    out_.route_configs.push_back(std::move(out));
  }

  void TranslateCluster(const std::string& name, const cluster_v3::Cluster& c) {
    const std::string where = absl::StrCat("Cluster ", name);
    config::Cluster out;
    out.name = name;
    if (c.has_connect_timeout()) out.connect_timeout = FromProto(c.connect_timeout());
    switch (c.type()) {
      case cluster_v3::Cluster::STATIC:
        out.type = config::Cluster::Type::kStatic;
        ReadAssignment(c.load_assignment(), absl::StrCat(where, ": load_assignment"), out);
        break;
      case cluster_v3::Cluster::EDS: {
        out.type = config::Cluster::Type::kEds;
        const std::string& service = c.eds_cluster_config().service_name().empty()
                                         ? name
                                         : c.eds_cluster_config().service_name();
        auto it = resources_.endpoints.find(service);
        if (it != resources_.endpoints.end()) {
          ReadAssignment(it->second, absl::StrCat("ClusterLoadAssignment ", service), out);
        }
        break;
      }
      case cluster_v3::Cluster::ORIGINAL_DST:
        out.type = config::Cluster::Type::kOriginalDst;
        break;
      default:
        Problem(where, absl::StrCat("type ", cluster_v3::Cluster::DiscoveryType_Name(c.type()),
                                    " is not supported (STATIC, EDS, ORIGINAL_DST are)"));
        return;
    }
    out_.clusters.push_back(std::move(out));
  }

  void ReadAssignment(const endpoint_v3::ClusterLoadAssignment& cla, const std::string& where,
                      config::Cluster& out) {
    for (int l = 0; l < cla.endpoints_size(); ++l) {
      const auto& locality = cla.endpoints(l);
      for (int e = 0; e < locality.lb_endpoints_size(); ++e) {
        const auto& lbe = locality.lb_endpoints(e);
        using envoy::config::core::v3::HealthStatus;
        if (lbe.health_status() == HealthStatus::UNHEALTHY ||
            lbe.health_status() == HealthStatus::DRAINING ||
            lbe.health_status() == HealthStatus::TIMEOUT) {
          continue;
        }
        config::Endpoint ep;
        if (!ReadSocketAddress(lbe.endpoint().address(),
                               absl::StrCat(where, ": endpoints[", l, "].lb_endpoints[", e, "]"),
                               &ep.address, &ep.port)) {
          continue;
        }
        ep.weight = lbe.load_balancing_weight().value() == 0 ? 1 : lbe.load_balancing_weight().value();
        out.endpoints.push_back(ep);
      }
    }
  }

  const XdsResources& resources_;
  config::ProxyConfig& out_;
  std::vector<std::string> problems_;
};

}  // namespace

absl::StatusOr<config::ProxyConfig> TranslateXds(const XdsResources& resources,
                                                 const config::ProxyConfig& bootstrap) {
  config::ProxyConfig dynamic;
  Translator t(resources, dynamic);
  t.Run();
  std::vector<std::string> problems = t.problems();
  config::ProxyConfig merged = bootstrap;
  std::set<std::string> static_names;
  for (const auto& l : bootstrap.listeners) static_names.insert("listener:" + l.name);
  for (const auto& c : bootstrap.clusters) static_names.insert("cluster:" + c.name);
  for (const auto& r : bootstrap.route_configs) static_names.insert("route:" + r.name);
  auto clash = [&](const std::string& kind, const std::string& name) {
    if (static_names.count(kind + ":" + name)) {
      problems.push_back(absl::StrCat(kind, " ", name,
                                      ": defined both in the bootstrap file and by xDS"));
      return true;
    }
    return false;
  };
  for (auto& l : dynamic.listeners) {
    if (!clash("listener", l.name)) merged.listeners.push_back(std::move(l));
  }
  for (auto& c : dynamic.clusters) {
    if (!clash("cluster", c.name)) merged.clusters.push_back(std::move(c));
  }
  for (auto& r : dynamic.route_configs) {
    if (!clash("route", r.name)) merged.route_configs.push_back(std::move(r));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  }
  absl::Status valid = config::ValidateProxyConfig(merged);
  if (!valid.ok()) return valid;
  return merged;
}

std::vector<std::string> ReferencedRouteConfigs(const XdsResources& resources) {
  std::set<std::string> names;
  auto scan = [&names](const google::protobuf::RepeatedPtrField<listener_v3::Filter>& filters) {
    for (const auto& f : filters) {
      HttpConnectionManager hcm;
      if (f.typed_config().type_url() == kHcmType && f.typed_config().UnpackTo(&hcm) &&
          hcm.has_rds()) {
        names.insert(hcm.rds().route_config_name());
      }
    }
  };
  for (const auto& [name, l] : resources.listeners) {
    for (const auto& fc : l.filter_chains()) scan(fc.filters());
    if (l.has_default_filter_chain()) scan(l.default_filter_chain().filters());
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::vector<std::string> ReferencedAssignments(const XdsResources& resources) {
  std::set<std::string> names;
  for (const auto& [name, c] : resources.clusters) {
    if (c.type() == cluster_v3::Cluster::EDS) {
      names.insert(c.eds_cluster_config().service_name().empty()
                       ? name
                       : c.eds_cluster_config().service_name());
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace weft::xds
