#include "control-plane/translate/proxyless_conformance.h"

#include <arpa/inet.h>

#include <cstdint>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "control-plane/translate/names.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/http/router/v3/router.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "re2/re2.h"

namespace weft::control_plane {
namespace {

using envoy::config::cluster::v3::Cluster;
using envoy::config::core::v3::ConfigSource;
using envoy::config::endpoint::v3::ClusterLoadAssignment;
using envoy::config::listener::v3::Listener;
using envoy::config::route::v3::RetryPolicy;
using envoy::config::route::v3::RouteConfiguration;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy;

constexpr char kRouterTypeUrl[] =
    "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
constexpr char kHcmTypeUrl[] =
    "type.googleapis.com/"
    "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
constexpr char kTcpProxyTypeUrl[] =
    "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";

class Problems {
 public:
  void Add(absl::string_view kind, absl::string_view name, absl::string_view what) {
    lines_.push_back(absl::StrCat(kind, " ", name, ": ", what));
  }
  std::vector<std::string> Take() { return std::move(lines_); }

 private:
  std::vector<std::string> lines_;
};

const std::string& NameOf(const Listener& m) { return m.name(); }
const std::string& NameOf(const RouteConfiguration& m) { return m.name(); }
const std::string& NameOf(const Cluster& m) { return m.name(); }
const std::string& NameOf(const ClusterLoadAssignment& m) { return m.cluster_name(); }

template <typename T>
std::vector<std::pair<std::string, T>> Unpacked(const ResourceMap& resources,
                                                absl::string_view type_url, Problems& problems,
                                                absl::string_view kind) {
  std::vector<std::pair<std::string, T>> out;
  auto type = resources.find(std::string(type_url));
  if (type == resources.end()) return out;
  for (const auto& [name, any] : type->second) {
    T message;
    if (any.type_url() != type_url || !any.UnpackTo(&message)) {
      problems.Add(kind, name, absl::StrCat("does not unpack as ", type_url));
      continue;
    }
    if (NameOf(message) != name) {
      problems.Add(kind, name, absl::StrCat("resource names itself \"", NameOf(message), "\""));
    }
    out.emplace_back(name, std::move(message));
  }
  return out;
}

bool AdsOrSelf(const ConfigSource& source) { return source.has_ads() || source.has_self(); }

void CheckRegex(const std::string& regex, absl::string_view kind, absl::string_view name,
                Problems& problems) {
  RE2 re(regex, RE2::Quiet);
  if (!re.ok()) problems.Add(kind, name, absl::StrCat("invalid RE2 \"", regex, "\""));
}

void CheckHcm(const std::string& name, const HttpConnectionManager& hcm, Problems& problems) {
  if (hcm.has_rds()) {
    if (!AdsOrSelf(hcm.rds().config_source())) {
      problems.Add("LDS", name, "ConfigSource is not ads or self");
    }
    if (hcm.rds().route_config_name().empty()) problems.Add("LDS", name, "empty RDS name");
  } else if (!hcm.has_route_config()) {
    problems.Add("LDS", name, "HCM has neither rds nor route_config");
  }
  if (hcm.http_filters().empty()) problems.Add("LDS", name, "no HTTP filters (router missing)");
  std::set<std::string> names;
  for (int i = 0; i < hcm.http_filters_size(); ++i) {
    const auto& filter = hcm.http_filters(i);
    if (filter.name().empty()) problems.Add("LDS", name, "empty filter name");
    if (!names.insert(filter.name()).second) {
      problems.Add("LDS", name, absl::StrCat("duplicate HTTP filter name ", filter.name()));
    }
    const bool router = filter.typed_config().type_url() == kRouterTypeUrl;
    const bool last = i == hcm.http_filters_size() - 1;
    if (last && !router) problems.Add("LDS", name, "last HTTP filter is not the router");
    if (!last && router) problems.Add("LDS", name, "router must be the last filter in the chain");
    if (!router && !filter.is_optional()) {
      // Weft sends no other HTTP filter today; anything else must be checked by hand
      // against gRPC's list before it is allowed here.
      problems.Add("LDS", name,
                   absl::StrCat("HTTP filter type not known to be supported: ",
                                filter.typed_config().type_url()));
    }
  }
}

void CheckRetry(const RetryPolicy& retry, absl::string_view name, Problems& problems) {
  if (retry.has_num_retries() && retry.num_retries().value() == 0) {
    problems.Add("RDS", name, "num_retries set to invalid value 0");
  }
  if (retry.has_retry_back_off()) {
    const auto& backoff = retry.retry_back_off();
    if (!backoff.has_base_interval())
      problems.Add("RDS", name, "RetryBackoff missing base interval");
    auto nanos = [](const google::protobuf::Duration& d) {
      return d.seconds() * 1'000'000'000 + d.nanos();
    };
    if (backoff.has_max_interval() &&
        nanos(backoff.max_interval()) < nanos(backoff.base_interval())) {
      problems.Add("RDS", name, "RetryBackoff max interval below base interval");
    }
  }
}

void CheckRouteConfig(const std::string& name, const RouteConfiguration& config,
                      Problems& problems) {
  for (const auto& host : config.virtual_hosts()) {
    if (host.domains().empty()) problems.Add("RDS", name, "VirtualHost has no domains");
    if (host.has_retry_policy()) CheckRetry(host.retry_policy(), name, problems);
    for (const auto& route : host.routes()) {
      const std::string where = absl::StrCat(name, " route ", route.name());
      const auto& match = route.match();
      if (match.path_specifier_case() == match.PATH_SPECIFIER_NOT_SET) {
        problems.Add("RDS", where, "no path specifier");
      }
      if (match.has_safe_regex()) CheckRegex(match.safe_regex().regex(), "RDS", where, problems);
      for (const auto& header : match.headers()) {
        if (header.header_match_specifier_case() == header.HEADER_MATCH_SPECIFIER_NOT_SET) {
          problems.Add("RDS", where, "Invalid route header matcher specified");
        }
        if (header.string_match().has_safe_regex()) {
          CheckRegex(header.string_match().safe_regex().regex(), "RDS", where, problems);
        }
      }
      if (!route.has_route()) {
        problems.Add("RDS", where, "Matching route has unsupported action");
        continue;
      }
      const auto& action = route.route();
      if (action.has_weighted_clusters()) {
        uint64_t sum = 0;
        for (const auto& cluster : action.weighted_clusters().clusters()) {
          if (cluster.name().empty()) problems.Add("RDS", where, "weighted cluster without name");
          if (!cluster.has_weight()) {
            problems.Add("RDS", where, "weighted_cluster cluster missing weight");
          } else if (cluster.weight().value() == 0) {
            problems.Add("RDS", where, "weighted_cluster with zero weight");
          }
          sum += cluster.weight().value();
        }
        const uint64_t total = action.weighted_clusters().has_total_weight()
                                   ? action.weighted_clusters().total_weight().value()
                                   : 100;
        if (sum != total) {
          problems.Add(
              "RDS", where,
              absl::StrCat("weighted_cluster has incorrect total weight: ", sum, " != ", total));
        }
        if (action.weighted_clusters().clusters().empty()) {
          problems.Add("RDS", where, "has no valid clusters specified");
        }
      } else if (action.cluster().empty()) {
        problems.Add("RDS", where, "RouteAction has no cluster (or uses cluster_header)");
      }
      if (action.has_retry_policy()) CheckRetry(action.retry_policy(), where, problems);
    }
  }
}

void CheckCluster(const std::string& name, const Cluster& cluster, Problems& problems) {
  if (cluster.has_cluster_type()) {
    if (cluster.cluster_type().name() != "envoy.clusters.aggregate") {
      problems.Add("CDS", name, "unknown discovery type");
    }
  } else if (cluster.type() == Cluster::EDS) {
    if (!AdsOrSelf(cluster.eds_cluster_config().eds_config())) {
      problems.Add("CDS", name, "EDS ConfigSource is not ads or self");
    }
  } else if (cluster.type() != Cluster::LOGICAL_DNS) {
    problems.Add("CDS", name, "unknown discovery type");
  }
  if (cluster.lb_policy() != Cluster::ROUND_ROBIN && cluster.lb_policy() != Cluster::RING_HASH) {
    problems.Add(
        "CDS", name,
        absl::StrCat("LB policy is not supported: ", Cluster::LbPolicy_Name(cluster.lb_policy())));
  }
  if (cluster.has_ring_hash_lb_config()) {
    const auto& ring = cluster.ring_hash_lb_config();
    constexpr uint64_t kMax = 8 * 1024 * 1024;
    const uint64_t min = ring.has_minimum_ring_size() ? ring.minimum_ring_size().value() : 1024;
    const uint64_t max = ring.has_maximum_ring_size() ? ring.maximum_ring_size().value() : kMax;
    if (min > kMax || max > kMax) problems.Add("CDS", name, "ring size above 8M");
    if (min > max) problems.Add("CDS", name, "cannot be greater than maximum_ring_size");
    if (ring.hash_function() != Cluster::RingHashLbConfig::XX_HASH) {
      problems.Add("CDS", name, "invalid hash function");
    }
  }
  if (cluster.has_lrs_server() && !cluster.lrs_server().has_self()) {
    problems.Add("CDS", name, "lrs_server is not self");
  }
}

bool IsIpLiteral(const std::string& address) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, address.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, address.c_str(), buffer) == 1;
}

