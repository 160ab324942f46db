// Route translation details not covered by the sidecar mesh test: redirects,
// rewrites, rules without usable backends, sectionName/port attachment, GRPCRoute
// method shapes, retry policies for each client kind.

#include "control-plane/translate/route_config_builder.h"

#include <string>
#include <vector>

#include "control-plane/translate/client_kind.h"
#include "control-plane/translate/test_models.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using envoy::config::route::v3::RedirectAction;
using envoy::config::route::v3::Route;
using envoy::config::route::v3::RouteConfiguration;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kWeb[] = "outbound|80||web.default.svc.cluster.local";
constexpr char kWebAdmin[] = "outbound|81||web.default.svc.cluster.local";
constexpr char kApi[] = "outbound|9090||api.default.svc.cluster.local";

const char kYaml[] = R"(apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}, {name: http-admin, port: 81}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: grpc, port: 9090}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{kind: Service, name: web, sectionName: http}]
  rules:
    - matches: [{path: {type: Exact, value: /old}}]
      filters:
        - type: RequestRedirect
          requestRedirect: {scheme: https, hostname: new.example, port: 8443, statusCode: 301,
                            path: {type: ReplaceFullPath, replaceFullPath: /new}}
    - matches: [{path: {type: PathPrefix, value: /static}}]
      filters:
        - type: URLRewrite
          urlRewrite: {hostname: cdn.internal,
                       path: {type: ReplacePrefixMatch, replacePrefixMatch: /assets}}
      backendRefs: [{name: api, port: 9090}]
    - matches: [{path: {type: Exact, value: /exact}}]
      filters:
        - type: URLRewrite
          urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /rewritten}}
      backendRefs: [{name: web, port: 80}]
    - matches: [{path: {type: PathPrefix, value: /full}}]
      filters:
        - type: URLRewrite
          urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /rewritten}}
      backendRefs: [{name: web, port: 80}]
    - matches: [{path: {type: PathPrefix, value: /nobody}}]
      backendRefs: [{name: api, port: 9090, weight: 0}]
    - matches: [{path: {type: PathPrefix, value: /dup}}]
      backendRefs:
        - {name: api, port: 9090, weight: 3}
        - {name: web, port: 80, weight: 0}
        - {name: api, port: 9090, weight: 2}
    - matches: [{path: {type: PathPrefix, value: /three}}]
      backendRefs:
        - {name: api, port: 9090, weight: 1}
        - {name: web, port: 80, weight: 1}
        - {name: web, port: 81, weight: 2}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: api}
spec:
  parentRefs: [{kind: Service, name: api}]
  rules:
    - matches:
        - method: {service: pkg.Svc}
        - method: {method: Get}
        - method: {type: RegularExpression, service: "pkg\\..*", method: "List.*"}
          headers: [{name: Tenant, type: RegularExpression, value: "a.*"}]
      backendRefs: [{name: api, port: 9090}]
---
apiVersion: mesh.weft.dev/v1alpha1
kind: TrafficPolicy
metadata: {name: api}
spec:
  targetRef: {kind: Service, name: api}
  retries: {attempts: 0}
  timeouts: {request: 3s}
)";

class RouteConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Model> model = testing::ModelFromYaml(kYaml);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = *std::move(model);
  }

  RouteConfiguration Build(const std::string& service, int32_t port, ClientKind kind) {
    const Service* s = model_.FindService({"default", service});
    EXPECT_NE(s, nullptr);
    for (const ServicePort& p : s->ports) {
      if (p.port == port) return BuildRouteConfiguration(model_, *s, p, kind, &warnings_);
    }
    ADD_FAILURE() << "no port " << port;
    return RouteConfiguration();
  }

  const Route& Named(const RouteConfiguration& config, const std::string& name) {
    for (const Route& route : config.virtual_hosts(0).routes()) {
      if (route.name() == name) return route;
    }
    ADD_FAILURE() << "no route " << name;
    return Route::default_instance();
  }

  Model model_;
  std::vector<std::string> warnings_;
};

