// Wire-compatibility tests for Weft's xDS protos.
//
// (1) Every resource the control plane sends survives Any packing under its
//     canonical type URL and a serialize/parse round trip inside a
//     DiscoveryResponse.
// (2) Key fields encode to bytes computed here by hand from the protobuf encoding
//     rules (tag = field_number << 3 | wire_type), so a renumbered field fails even
//     if it still round-trips.
// (3) Every type URL the control plane sends resolves through the generated
//     descriptor pool, as a descriptor-driven loader (Any unpacking, config dumps)
//     would look it up; the ADS methods have the gRPC paths Envoy and gRPC call.
//
// grpc_descriptor_compat_test complements this by comparing all field numbers with
// the Envoy protos embedded in Debian's libgrpc.

#include <memory>
#include <string>
#include <vector>

#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/core/v3/base.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "envoy/extensions/filters/http/router/v3/router.pb.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/tls.pb.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"
#include "envoy/service/discovery/v3/discovery.pb.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace weft {
namespace {

namespace cluster = ::envoy::config::cluster::v3;
namespace core = ::envoy::config::core::v3;
namespace discovery = ::envoy::service::discovery::v3;
namespace endpoint = ::envoy::config::endpoint::v3;
namespace hcm = ::envoy::extensions::filters::network::http_connection_manager::v3;
namespace listener = ::envoy::config::listener::v3;
namespace route = ::envoy::config::route::v3;
namespace router = ::envoy::extensions::filters::http::router::v3;
namespace tcp_proxy = ::envoy::extensions::filters::network::tcp_proxy::v3;
namespace tls = ::envoy::extensions::transport_sockets::tls::v3;

using ::google::protobuf::Any;
using ::google::protobuf::util::MessageDifferencer;

// The type URLs Weft's control plane puts on the wire, spelled out literally (not
// derived from the descriptors under test).
constexpr char kListenerType[] = "type.googleapis.com/envoy.config.listener.v3.Listener";
constexpr char kRouteType[] = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
constexpr char kClusterType[] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
constexpr char kEndpointType[] =
    "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
constexpr char kSecretType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
constexpr char kHcmType[] =
    "type.googleapis.com/"
    "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
constexpr char kRouterType[] =
    "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
constexpr char kTcpProxyType[] =
    "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
constexpr char kUpstreamTlsType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
constexpr char kDownstreamTlsType[] =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";

// Builds bytes from a list of values 0..255 (keeps expected encodings readable).
std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

std::string Serialize(const google::protobuf::Message& message) {
  std::string wire;
  EXPECT_TRUE(message.SerializeToString(&wire));
  return wire;
}

// ---- Resources as the control plane builds them -------------------------------

hcm::HttpConnectionManager ProxylessHcm() {
  hcm::HttpConnectionManager manager;
  manager.set_stat_prefix("outbound_echo");
  manager.set_codec_type(hcm::HttpConnectionManager::AUTO);
  hcm::Rds* rds = manager.mutable_rds();
  rds->mutable_config_source()->mutable_ads();
  rds->mutable_config_source()->set_resource_api_version(core::V3);
  rds->set_route_config_name("echo.default.svc:8080");
  hcm::HttpFilter* filter = manager.add_http_filters();
  filter->set_name("envoy.filters.http.router");
  EXPECT_TRUE(filter->mutable_typed_config()->PackFrom(router::Router()));
  manager.mutable_common_http_protocol_options()->mutable_max_stream_duration()->set_seconds(
      30);
  manager.mutable_stream_idle_timeout()->set_seconds(300);
  return manager;
}

listener::Listener ApiListener() {
  listener::Listener l;
  l.set_name("echo.default.svc:8080");
  EXPECT_TRUE(l.mutable_api_listener()->mutable_api_listener()->PackFrom(ProxylessHcm()));
  return l;
}

listener::Listener SidecarInboundListener() {
  listener::Listener l;
  l.set_name("virtualInbound");
  core::SocketAddress* address = l.mutable_address()->mutable_socket_address();
  address->set_address("0.0.0.0");
  address->set_port_value(15006);
  l.mutable_use_original_dst()->set_value(true);
  l.set_traffic_direction(core::INBOUND);
  l.add_listener_filters()->set_name("envoy.filters.listener.original_dst");
  listener::FilterChain* chain = l.add_filter_chains();
  listener::FilterChainMatch* match = chain->mutable_filter_chain_match();
  match->mutable_destination_port()->set_value(8080);
  match->set_transport_protocol("tls");
  match->add_application_protocols("h2");
  core::CidrRange* range = match->add_prefix_ranges();
  range->set_address_prefix("10.0.0.0");
  range->mutable_prefix_len()->set_value(8);
  tcp_proxy::TcpProxy proxy;
  proxy.set_stat_prefix("inbound_8080");
  proxy.set_cluster("inbound|8080");
  proxy.mutable_idle_timeout()->set_seconds(3600);
  listener::Filter* filter = chain->add_filters();
  filter->set_name("envoy.filters.network.tcp_proxy");
  EXPECT_TRUE(filter->mutable_typed_config()->PackFrom(proxy));
  tls::DownstreamTlsContext downstream;
  downstream.mutable_require_client_certificate()->set_value(true);
  tls::SdsSecretConfig* cert =
      downstream.mutable_common_tls_context()->add_tls_certificate_sds_secret_configs();
  cert->set_name("default");
  cert->mutable_sds_config()->mutable_ads();
  chain->mutable_transport_socket()->set_name("envoy.transport_sockets.tls");
  EXPECT_TRUE(chain->mutable_transport_socket()->mutable_typed_config()->PackFrom(downstream));
  l.mutable_default_filter_chain()->add_filters()->set_name("envoy.filters.network.tcp_proxy");
  return l;
}

route::RouteConfiguration Routes() {
  route::RouteConfiguration config;
  config.set_name("echo.default.svc:8080");
  route::VirtualHost* host = config.add_virtual_hosts();
  host->set_name("echo");
  host->add_domains("echo.default.svc:8080");
  host->add_domains("*");
  route::Route* canary = host->add_routes();
  canary->mutable_match()->set_prefix("/echo.Echo/");
  route::HeaderMatcher* header = canary->mutable_match()->add_headers();
  header->set_name("x-canary");
  header->mutable_string_match()->set_exact("1");
  canary->mutable_match()->mutable_runtime_fraction()->mutable_default_value()->set_numerator(5);
  route::RouteAction* split = canary->mutable_route();
  route::WeightedCluster* weighted = split->mutable_weighted_clusters();
  route::WeightedCluster::ClusterWeight* v1 = weighted->add_clusters();
  v1->set_name("echo-v1");
  v1->mutable_weight()->set_value(90);
  route::WeightedCluster::ClusterWeight* v2 = weighted->add_clusters();
  v2->set_name("echo-v2");
  v2->mutable_weight()->set_value(10);
  weighted->mutable_total_weight()->set_value(100);
  route::Route* rest = host->add_routes();
  rest->mutable_match()->mutable_safe_regex()->set_regex("/.*");
  route::RouteAction* action = rest->mutable_route();
  action->set_cluster("echo");
  action->mutable_timeout()->set_seconds(5);
  action->mutable_max_stream_duration()->mutable_grpc_timeout_header_max()->set_seconds(10);
  route::RetryPolicy* retry = action->mutable_retry_policy();
  retry->set_retry_on("unavailable,cancelled");
  retry->mutable_num_retries()->set_value(2);
  retry->mutable_retry_back_off()->mutable_base_interval()->set_nanos(25000000);
  action->add_hash_policy()->mutable_header()->set_header_name("x-user");
  return config;
}

cluster::Cluster EdsCluster() {
  cluster::Cluster c;
  c.set_name("echo");
  c.set_type(cluster::Cluster::EDS);
  c.mutable_eds_cluster_config()->mutable_eds_config()->mutable_ads();
  c.mutable_eds_cluster_config()->set_service_name("echo.default.svc:8080");
  c.mutable_connect_timeout()->set_seconds(1);
  c.set_lb_policy(cluster::Cluster::RING_HASH);
  c.mutable_ring_hash_lb_config()->mutable_minimum_ring_size()->set_value(1024);
  cluster::CircuitBreakers::Thresholds* limits = c.mutable_circuit_breakers()->add_thresholds();
  limits->mutable_max_connections()->set_value(100);
  limits->mutable_max_requests()->set_value(1000);
  cluster::OutlierDetection* outlier = c.mutable_outlier_detection();
  outlier->mutable_consecutive_5xx()->set_value(5);
  outlier->mutable_base_ejection_time()->set_seconds(30);
  outlier->mutable_max_ejection_percent()->set_value(10);
  tls::UpstreamTlsContext upstream;
  upstream.set_sni("outbound_.8080_._.echo.default.svc.cluster.local");
  tls::CertificateValidationContext* validation =
      upstream.mutable_common_tls_context()->mutable_validation_context();
  validation->mutable_trusted_ca()->set_inline_string("-----BEGIN CERTIFICATE-----");
  tls::SubjectAltNameMatcher* san = validation->add_match_typed_subject_alt_names();
  san->set_san_type(tls::SubjectAltNameMatcher::URI);
  san->mutable_matcher()->set_exact("spiffe://weft.local/ns/default/sa/echo");
  c.mutable_transport_socket()->set_name("envoy.transport_sockets.tls");
  EXPECT_TRUE(c.mutable_transport_socket()->mutable_typed_config()->PackFrom(upstream));
  return c;
}

endpoint::ClusterLoadAssignment Endpoints() {
  endpoint::ClusterLoadAssignment assignment;
  assignment.set_cluster_name("echo.default.svc:8080");
  endpoint::LocalityLbEndpoints* zone = assignment.add_endpoints();
  zone->mutable_locality()->set_zone("zone-a");
  zone->mutable_load_balancing_weight()->set_value(1);
  zone->set_priority(0);
  endpoint::LbEndpoint* host = zone->add_lb_endpoints();
  core::SocketAddress* address =
      host->mutable_endpoint()->mutable_address()->mutable_socket_address();
  address->set_address("10.1.2.3");
  address->set_port_value(8080);
  host->set_health_status(core::HEALTHY);
  host->mutable_load_balancing_weight()->set_value(3);
  assignment.mutable_policy()->mutable_overprovisioning_factor()->set_value(140);
  return assignment;
}

tls::Secret WorkloadSecret() {
  tls::Secret secret;
  secret.set_name("default");
  secret.mutable_tls_certificate()->mutable_certificate_chain()->set_inline_bytes("chain");
  secret.mutable_tls_certificate()->mutable_private_key()->set_inline_bytes("key");
  return secret;
}

// ---- (1) Any packing and round trips ----------------------------------------

struct Resource {
  std::string type_url;
  std::unique_ptr<google::protobuf::Message> message;
};

std::vector<Resource> AllResources() {
  std::vector<Resource> out;
  out.push_back({kListenerType, std::make_unique<listener::Listener>(ApiListener())});
  out.push_back({kListenerType, std::make_unique<listener::Listener>(SidecarInboundListener())});
  out.push_back({kRouteType, std::make_unique<route::RouteConfiguration>(Routes())});
  out.push_back({kClusterType, std::make_unique<cluster::Cluster>(EdsCluster())});
  out.push_back(
      {kEndpointType, std::make_unique<endpoint::ClusterLoadAssignment>(Endpoints())});
  out.push_back({kSecretType, std::make_unique<tls::Secret>(WorkloadSecret())});
  out.push_back({kHcmType, std::make_unique<hcm::HttpConnectionManager>(ProxylessHcm())});
  out.push_back({kRouterType, std::make_unique<router::Router>()});
  out.push_back({kTcpProxyType, std::make_unique<tcp_proxy::TcpProxy>()});
  out.push_back({kUpstreamTlsType, std::make_unique<tls::UpstreamTlsContext>()});
  out.push_back({kDownstreamTlsType, std::make_unique<tls::DownstreamTlsContext>()});
  return out;
}

TEST(XdsWireTest, ResourcesPackUnderCanonicalTypeUrlsAndRoundTrip) {
  for (const Resource& resource : AllResources()) {
    SCOPED_TRACE(resource.type_url);
    discovery::DiscoveryResponse response;
    response.set_version_info("7");
    response.set_type_url(resource.type_url);
    response.set_nonce("n-1");
    Any* any = response.add_resources();
    ASSERT_TRUE(any->PackFrom(*resource.message));
    EXPECT_EQ(any->type_url(), resource.type_url);

    discovery::DiscoveryResponse parsed;
    ASSERT_TRUE(parsed.ParseFromString(Serialize(response)));
    ASSERT_EQ(parsed.resources_size(), 1);
    std::unique_ptr<google::protobuf::Message> unpacked(resource.message->New());
    ASSERT_TRUE(parsed.resources(0).UnpackTo(unpacked.get()));
    EXPECT_TRUE(MessageDifferencer::Equals(*unpacked, *resource.message));
  }
}

TEST(XdsWireTest, NestedTypedConfigsSurviveTheRoundTrip) {
  listener::Listener parsed;
  ASSERT_TRUE(parsed.ParseFromString(Serialize(ApiListener())));
  hcm::HttpConnectionManager manager;
  ASSERT_TRUE(parsed.api_listener().api_listener().UnpackTo(&manager));
  EXPECT_EQ(manager.rds().route_config_name(), "echo.default.svc:8080");
  EXPECT_TRUE(manager.rds().config_source().has_ads());
  ASSERT_EQ(manager.http_filters_size(), 1);
  EXPECT_EQ(manager.http_filters(0).typed_config().type_url(), kRouterType);
}

TEST(XdsWireTest, UnknownFieldsFromNewerPeersArePreserved) {
  // Cluster field 53 (dns_resolver_options in Envoy) is not in our subset; a
  // message carrying it must still parse and re-serialize it untouched.
  const std::string wire = Bytes({0x0A, 0x01, 'c', 0xAA, 0x03, 0x02, 0x08, 0x01});
  cluster::Cluster c;
  ASSERT_TRUE(c.ParseFromString(wire));
  EXPECT_EQ(c.name(), "c");
  EXPECT_EQ(Serialize(c), wire);
}

// ---- (2) Hand-computed encodings ----------------------------------------------

TEST(XdsWireTest, DiscoveryResponseFieldNumbers) {
  discovery::DiscoveryResponse response;
  response.set_version_info("1");                          // 1, len: tag 0x0A
  response.add_resources()->set_type_url("x");             // 2, len: tag 0x12
  response.set_type_url("t");                              // 4, len: tag 0x22
  response.set_nonce("n");                                 // 5, len: tag 0x2A
  const std::string expected = Bytes({0x0A, 0x01, '1',     //
                                      0x12, 0x03,          // Any (3 bytes):
                                      0x0A, 0x01, 'x',     //   type_url = 1
                                      0x22, 0x01, 't',     //
                                      0x2A, 0x01, 'n'});
  EXPECT_EQ(Serialize(response), expected);
  discovery::DiscoveryResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(expected));
  EXPECT_EQ(parsed.nonce(), "n");
  EXPECT_EQ(parsed.resources(0).type_url(), "x");
}