void CheckAssignment(const std::string& name, const ClusterLoadAssignment& cla,
                     Problems& problems) {
  std::set<uint32_t> priorities;
  std::set<std::tuple<uint32_t, std::string, std::string, std::string>> localities;
  std::set<std::pair<std::string, uint32_t>> addresses;
  for (const auto& group : cla.endpoints()) {
    priorities.insert(group.priority());
    const auto& l = group.locality();
    if (!localities.insert({group.priority(), l.region(), l.zone(), l.sub_zone()}).second) {
      problems.Add("EDS", name, "duplicate locality");
    }
    if (group.load_balancing_weight().value() == 0) {
      problems.Add("EDS", name, "locality without load_balancing_weight is ignored");
    }
    uint64_t weight_sum = 0;
    for (const auto& lb_endpoint : group.lb_endpoints()) {
      const auto& socket = lb_endpoint.endpoint().address().socket_address();
      if (!IsIpLiteral(socket.address()) || socket.port_specifier_case() != socket.kPortValue ||
          socket.port_value() == 0) {
        problems.Add("EDS", name,
                     absl::StrCat("Could not parse endpoint address ", socket.address(), ":",
                                  socket.port_value()));
      }
      const auto status = lb_endpoint.health_status();
      if (status != envoy::config::core::v3::UNKNOWN &&
          status != envoy::config::core::v3::HEALTHY) {
        problems.Add("EDS", name, "endpoint is neither HEALTHY nor UNKNOWN");
      }
      if (!addresses.insert({socket.address(), socket.port_value()}).second) {
        problems.Add("EDS", name, absl::StrCat("duplicate endpoint address ", socket.address()));
      }
      weight_sum +=
          lb_endpoint.has_load_balancing_weight() ? lb_endpoint.load_balancing_weight().value() : 1;
    }
    if (weight_sum > UINT32_MAX) problems.Add("EDS", name, "endpoint weights exceed uint32 max");
  }
  uint32_t expected = 0;
  for (uint32_t priority : priorities) {
    if (priority != expected++) problems.Add("EDS", name, "priorities have a gap");
  }
}

}  // namespace