TEST_F(RouteConfigTest, Redirect) {
  RouteConfiguration config = Build("web", 80, ClientKind::kSidecar);
  const Route& route = Named(config, "httproute/default/web/0/0");
  ASSERT_TRUE(route.has_redirect());
  EXPECT_EQ(route.redirect().scheme_redirect(), "https");
  EXPECT_EQ(route.redirect().host_redirect(), "new.example");
  EXPECT_EQ(route.redirect().port_redirect(), 8443u);
  EXPECT_EQ(route.redirect().path_redirect(), "/new");
  EXPECT_EQ(route.redirect().response_code(), RedirectAction::MOVED_PERMANENTLY);
}

TEST_F(RouteConfigTest, Rewrites) {
  RouteConfiguration config = Build("web", 80, ClientKind::kSidecar);
  const Route& prefix = Named(config, "httproute/default/web/1/0");
  EXPECT_EQ(prefix.route().cluster(), kApi);
  EXPECT_EQ(prefix.route().prefix_rewrite(), "/assets");
  EXPECT_EQ(prefix.route().host_rewrite_literal(), "cdn.internal");

  // ReplaceFullPath is a prefix rewrite on an exact match...
  EXPECT_EQ(Named(config, "httproute/default/web/2/0").route().prefix_rewrite(), "/rewritten");
  // ...and a whole-path regex rewrite on a prefix match.
  const Route& full = Named(config, "httproute/default/web/3/0");
  EXPECT_EQ(full.match().path_separated_prefix(), "/full");
  EXPECT_EQ(full.route().prefix_rewrite(), "");
  EXPECT_EQ(full.route().regex_rewrite().pattern().regex(), "^/.*$");
  EXPECT_EQ(full.route().regex_rewrite().substitution(), "/rewritten");
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(RouteConfigTest, ProxylessClientsGetOnlyWhatGrpcHonours) {
  RouteConfiguration config = Build("web", 80, ClientKind::kProxyless);
  const Route& prefix = Named(config, "httproute/default/web/1/0");
  // No path_separated_prefix in gRPC 1.51: the same segments as a regex.
  EXPECT_EQ(prefix.match().safe_regex().regex(), "\\/static(/.*)?");
  EXPECT_EQ(prefix.route().cluster(), kApi);
  EXPECT_EQ(prefix.route().prefix_rewrite(), "");
  EXPECT_EQ(prefix.route().host_rewrite_literal(), "");
  EXPECT_FALSE(Named(config, "httproute/default/web/3/0").route().has_regex_rewrite());
  EXPECT_TRUE(Named(config, "httproute/default/web/0/0").has_redirect());
  EXPECT_THAT(warnings_,
              ::testing::Contains(HasSubstr("httproute/default/web/1/0: proxyless gRPC clients do "
                                          "not support URLRewrite")));
  EXPECT_THAT(warnings_, ::testing::Contains(HasSubstr(
                             "httproute/default/web/0/0: proxyless gRPC clients cannot follow a "
                             "redirect")));
}

TEST_F(RouteConfigTest, Backends) {
  RouteConfiguration config = Build("web", 80, ClientKind::kSidecar);
  // Only zero-weight backends: the Gateway API's 500.
  const Route& nobody = Named(config, "httproute/default/web/4/0");
  ASSERT_TRUE(nobody.has_direct_response());
  EXPECT_EQ(nobody.direct_response().status(), 500u);
  // Zero weights dropped, duplicates merged: a single cluster.
  EXPECT_EQ(Named(config, "httproute/default/web/5/0").route().cluster(), kApi);
  // Three-way split, total = sum.
  const auto& three = Named(config, "httproute/default/web/6/0").route().weighted_clusters();
  ASSERT_EQ(three.clusters_size(), 3);
  EXPECT_EQ(three.clusters(0).name(), kApi);
  EXPECT_EQ(three.clusters(1).name(), kWeb);
  EXPECT_EQ(three.clusters(2).name(), kWebAdmin);
  EXPECT_EQ(three.clusters(2).weight().value(), 2u);
  EXPECT_EQ(three.total_weight().value(), 4u);
  // No rule matches everything: the catch-all comes last.
  EXPECT_EQ(config.virtual_hosts(0).routes().rbegin()->name(), "default");
  EXPECT_EQ(config.virtual_hosts(0).routes().rbegin()->route().cluster(), kWeb);
}

TEST_F(RouteConfigTest, SectionNameAttachesToThatPortOnly) {
  RouteConfiguration admin = Build("web", 81, ClientKind::kSidecar);
  ASSERT_EQ(admin.virtual_hosts(0).routes_size(), 1);
  EXPECT_EQ(admin.virtual_hosts(0).routes(0).name(), "default");
  EXPECT_EQ(admin.virtual_hosts(0).routes(0).route().cluster(), kWebAdmin);
}

TEST_F(RouteConfigTest, GrpcMethodShapes) {
  RouteConfiguration config = Build("api", 9090, ClientKind::kSidecar);
  std::vector<std::string> names;
  for (const Route& route : config.virtual_hosts(0).routes()) names.push_back(route.name());
  // Regular expressions (longer first), then the prefix, then the catch-all.
  EXPECT_THAT(names, ElementsAre("grpcroute/default/api/0/2", "grpcroute/default/api/0/1",
                                 "grpcroute/default/api/0/0", "default"));
  const auto& routes = config.virtual_hosts(0).routes();
  EXPECT_EQ(routes[0].match().safe_regex().regex(), "/pkg\\..*/List.*");
  EXPECT_EQ(routes[0].match().headers(0).name(), "tenant");
  EXPECT_EQ(routes[0].match().headers(0).string_match().safe_regex().regex(), "a.*");
  EXPECT_EQ(routes[1].match().safe_regex().regex(), "/[^/]+/Get");
  EXPECT_EQ(routes[2].match().path_separated_prefix(), "/pkg.Svc");
  // gRPC paths always have the "/" after the service: a plain prefix for gRPC.
  RouteConfiguration proxyless = Build("api", 9090, ClientKind::kProxyless);
  EXPECT_EQ(proxyless.virtual_hosts(0).routes(2).match().prefix(), "/pkg.Svc/");
}

TEST_F(RouteConfigTest, RetriesAndTimeoutsPerClientKind) {
  // attempts: 0 — sidecars are told "no retries" explicitly (Envoy's default is 1)...
  RouteConfiguration sidecar = Build("api", 9090, ClientKind::kSidecar);
  const Route& route = *sidecar.virtual_hosts(0).routes().rbegin();
  ASSERT_TRUE(route.route().has_retry_policy());
  EXPECT_EQ(route.route().retry_policy().num_retries().value(), 0u);
  EXPECT_EQ(route.route().retry_policy().retry_on(), "connect-failure,refused-stream,unavailable");
  EXPECT_EQ(route.route().timeout().seconds(), 3);
  EXPECT_FALSE(route.route().has_max_stream_duration());

  // ...gRPC would NACK num_retries 0, so proxyless clients get no policy, and the
  // request timeout as max_stream_duration (gRPC ignores `timeout`).
  RouteConfiguration proxyless = Build("api", 9090, ClientKind::kProxyless);
  const Route& grpc = *proxyless.virtual_hosts(0).routes().rbegin();
  EXPECT_FALSE(grpc.route().has_retry_policy());
  EXPECT_EQ(grpc.route().max_stream_duration().max_stream_duration().seconds(), 3);
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(RouteConfigTest, ReferencedClusters) {
  RouteConfiguration config = Build("web", 80, ClientKind::kSidecar);
  EXPECT_THAT(ReferencedClusters(config), ElementsAre(kWeb, kWebAdmin, kApi));
}

}  // namespace
}  // namespace weft::control_plane
