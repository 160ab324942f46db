// mTLS through the whole pipeline: manifests (Workloads with and without
// sidecars, PeerAuthentication) -> BuildSidecarResources with the CA on -> the
// proxy's xDS translation -> the internal model the data plane uses. Checks
// who originates mTLS and expects which identities, how the inbound listener
// splits by transport per mode, and the trust bundle Secret.

#include "control-plane/translate/mtls_builder.h"

#include <map>
#include <string>

#include "api/type_urls.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/test_xds_unpack.h"
#include "envoy/extensions/transport_sockets/tls/v3/tls.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/xds/xds_translator.h"

namespace weft::control_plane {
namespace {

using ::testing::ElementsAre;

constexpr char kMesh[] = R"(apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec: {selector: {app: cart}, ports: [{name: http, port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: shop}
spec: {selector: {app: legacy}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {selector: {app: db}, ports: [{name: tcp, port: 5432}]}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: cart-1, namespace: shop, labels: {app: cart}}
spec: {address: 10.0.0.1, serviceAccount: cart}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: cart-2, namespace: shop, labels: {app: cart}}
spec: {address: 10.0.0.2, serviceAccount: cart-canary}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: legacy-1, namespace: shop, labels: {app: legacy}}
spec: {address: 10.0.0.3, sidecar: false}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: Workload
metadata: {name: db-1, namespace: shop, labels: {app: db}}
spec: {address: 10.0.0.4, serviceAccount: db}
---
apiVersion: v1
kind: Service
metadata: {name: billing, namespace: shop}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: billing-1, namespace: shop, labels: {kubernetes.io/service-name: billing}}
addressType: IPv4
endpoints: [{addresses: [192.0.2.10]}]
ports: [{name: http, port: 8443}]
---
apiVersion: v1
kind: Service
metadata: {name: cart-direct, namespace: shop}
spec: {ports: [{name: http, port: 8080}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: cart-direct, namespace: shop, labels: {kubernetes.io/service-name: cart-direct}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1], targetRef: {kind: Pod, name: cart-1}}]
ports: [{name: http, port: 8080}]
---
apiVersion: mesh.weft.dev/v1alpha1
kind: PeerAuthentication
metadata: {name: cart-strict, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  mtls: {mode: STRICT}
  portLevelMtls:
    9090: {mode: PERMISSIVE}
---
apiVersion: mesh.weft.dev/v1alpha1
kind: PeerAuthentication
metadata: {name: db-off, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  mtls: {mode: DISABLE}
)";

constexpr char kBundle[] = "-----BEGIN CERTIFICATE-----\nroots\n-----END CERTIFICATE-----\n";

class MtlsPipelineTest : public ::testing::Test {
 protected:
  // What the proxy of `workload` runs with, from the control plane's resources.
  config::ProxyConfig ProxyConfigOf(const std::string& workload, bool security = true) {
    MeshSecurity mesh;
    mesh.enabled = security;
    mesh.trust_bundle_pem = kBundle;
    resources_ = testing::SidecarResourcesFromYaml(kMesh, "shop", workload, mesh);
    absl::StatusOr<config::ProxyConfig> config =
        xds::TranslateXds(testing::UnpackForProxy(resources_), config::ProxyConfig{});
    EXPECT_TRUE(config.ok()) << config.status();
    return config.ok() ? *config : config::ProxyConfig{};
  }

  static const config::Cluster& ClusterOf(const config::ProxyConfig& c, const std::string& svc,
                                          int port) {
    const config::Cluster* found =
        c.FindCluster(absl::StrCat("outbound|", port, "||", svc, ".shop.svc.cluster.local"));
    EXPECT_NE(found, nullptr) << svc;
    static const config::Cluster kNone;
    return found != nullptr ? *found : kNone;
  }

  // "<name>:<transport>:<tls|refuse|plain>" for each inbound chain.
  static std::vector<std::string> InboundChains(const config::ProxyConfig& c) {
    std::vector<std::string> out;
    for (const config::Listener& l : c.listeners) {
      if (l.name != "inbound") continue;
      for (const config::FilterChain& fc : l.filter_chains) {
        const char* t = fc.transport == config::TransportMatch::kTls         ? "tls"
                        : fc.transport == config::TransportMatch::kPlaintext ? "plaintext"
                                                                              : "any";
        std::string what = fc.refuse_plaintext ? "refuse"
                           : fc.tls.has_value()
                               ? (fc.tls->require_client_certificate ? "strict" : "permissive")
                               : "plain";
        out.push_back(absl::StrCat(fc.name, ":", t, ":", what));
      }
    }
    return out;
  }

  ResourceMap resources_;
};

TEST_F(MtlsPipelineTest, ClientsExpectTheIdentitiesTheDestinationRunsAs) {
  const config::ProxyConfig c = ProxyConfigOf("legacy-1");
  const config::Cluster& cart = ClusterOf(c, "cart", 8080);
  ASSERT_TRUE(cart.tls.has_value());
  EXPECT_THAT(cart.tls->expected_identities,
              ElementsAre("spiffe://cluster.local/ns/shop/sa/cart",
                          "spiffe://cluster.local/ns/shop/sa/cart-canary"));
  // No sidecar behind legacy, and db disables mTLS: both stay plaintext.
  EXPECT_FALSE(ClusterOf(c, "legacy", 80).tls.has_value());
  EXPECT_FALSE(ClusterOf(c, "db", 5432).tls.has_value());
  EXPECT_EQ(c.trust_bundle_pem, kBundle);
}

TEST_F(MtlsPipelineTest, HandWrittenEndpointsOutsideTheMeshArePlainAndKeepTheirProtocol) {
  const config::ProxyConfig c = ProxyConfigOf("legacy-1");
  const config::Cluster& billing = ClusterOf(c, "billing", 80);
  EXPECT_FALSE(billing.tls.has_value());
  // No sidecar answers there, so HTTP/1.1 stays HTTP/1.1 (not sidecar-to-sidecar h2).
  EXPECT_EQ(billing.http_protocol, config::Cluster::HttpProtocol::kUseDownstream);
  // A slice entry that names a mesh workload reaches its sidecar with mTLS.
  const config::Cluster& direct = ClusterOf(c, "cart-direct", 8080);
  ASSERT_TRUE(direct.tls.has_value());
  EXPECT_THAT(direct.tls->expected_identities,
              ElementsAre("spiffe://cluster.local/ns/shop/sa/cart"));
  EXPECT_EQ(direct.http_protocol, config::Cluster::HttpProtocol::kHttp2);
}

TEST_F(MtlsPipelineTest, StrictWorkloadRefusesPlaintextExceptOnItsPermissivePort) {
  const config::ProxyConfig c = ProxyConfigOf("cart-1");
  EXPECT_THAT(InboundChains(c),
              ElementsAre("inbound|8080|mtls:tls:strict",
                          "inbound|8080|plaintext-refused:plaintext:refuse",
                          "inbound|9090|tcp|mtls:tls:permissive", "inbound|9090|tcp:plaintext:plain",
                          "inbound|tcp|mtls:tls:strict",
                          "inbound|tcp|plaintext-refused:plaintext:refuse"));
}

TEST_F(MtlsPipelineTest, PermissiveWorkloadTerminatesMtlsAndKeepsPlaintext) {
  const config::ProxyConfig c = ProxyConfigOf("legacy-1");
  EXPECT_THAT(InboundChains(c), ElementsAre("inbound|80|mtls:tls:permissive",
                                            "inbound|80:plaintext:plain",
                                            "inbound|tcp|mtls:tls:permissive"));
}

TEST_F(MtlsPipelineTest, DisabledWorkloadKeepsItsListenerAsIs) {
  const config::ProxyConfig c = ProxyConfigOf("db-1");
  EXPECT_TRUE(InboundChains(c).empty());
}

TEST_F(MtlsPipelineTest, WithoutTheCaNothingChanges) {
  const config::ProxyConfig c = ProxyConfigOf("cart-1", /*security=*/false);
  EXPECT_FALSE(ClusterOf(c, "cart", 8080).tls.has_value());
  EXPECT_THAT(InboundChains(c), ElementsAre("inbound|8080:any:plain"));
  EXPECT_TRUE(c.trust_bundle_pem.empty());
  EXPECT_EQ(FindResource(resources_, std::string(weft::xds::kSecretType), "ROOTCA"), nullptr);
}

TEST(MtlsXdsReaderTest, RefusesKeysOverXdsAndClustersWithoutIdentities) {
  xds::XdsResources r;
  envoy::config::cluster::v3::Cluster& c = r.clusters["c"];
  c.set_type(envoy::config::cluster::v3::Cluster::STATIC);
  envoy::extensions::transport_sockets::tls::v3::UpstreamTlsContext ctx;
  ctx.mutable_common_tls_context()->add_tls_certificates();  // an inline key: never
  ctx.mutable_common_tls_context()->mutable_validation_context_sds_secret_config()->set_name(
      "ROOTCA");
  c.mutable_transport_socket()->set_name("envoy.transport_sockets.tls");
  c.mutable_transport_socket()->mutable_typed_config()->PackFrom(ctx);
  absl::StatusOr<config::ProxyConfig> config = xds::TranslateXds(r, config::ProxyConfig{});
  ASSERT_FALSE(config.ok());
  const std::string message(config.status().message());
  EXPECT_THAT(message, ::testing::HasSubstr("inline tls_certificates are not accepted"));
  EXPECT_THAT(message, ::testing::HasSubstr("must name exactly the secret \"default\""));
  EXPECT_THAT(message, ::testing::HasSubstr("SPIFFE IDs the server may present are required"));
}

}  // namespace
}  // namespace weft::control_plane
