// AuthorizationPolicies through the whole pipeline: manifests -> model -> the
// inbound listener's RBAC filters -> the proxy's xDS reader -> its authorizer.
// Checks the filter layout (DENY, ALLOW, router) and Istio's semantics on a table
// of requests: principals, namespaces, not*, ports, methods, path forms, header
// conditions, DENY winning, and no ALLOW policy meaning allow.

#include "control-plane/translate/rbac_builder.h"

#include <string>

#include "api/type_urls.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/test_xds_unpack.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "gtest/gtest.h"
#include "proxy/authz/authorizer.h"
#include "proxy/xds/xds_translator_rbac.h"

namespace weft::control_plane {
namespace {

using HttpConnectionManager =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;

constexpr char kMesh[] = R"(apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec: {selector: {app: cart}, ports: [{name: http, port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: cart-1, namespace: shop, labels: {app: cart}}
spec: {address: 10.0.0.1, serviceAccount: cart}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec: {address: 10.0.0.2, serviceAccount: web}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: AuthorizationPolicy
metadata: {name: cart-callers, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  rules:
  - from: [{source: {principals: ["spiffe://cluster.local/ns/shop/sa/frontend"]}}]
    to: [{operation: {ports: [8080], methods: [GET, "P*"], paths: ["/cart/*", "*.json"]}}]
  - from:
    - source:
        namespaces: [ops]
        notPrincipals: ["spiffe://cluster.local/ns/ops/sa/intern"]
    when: [{key: "request.headers[x-ticket]", values: ["*"]}]
---
apiVersion: mesh.weft.dev/v1alpha1
kind: AuthorizationPolicy
metadata: {name: no-admin, namespace: weft-system}
spec:
  action: DENY
  rules:
  - to: [{operation: {paths: ["/cart/admin/*"]}}]
  - from: [{source: {notNamespaces: ["*"]}}]
    to: [{operation: {methods: [DELETE]}}]
)";

class Headers final : public authz::HeaderSource {
 public:
  explicit Headers(bool ticket) : ticket_(ticket) {}
  std::optional<absl::string_view> Get(absl::string_view name) const override {
    if (ticket_ && name == "x-ticket") return absl::string_view("T-1");
    return std::nullopt;
  }

 private:
  bool ticket_;
};

class RbacBuilderTest : public ::testing::Test {
 protected:
  // The inbound listener's first chain for `workload`, as the proxy reads it.
  config::Authorization AuthzOf(const std::string& workload,
                                std::vector<std::string>* filter_names = nullptr) {
    const ResourceMap resources = testing::SidecarResourcesFromYaml(kMesh, "shop", workload);
    const auto listener = testing::GetResource<envoy::config::listener::v3::Listener>(
        resources, xds::kListenerType, "inbound");
    config::Authorization authz;
    if (listener.filter_chains_size() == 0) return authz;
    const auto& filters = listener.filter_chains(0).filters();
    HttpConnectionManager hcm;
    EXPECT_TRUE(filters[0].typed_config().UnpackTo(&hcm));
    if (filter_names != nullptr) {
      for (const auto& f : hcm.http_filters()) filter_names->push_back(f.name());
    }
    EXPECT_TRUE(xds::ReadChainAuthz(
        filters, "inbound",
        [](const std::string& w, const std::string& m) { ADD_FAILURE() << w << ": " << m; },
        authz));
    return authz;
  }

  static bool Allowed(const config::Authorization& authz, absl::string_view identity,
                      absl::string_view method, absl::string_view path, uint32_t port = 8080,
                      bool ticket = false) {
    const Headers headers(ticket);
    authz::Request r;
    r.peer_identity = identity;
    r.destination_port = port;
    r.method = method;
    r.path = path;
    r.headers = &headers;
    return authz::Evaluate(authz, r).allowed;
  }
};

constexpr char kFrontend[] = "spiffe://cluster.local/ns/shop/sa/frontend";
constexpr char kOps[] = "spiffe://cluster.local/ns/ops/sa/oncall";
constexpr char kIntern[] = "spiffe://cluster.local/ns/ops/sa/intern";

TEST_F(RbacBuilderTest, DenyFilterThenAllowFilterThenRouter) {
  std::vector<std::string> names;
  const config::Authorization authz = AuthzOf("cart-1", &names);
  EXPECT_EQ(names, (std::vector<std::string>{"envoy.filters.http.rbac", "envoy.filters.http.rbac",
                                             "envoy.filters.http.router"}));
  ASSERT_EQ(authz.rules.size(), 2u);
  EXPECT_EQ(authz.rules[0].action, config::AuthzAction::kDeny);
  EXPECT_EQ(authz.rules[0].policies[0].name, "weft-system/no-admin[0]");
  EXPECT_EQ(authz.rules[1].action, config::AuthzAction::kAllow);
  EXPECT_EQ(authz.rules[1].policies.size(), 2u);
}

TEST_F(RbacBuilderTest, IstioSemantics) {
  const config::Authorization authz = AuthzOf("cart-1");
  // Rule 0: the frontend, port 8080, GET or P*, /cart/* or *.json.
  EXPECT_TRUE(Allowed(authz, kFrontend, "GET", "/cart/items?x=1"));
  EXPECT_TRUE(Allowed(authz, kFrontend, "PUT", "/data/x.json"));
  EXPECT_FALSE(Allowed(authz, kFrontend, "GET", "/cart/items", 9090));
  EXPECT_FALSE(Allowed(authz, kFrontend, "HEAD", "/cart/items"));
  EXPECT_FALSE(Allowed(authz, kFrontend, "GET", "/other"));
  EXPECT_FALSE(Allowed(authz, "", "GET", "/cart/items"));  // plaintext: no principal
  // Rule 1: namespace ops, not the intern, with an x-ticket header.
  EXPECT_TRUE(Allowed(authz, kOps, "GET", "/anything", 8080, /*ticket=*/true));
  EXPECT_FALSE(Allowed(authz, kOps, "GET", "/anything", 8080, /*ticket=*/false));
  EXPECT_FALSE(Allowed(authz, kIntern, "GET", "/anything", 8080, /*ticket=*/true));
  // The mesh-wide DENY wins over both.
  EXPECT_FALSE(Allowed(authz, kFrontend, "GET", "/cart/admin/users"));
  EXPECT_FALSE(Allowed(authz, kOps, "GET", "/cart/admin/x", 8080, true));
}

TEST_F(RbacBuilderTest, WithoutAllowPoliciesWhatIsNotDeniedIsAllowed) {
  std::vector<std::string> names;
  const config::Authorization authz = AuthzOf("web-1", &names);
  EXPECT_EQ(names, (std::vector<std::string>{"envoy.filters.http.rbac",
                                             "envoy.filters.http.router"}));
  EXPECT_TRUE(Allowed(authz, "", "GET", "/"));
  EXPECT_TRUE(Allowed(authz, kFrontend, "DELETE", "/x"));
  // Plaintext callers have no namespace: notNamespaces ["*"] matches them.
  EXPECT_FALSE(Allowed(authz, "", "DELETE", "/x"));
  EXPECT_FALSE(Allowed(authz, kFrontend, "GET", "/cart/admin/"));
}

}  // namespace
}  // namespace weft::control_plane
