#include "proxy/config/validate.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/config/model.h"

namespace weft::config {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// A small valid config: an auto listener routing HTTP, a passthrough default.
ProxyConfig ValidConfig() {
  ProxyConfig config;
  Listener listener;
  listener.name = "outbound";
  listener.port = 15001;
  listener.route_config = "routes";
  listener.default_cluster = "passthrough";
  config.listeners.push_back(listener);

  Route route;
  route.cluster = "backend";
  VirtualHost vhost;
  vhost.name = "backend";
  vhost.domains = {"backend", "*.backend.svc", "*"};
  vhost.routes.push_back(route);
  RouteConfig route_config;
  route_config.name = "routes";
  route_config.virtual_hosts.push_back(vhost);
  config.route_configs.push_back(route_config);

  Cluster backend;
  backend.name = "backend";
  backend.endpoints.push_back(Endpoint{"10.0.0.1", 8080, 1});
  backend.endpoints.push_back(Endpoint{"fd00::1", 8080, 2});
  config.clusters.push_back(backend);
  Cluster passthrough;
  passthrough.name = "passthrough";
  passthrough.type = Cluster::Type::kOriginalDst;
  config.clusters.push_back(passthrough);
  return config;
}

// The problem lines of ValidateProxyConfig's status, or empty when it is OK.
std::vector<std::string> Problems(const ProxyConfig& config) {
  const absl::Status status = ValidateProxyConfig(config);
  if (status.ok()) return {};
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> lines = absl::StrSplit(status.message(), '\n');
  EXPECT_THAT(lines.front(), HasSubstr("invalid proxy config"));
  lines.erase(lines.begin());
  return lines;
}

TEST(ValidateTest, ValidConfigPasses) {
  EXPECT_TRUE(ValidateProxyConfig(ValidConfig()).ok()) << ValidateProxyConfig(ValidConfig());
}

TEST(ValidateTest, EmptyConfigPasses) { EXPECT_TRUE(ValidateProxyConfig(ProxyConfig()).ok()); }

TEST(ValidateTest, HttpListenerWithRoutesNeedsNoDefaultCluster) {
  ProxyConfig config = ValidConfig();
  config.listeners[0].protocol = Listener::Protocol::kHttp;
  config.listeners[0].default_cluster.clear();
  EXPECT_TRUE(ValidateProxyConfig(config).ok());
  config.listeners[0].protocol = Listener::Protocol::kAuto;
  EXPECT_THAT(Problems(config),
              Contains("listeners[0].default_cluster: required unless protocol is http with a "
                       "route_config (TCP and unrouted requests go there)"));
}

TEST(ValidateTest, UnknownReferences) {
  ProxyConfig config = ValidConfig();
  config.listeners[0].route_config = "nope";
  config.listeners[0].default_cluster = "gone";
  config.route_configs[0].virtual_hosts[0].routes[0].cluster = "ghost";
  EXPECT_THAT(Problems(config),
              testing::ElementsAre(
                  "listeners[0].route_config: unknown route config \"nope\"",
                  "listeners[0].default_cluster: unknown cluster \"gone\"",
                  "route_configs[0].virtual_hosts[0].routes[0].cluster: unknown cluster "
                  "\"ghost\""));
}

TEST(ValidateTest, ReferenceChecksCanBeTurnedOffByLoaders) {
  ProxyConfig config = ValidConfig();
  config.listeners[0].route_config = "nope";
  config.listeners[0].default_cluster = "gone";
  ProblemList problems;
  ValidationScope scope;
  scope.check_cluster_references = false;
  scope.check_route_config_references = false;
  AppendProxyConfigProblems(config, scope, problems);
  EXPECT_TRUE(problems.empty());
}

TEST(ValidateTest, DuplicateNames) {
  ProxyConfig config = ValidConfig();
  config.listeners.push_back(config.listeners[0]);
  config.listeners[1].port = 15002;
  config.clusters.push_back(config.clusters[0]);
  config.route_configs.push_back(config.route_configs[0]);
  config.route_configs[0].virtual_hosts.push_back(config.route_configs[0].virtual_hosts[0]);
  config.route_configs[0].virtual_hosts[1].domains = {"other"};
  const std::vector<std::string> problems = Problems(config);
  EXPECT_THAT(problems, Contains("listeners[1].name: duplicate listener name \"outbound\" "
                                 "(also listeners[0])"));
  EXPECT_THAT(problems, Contains("clusters[2].name: duplicate cluster name \"backend\" (also "
                                 "clusters[0])"));
  EXPECT_THAT(problems, Contains("route_configs[1].name: duplicate route config name "
                                 "\"routes\" (also route_configs[0])"));
  EXPECT_THAT(problems, Contains("route_configs[0].virtual_hosts[1].name: duplicate virtual "
                                 "host name \"backend\" (also virtual_hosts[0])"));
  EXPECT_THAT(problems, SizeIs(4));
}

TEST(ValidateTest, MissingNamesAndPorts) {
  ProxyConfig config = ValidConfig();
  config.listeners[0].name.clear();
  config.listeners[0].port = 0;
  config.clusters[0].name.clear();
  config.clusters[0].endpoints[0].port = 0;
  const std::vector<std::string> problems = Problems(config);
  EXPECT_THAT(problems, Contains("listeners[0].name: required: every listener needs a name"));
  EXPECT_THAT(problems, Contains("listeners[0].port: required: a port (1-65535)"));
  EXPECT_THAT(problems, Contains("clusters[0].name: required: every cluster needs a name"));
  EXPECT_THAT(problems, Contains("clusters[0].endpoints[0].port: required: a port (1-65535)"));
  // The route to "backend" is now unknown as well.
  EXPECT_THAT(problems, SizeIs(5));
}

TEST(ValidateTest, ListenersThatCannotAllBind) {
  ProxyConfig config = ValidConfig();
  Listener same = config.listeners[0];
  same.name = "same";
  Listener specific = config.listeners[0];
  specific.name = "specific";
  specific.address = "10.1.2.3";
  Listener v6a = config.listeners[0];
  v6a.name = "v6a";
  v6a.address = "::1";
  Listener v6b = v6a;
  v6b.name = "v6b";
  v6b.address = "0:0::1";
  Listener admin_clash = config.listeners[0];
  admin_clash.name = "admin_clash";
  admin_clash.address = "127.0.0.1";
  admin_clash.port = 15000;
  config.listeners.insert(config.listeners.end(), {same, specific, v6a, v6b, admin_clash});
  EXPECT_THAT(Problems(config),
              testing::ElementsAre(
                  "listeners[1].port: 0.0.0.0:15001 is already used by listeners[0]",
                  "listeners[2].port: 10.1.2.3:15001 overlaps listeners[0] (0.0.0.0:15001): a "
                  "wildcard address takes the port on every address of its family",
                  "listeners[4].port: [0:0::1]:15001 is already used by listeners[3]",
                  "listeners[5].port: 127.0.0.1:15000 is already used by admin"));
}

TEST(ValidateTest, ListenerFields) {
  ProxyConfig config = ValidConfig();
  Listener& listener = config.listeners[0];
  listener.address = "localhost";
  listener.opaque_ports = {3306, 0, 3306};
  listener.detection_timeout = absl::ZeroDuration();
  listener.idle_timeout = -absl::Seconds(1);
  listener.max_request_headers_bytes = 10;
  listener.buffer_limit_bytes = 2u << 30;
  EXPECT_THAT(
      Problems(config),
      testing::ElementsAre(
          "listeners[0].address: \"localhost\" is not an IP address (an IPv4 or IPv6 literal)",
          "listeners[0].opaque_ports[1]: required: a port (1-65535)",
          "listeners[0].opaque_ports[2]: duplicate port 3306",
          "listeners[0].detection_timeout: must be greater than zero",
          "listeners[0].idle_timeout: must not be negative (got -1s)",
          "listeners[0].max_request_headers_bytes: 10 is out of range (1024-1048576)",
          "listeners[0].buffer_limit_bytes: 2147483648 is out of range (1024-1073741824)"));
}

TEST(ValidateTest, TcpListenerCannotUseRoutes) {
  ProxyConfig config = ValidConfig();
  config.listeners[0].protocol = Listener::Protocol::kTcp;
  EXPECT_THAT(Problems(config),
              testing::ElementsAre("listeners[0].route_config: a tcp listener never routes "
                                   "HTTP; remove route_config or set protocol to http or auto"));
}

TEST(ValidateTest, RouteConfigFields) {
  ProxyConfig config = ValidConfig();
  VirtualHost& vhost = config.route_configs[0].virtual_hosts[0];
  vhost.domains = {"", "a*", "*.", "x.*.y", "has space", "BACKEND", "backend"};
  vhost.routes[0].match.path_prefix = "api";
  vhost.routes[0].timeout = absl::InfiniteDuration();
  VirtualHost empty;
  empty.name = "empty";
  config.route_configs[0].virtual_hosts.push_back(empty);
  EXPECT_THAT(
      Problems(config),
      testing::ElementsAre(
          "route_configs[0].virtual_hosts[0].domains[0]: must not be empty (\"*\" matches any "
          "host)",
          "route_configs[0].virtual_hosts[0].domains[1]: \"a*\": \"*\" may only be the whole "
          "domain or a leading \"*.\"",
          "route_configs[0].virtual_hosts[0].domains[2]: \"*.\": \"*\" may only be the whole "
          "domain or a leading \"*.\"",
          "route_configs[0].virtual_hosts[0].domains[3]: \"x.*.y\": \"*\" may only be the "
          "whole domain or a leading \"*.\"",
          "route_configs[0].virtual_hosts[0].domains[4]: \"has space\" is not a host name "
          "(with an optional :port)",
          "route_configs[0].virtual_hosts[0].domains[6]: domain \"backend\" is already used by "
          "route_configs[0].virtual_hosts[0].domains[5]",
          "route_configs[0].virtual_hosts[0].routes[0].match.prefix: \"api\" is not a path "
          "(must start with \"/\", without query or spaces)",
          "route_configs[0].virtual_hosts[0].routes[0].timeout: must be a finite duration",
          "route_configs[0].virtual_hosts[1].domains: needs at least one domain (\"*\" matches "
          "any host)"));
}

TEST(ValidateTest, L7RouteFields) {
  ProxyConfig config = ValidConfig();
  std::vector<Route>& routes = config.route_configs[0].virtual_hosts[0].routes;
  Route base = routes[0];
  Route regex = base;
  regex.match.path_type = PathMatchType::kRegex;
  regex.match.path = "/items/(";
  regex.match.method = "GE T";
  regex.match.headers = {{"", ValueMatchType::kExact, "x"},
                         {"x-a", ValueMatchType::kRegex, "[z"},
                         {":method", ValueMatchType::kExact, "GET"}};
  regex.match.query_params = {{"q", ValueMatchType::kRegex, "*"}};
  regex.prefix_rewrite = "/new";
  regex.request_headers.add = {{"host", "x", HeaderToAdd::Action::kOverwrite},
                               {"x-ok", "a\nb", HeaderToAdd::Action::kAppend}};
  regex.response_headers.remove = {":status"};
  Route redirect = base;
  redirect.redirect = RedirectAction{};
  redirect.redirect->scheme = "ftp";
  redirect.redirect->status = 305;
  redirect.redirect->path = "/a";
  redirect.redirect->prefix_rewrite = "/b";
  Route both = base;
  both.cluster.clear();
  both.redirect = RedirectAction{};
  both.direct_response = DirectResponseAction{700, ""};
  Route rewrites = base;
  rewrites.prefix_rewrite = "/a";
  rewrites.path_rewrite = "b";
  rewrites.per_try_timeout = -absl::Seconds(1);
  routes = {regex, redirect, both, rewrites};
  const std::string r = "route_configs[0].virtual_hosts[0].routes";
  EXPECT_THAT(
      Problems(config),
      testing::ElementsAre(
          r + "[0].match.regex: \"/items/(\" is not a valid RE2 regular expression: missing ): "
              "/items/(",
          r + "[0].match.method: \"GE T\" is not an HTTP method",
          r + "[0].match.headers[0].name: required",
          r + "[0].match.headers[1].regex: \"[z\" is not a valid RE2 regular expression: "
              "missing ]: [z",
          r + "[0].match.query_params[0].regex: \"*\" is not a valid RE2 regular expression: "
              "no argument for repetition operator: *",
          r + "[0].request_headers.add[0].name: the host cannot be changed here; use "
              "host_rewrite",
          r + "[0].request_headers.add[1].value: must not contain CR, LF or NUL",
          r + "[0].response_headers.remove[0]: \":status\" is not a header name (pseudo-headers "
              "and empty names are not allowed)",
          r + "[0].prefix_rewrite: needs a prefix or path match (a regex match has no prefix to "
              "replace; use path_rewrite)",
          r + "[1].redirect.scheme: \"ftp\" is not http or https",
          r + "[1].redirect.prefix_rewrite: give either path or prefix_rewrite, not both",
          r + "[1].redirect.status: 305 is not a redirect status (301, 302, 303, 307, 308)",
          r + "[1].cluster: not allowed on a redirect route (it does not forward)",
          r + "[2].direct_response: give either redirect or direct_response, not both",
          r + "[3].per_try_timeout: must not be negative (got -1s)",
          r + "[3].path_rewrite: \"b\" is not a path (must start with \"/\", without query or "
              "spaces)",
          r + "[3].prefix_rewrite: give either prefix_rewrite or path_rewrite, not both"));
}

TEST(ValidateTest, ClusterFields) {
  ProxyConfig config = ValidConfig();
  Cluster& backend = config.clusters[0];
  backend.endpoints.push_back(Endpoint{"10.0.0.1", 8080, 5});
  backend.endpoints.push_back(Endpoint{"0.0.0.0", 80, 1});
  backend.endpoints.push_back(Endpoint{"10.0.0.2", 80, 0});
  backend.endpoints.push_back(Endpoint{"10.0.0.3", 80, kMaxEndpointWeight + 1});
  backend.connect_timeout = absl::ZeroDuration();
  config.clusters[1].endpoints.push_back(Endpoint{"10.0.0.9", 80, 1});
  Cluster empty_static;
  empty_static.name = "empty_static";
  config.clusters.push_back(empty_static);
  EXPECT_THAT(
      Problems(config),
      testing::ElementsAre(
          "clusters[0].endpoints[2]: duplicate endpoint 10.0.0.1:8080 (also endpoints[0])",
          "clusters[0].endpoints[3].address: 0.0.0.0 is the unspecified address; an endpoint "
          "needs one to connect to",
          "clusters[0].endpoints[4].weight: 0 is out of range (1-1000000)",
          "clusters[0].endpoints[5].weight: 1000001 is out of range (1-1000000)",
          "clusters[0].connect_timeout: must be greater than zero",
          "clusters[1].endpoints: not allowed for type original_dst (each connection's "
          "original destination is the endpoint)",
          "clusters[2].endpoints: a static cluster needs at least one endpoint"));
}

TEST(ValidateTest, TotalWeightMustFitInUint32) {
  ProxyConfig config = ValidConfig();
  Cluster& backend = config.clusters[0];
  backend.endpoints.clear();
  for (uint16_t port = 1; port <= 4300; ++port) {
    backend.endpoints.push_back(Endpoint{"10.0.0.1", port, kMaxEndpointWeight});
  }
  EXPECT_THAT(Problems(config),
              testing::ElementsAre(
                  "clusters[0].endpoints: the endpoint weights add up to more than 4294967295"));
}

}  // namespace
}  // namespace weft::config