TEST(XdsWireTest, DiscoveryRequestNackFieldNumbers) {
  discovery::DiscoveryRequest request;
  request.mutable_node()->set_id("a");                        // 2 -> Node.id = 1
  request.add_resource_names("r");                            // 3
  request.set_response_nonce("n");                            // 5
  request.mutable_error_detail()->set_code(3);                // 6 -> Status.code = 1
  const std::string expected = Bytes({0x12, 0x03, 0x0A, 0x01, 'a',  //
                                      0x1A, 0x01, 'r',              //
                                      0x2A, 0x01, 'n',              //
                                      0x32, 0x02, 0x08, 0x03});
  EXPECT_EQ(Serialize(request), expected);
}

TEST(XdsWireTest, ClusterFieldNumbers) {
  cluster::Cluster c;
  c.set_name("c");                                             // 1, len
  c.set_type(cluster::Cluster::EDS);                           // 2, varint 3
  c.mutable_eds_cluster_config()->set_service_name("s");      // 3 -> service_name = 2
  c.set_lb_policy(cluster::Cluster::RING_HASH);                // 6, varint 2
  EXPECT_EQ(Serialize(c), Bytes({0x0A, 0x01, 'c',              //
                                 0x10, 0x03,                   //
                                 0x1A, 0x03, 0x12, 0x01, 's',  //
                                 0x30, 0x02}));
  // eds_config = 1 -> ConfigSource.ads = 3 (empty message).
  cluster::Cluster ads;
  ads.mutable_eds_cluster_config()->mutable_eds_config()->mutable_ads();
  EXPECT_EQ(Serialize(ads), Bytes({0x1A, 0x04, 0x0A, 0x02, 0x1A, 0x00}));
}