std::vector<std::string> CheckProxylessConformance(const ResourceMap& resources) {
  Problems problems;
  for (const auto& [name, listener] :
       Unpacked<Listener>(resources, kListenerTypeUrl, problems, "LDS")) {
    if (!listener.has_api_listener()) {
      problems.Add("LDS", name, "Listener has neither address nor ApiListener");
      continue;
    }
    HttpConnectionManager hcm;
    if (listener.api_listener().api_listener().type_url() != kHcmTypeUrl ||
        !listener.api_listener().api_listener().UnpackTo(&hcm)) {
      problems.Add("LDS", name, "api_listener is not an HttpConnectionManager");
      continue;
    }
    CheckHcm(name, hcm, problems);
  }
  for (const auto& [name, config] :
       Unpacked<RouteConfiguration>(resources, kRouteConfigurationTypeUrl, problems, "RDS")) {
    CheckRouteConfig(name, config, problems);
  }
  for (const auto& [name, cluster] :
       Unpacked<Cluster>(resources, kClusterTypeUrl, problems, "CDS")) {
    CheckCluster(name, cluster, problems);
  }
  for (const auto& [name, cla] :
       Unpacked<ClusterLoadAssignment>(resources, kClusterLoadAssignmentTypeUrl, problems, "EDS")) {
    CheckAssignment(name, cla, problems);
  }
  return problems.Take();
}

