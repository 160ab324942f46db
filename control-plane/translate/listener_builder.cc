#include "control-plane/translate/listener_builder.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/resource_map.h"
#include "envoy/extensions/filters/http/router/v3/router.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"

namespace weft::control_plane {
namespace {

using envoy::config::listener::v3::FilterChain;
using envoy::config::listener::v3::Listener;
using envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using XdsHttpFilter =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpFilter;

// `before_router`: HTTP filters that run before the router, in order.
HttpConnectionManager RdsConnectionManager(const std::string& stat_prefix,
                                           const std::string& route_config_name,
                                           const std::vector<XdsHttpFilter>& before_router = {}) {
  HttpConnectionManager hcm;
  hcm.set_stat_prefix(stat_prefix);
  auto* rds = hcm.mutable_rds();
  rds->mutable_config_source()->mutable_ads();
  rds->mutable_config_source()->set_resource_api_version(envoy::config::core::v3::V3);
  rds->set_route_config_name(route_config_name);
  for (const XdsHttpFilter& filter : before_router) *hcm.add_http_filters() = filter;
  auto* router = hcm.add_http_filters();
  router->set_name(std::string(kRouterFilter));
  *router->mutable_typed_config() =
      PackDeterministic(envoy::extensions::filters::http::router::v3::Router());
  return hcm;
}

void AddTcpProxy(const std::string& cluster, FilterChain& chain) {
  envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy proxy;
  proxy.set_stat_prefix(cluster);
  proxy.set_cluster(cluster);
  auto* filter = chain.add_filters();
  filter->set_name(std::string(kTcpProxyFilter));
  *filter->mutable_typed_config() = PackDeterministic(proxy);
}

void AddHttp(const std::string& cluster, FilterChain& chain) {
  auto* filter = chain.add_filters();
  filter->set_name(std::string(kHttpConnectionManagerFilter));
  *filter->mutable_typed_config() = PackDeterministic(RdsConnectionManager(cluster, cluster));
}

Listener CaptureListener(absl::string_view name, uint32_t port,
                         envoy::config::core::v3::TrafficDirection direction,
                         absl::string_view default_cluster) {
  Listener listener;
  listener.set_name(std::string(name));
  auto* address = listener.mutable_address()->mutable_socket_address();
  address->set_address("0.0.0.0");
  address->set_port_value(port);
  listener.mutable_use_original_dst()->set_value(true);
  listener.set_traffic_direction(direction);
  auto* inspector = listener.add_listener_filters();
  inspector->set_name(std::string(kHttpInspectorFilter));
  inspector->mutable_typed_config()->set_type_url(std::string(kHttpInspectorTypeUrl));
  FilterChain* fallback = listener.mutable_default_filter_chain();
  fallback->set_name(std::string(default_cluster));
  AddTcpProxy(std::string(default_cluster), *fallback);
  return listener;
}

}  // namespace

Listener BuildOutboundListener(const Model& model) {
  Listener listener = CaptureListener(kOutboundListenerName, kOutboundCapturePort,
                                      envoy::config::core::v3::OUTBOUND, kPassthroughCluster);
  for (const auto& [key, service] : model.services) {
    if (service.vip.empty()) continue;  // headless
    for (const ServicePort& port : service.ports) {
      const std::string cluster = ClusterName(key, static_cast<uint32_t>(port.port));
      FilterChain* chain = listener.add_filter_chains();
      chain->set_name(cluster);
      auto* match = chain->mutable_filter_chain_match();
      auto* range = match->add_prefix_ranges();
      range->set_address_prefix(service.vip);
      range->mutable_prefix_len()->set_value(absl::StrContains(service.vip, ':') ? 128 : 32);
      match->mutable_destination_port()->set_value(static_cast<uint32_t>(port.port));
      if (IsHttpProtocol(port.protocol)) {
        AddHttp(cluster, *chain);
      } else {
        AddTcpProxy(cluster, *chain);
      }
    }
  }
  return listener;
}

Listener BuildInboundListener(const std::vector<uint32_t>& http_ports,
                              const std::vector<XdsHttpFilter>& http_filters) {
  Listener listener = CaptureListener(kInboundListenerName, kInboundCapturePort,
                                      envoy::config::core::v3::INBOUND, kInboundPassthroughCluster);
  for (uint32_t port : http_ports) {
    FilterChain* chain = listener.add_filter_chains();
    chain->set_name(absl::StrCat("inbound|", port));
    chain->mutable_filter_chain_match()->mutable_destination_port()->set_value(port);
    auto* filter = chain->add_filters();
    filter->set_name(std::string(kHttpConnectionManagerFilter));
    *filter->mutable_typed_config() = PackDeterministic(
        RdsConnectionManager("inbound", std::string(kInboundRouteConfigName), http_filters));
  }
  return listener;
}

envoy::config::route::v3::RouteConfiguration BuildInboundRouteConfiguration() {
  envoy::config::route::v3::RouteConfiguration config;
  config.set_name(std::string(kInboundRouteConfigName));
  auto* vhost = config.add_virtual_hosts();
  vhost->set_name("inbound");
  vhost->add_domains("*");
  auto* route = vhost->add_routes();
  route->set_name("inbound");
  route->mutable_match()->set_prefix("/");
  route->mutable_route()->set_cluster(std::string(kInboundPassthroughCluster));
  route->mutable_route()->mutable_timeout()->set_seconds(0);  // the caller's sidecar times out
  return config;
}

Listener BuildApiListener(const std::string& listener_name, const std::string& route_config_name) {
  Listener listener;
  listener.set_name(listener_name);
  *listener.mutable_api_listener()->mutable_api_listener() =
      PackDeterministic(RdsConnectionManager(listener_name, route_config_name));
  return listener;
}

}  // namespace weft::control_plane