TEST(XdsWireTest, RouteActionFieldNumbers) {
  route::RouteAction single;
  single.set_cluster("c");  // 1, len
  EXPECT_EQ(Serialize(single), Bytes({0x0A, 0x01, 'c'}));

  route::RouteAction split;  // weighted_clusters = 3
  route::WeightedCluster::ClusterWeight* weight =
      split.mutable_weighted_clusters()->add_clusters();  // clusters = 1
  weight->set_name("a");                                  // name = 1
  weight->mutable_weight()->set_value(1);                 // weight = 2 (UInt32Value.value = 1)
  EXPECT_EQ(Serialize(split), Bytes({0x1A, 0x09,              // weighted_clusters
                                     0x0A, 0x07,              //   clusters[0]
                                     0x0A, 0x01, 'a',         //     name
                                     0x12, 0x02, 0x08, 0x01}));  // weight
}

TEST(XdsWireTest, ClusterLoadAssignmentFieldNumbers) {
  endpoint::ClusterLoadAssignment assignment;
  assignment.set_cluster_name("c");                  // 1, len
  assignment.add_endpoints()->set_priority(1);       // 2 -> priority = 5, varint
  EXPECT_EQ(Serialize(assignment), Bytes({0x0A, 0x01, 'c', 0x12, 0x02, 0x28, 0x01}));

  endpoint::LbEndpoint host;
  host.mutable_endpoint()->mutable_address()->mutable_socket_address()->set_port_value(80);
  host.set_health_status(core::HEALTHY);
  // endpoint = 1 { address = 1 { socket_address = 1 { port_value = 3: 80 } } },
  // health_status = 2: 1.
  EXPECT_EQ(Serialize(host), Bytes({0x0A, 0x06, 0x0A, 0x04, 0x0A, 0x02, 0x18, 0x50,  //
                                    0x10, 0x01}));
}