std::vector<std::string> CheckReferences(const ResourceMap& resources) {
  Problems problems;
  auto has = [&resources](absl::string_view type_url, const std::string& name) {
    return FindResource(resources, std::string(type_url), name) != nullptr;
  };
  auto check_hcm = [&](const std::string& listener, const google::protobuf::Any& any) {
    HttpConnectionManager hcm;
    if (!any.UnpackTo(&hcm)) return problems.Add("LDS", listener, "HCM does not unpack");
    if (hcm.has_rds() && !has(kRouteConfigurationTypeUrl, hcm.rds().route_config_name())) {
      problems.Add("LDS", listener,
                   absl::StrCat("missing RouteConfiguration ", hcm.rds().route_config_name()));
    }
  };
  auto check_filters = [&](const std::string& listener,
                           const envoy::config::listener::v3::FilterChain& chain) {
    for (const auto& filter : chain.filters()) {
      if (filter.typed_config().type_url() == kHcmTypeUrl) {
        check_hcm(listener, filter.typed_config());
      } else if (filter.typed_config().type_url() == kTcpProxyTypeUrl) {
        TcpProxy proxy;
        if (!filter.typed_config().UnpackTo(&proxy) || !has(kClusterTypeUrl, proxy.cluster())) {
          problems.Add("LDS", listener, absl::StrCat("missing Cluster ", proxy.cluster()));
        }
      }
    }
  };
  for (const auto& [name, listener] :
       Unpacked<Listener>(resources, kListenerTypeUrl, problems, "LDS")) {
    for (const auto& chain : listener.filter_chains()) check_filters(name, chain);
    if (listener.has_default_filter_chain()) check_filters(name, listener.default_filter_chain());
    if (listener.has_api_listener()) check_hcm(name, listener.api_listener().api_listener());
  }
  for (const auto& [name, config] :
       Unpacked<RouteConfiguration>(resources, kRouteConfigurationTypeUrl, problems, "RDS")) {
    for (const auto& host : config.virtual_hosts()) {
      for (const auto& route : host.routes()) {
        if (!route.has_route()) continue;
        std::vector<std::string> used;
        if (!route.route().cluster().empty()) used.push_back(route.route().cluster());
        for (const auto& w : route.route().weighted_clusters().clusters()) used.push_back(w.name());
        for (const std::string& cluster : used) {
          if (!has(kClusterTypeUrl, cluster)) {
            problems.Add("RDS", name, absl::StrCat("missing Cluster ", cluster));
          }
        }
      }
    }
  }
  for (const auto& [name, cluster] :
       Unpacked<Cluster>(resources, kClusterTypeUrl, problems, "CDS")) {
    if (cluster.type() != Cluster::EDS) continue;
    const std::string& service = cluster.eds_cluster_config().service_name().empty()
                                     ? cluster.name()
                                     : cluster.eds_cluster_config().service_name();
    if (!has(kClusterLoadAssignmentTypeUrl, service)) {
      problems.Add("CDS", name, absl::StrCat("missing ClusterLoadAssignment ", service));
    }
  }
  return problems.Take();
}

}  // namespace weft::control_plane