TEST(XdsWireTest, ListenerApiListenerUsesTwoByteTag) {
  // api_listener = 19: tag (19 << 3) | 2 = 154 = varint 0x9A 0x01.
  listener::Listener l;
  l.mutable_api_listener();
  EXPECT_EQ(Serialize(l), Bytes({0x9A, 0x01, 0x00}));
}

// ---- (3) Descriptor-driven lookups --------------------------------------------

TEST(XdsWireTest, EveryTypeUrlResolvesThroughTheGeneratedPool) {
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  google::protobuf::MessageFactory* factory =
      google::protobuf::MessageFactory::generated_factory();
  for (const Resource& resource : AllResources()) {
    SCOPED_TRACE(resource.type_url);
    const std::string prefix = "type.googleapis.com/";
    ASSERT_EQ(resource.type_url.rfind(prefix, 0), 0u);
    const google::protobuf::Descriptor* descriptor =
        pool->FindMessageTypeByName(resource.type_url.substr(prefix.size()));
    ASSERT_NE(descriptor, nullptr);

    // Decode an Any the way a loader that knows only the type URL does.
    Any any;
    ASSERT_TRUE(any.PackFrom(*resource.message));
    std::unique_ptr<google::protobuf::Message> decoded(
        factory->GetPrototype(descriptor)->New());
    ASSERT_TRUE(decoded->ParseFromString(any.value()));
    EXPECT_TRUE(MessageDifferencer::Equals(*decoded, *resource.message));
  }
}

TEST(XdsWireTest, AdsMethodsHaveEnvoysGrpcPaths) {
  const google::protobuf::DescriptorPool* pool =
      google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::MethodDescriptor* sotw = pool->FindMethodByName(
      "envoy.service.discovery.v3.AggregatedDiscoveryService.StreamAggregatedResources");
  ASSERT_NE(sotw, nullptr);
  EXPECT_TRUE(sotw->client_streaming());
  EXPECT_TRUE(sotw->server_streaming());
  EXPECT_EQ(sotw->input_type()->full_name(), "envoy.service.discovery.v3.DiscoveryRequest");
  const google::protobuf::MethodDescriptor* delta = pool->FindMethodByName(
      "envoy.service.discovery.v3.AggregatedDiscoveryService.DeltaAggregatedResources");
  ASSERT_NE(delta, nullptr);
  EXPECT_EQ(delta->output_type()->full_name(),
            "envoy.service.discovery.v3.DeltaDiscoveryResponse");
  // The stub exists with the expected service name (the HTTP/2 :path prefix).
  EXPECT_STREQ(discovery::AggregatedDiscoveryService::service_full_name(),
               "envoy.service.discovery.v3.AggregatedDiscoveryService");
}

}  // namespace
}  // namespace weft
