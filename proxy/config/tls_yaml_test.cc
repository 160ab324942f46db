// The bootstrap file's mTLS keys (tls_yaml.h) and their validation
// (validate_tls.h): what they read into, and that every problem is reported at
// once with its field path.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/config/bootstrap_loader.h"
#include "proxy/config/model.h"
#include "proxy/config/validate.h"

namespace weft::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Sidecar B of the benchmark: mTLS in (STRICT), plaintext refused, and an
// mTLS cluster back to another sidecar.
constexpr char kSidecar[] = R"(
listeners:
  - name: inbound
    port: 15006
    default_cluster: app
    filter_chains:
      - name: mtls
        transport: tls
        mtls: {require_client_certificate: true}
        cluster: app
      - name: refuse
        transport: plaintext
        refuse_plaintext: true
      - name: either
        transport: any
        destination_port: 9
        cluster: app
clusters:
  - name: app
    endpoints: [{address: 127.0.0.1, port: 8080}]
  - name: peer
    endpoints: [{address: 127.0.0.1, port: 15006}]
    tls:
      expected_identities: [spiffe://bench.local/ns/bench/sa/b, spiffe://bench.local/ns/bench/sa/c]
      sni: b.bench
)";

TEST(TlsYamlTest, ReadsEveryKey) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(kSidecar, "sidecar.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  const std::vector<FilterChain>& chains = config->listeners[0].filter_chains;
  ASSERT_EQ(chains.size(), 3u);
  EXPECT_EQ(chains[0].transport, TransportMatch::kTls);
  ASSERT_TRUE(chains[0].tls.has_value());
  EXPECT_TRUE(chains[0].tls->require_client_certificate);
  EXPECT_FALSE(chains[0].refuse_plaintext);
  EXPECT_EQ(chains[1].transport, TransportMatch::kPlaintext);
  EXPECT_FALSE(chains[1].tls.has_value());
  EXPECT_TRUE(chains[1].refuse_plaintext);
  EXPECT_EQ(chains[2].transport, TransportMatch::kAny);

  EXPECT_FALSE(config->clusters[0].tls.has_value());
  ASSERT_TRUE(config->clusters[1].tls.has_value());
  EXPECT_THAT(config->clusters[1].tls->expected_identities,
              ElementsAre("spiffe://bench.local/ns/bench/sa/b",
                          "spiffe://bench.local/ns/bench/sa/c"));
  EXPECT_EQ(config->clusters[1].tls->sni, "b.bench");
}

TEST(TlsYamlTest, PermissiveChainAndDefaults) {
  const std::string yaml = R"(
listeners:
  - name: l
    port: 15006
    default_cluster: app
    filter_chains:
      - {name: permissive, transport: tls, mtls: {require_client_certificate: false}}
      - {name: strict, transport: tls, destination_port: 8443, mtls: {}}
clusters:
  - name: app
    endpoints: [{address: 127.0.0.1, port: 8080}]
)";
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(yaml, "p.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->listeners[0].filter_chains[0].tls->require_client_certificate);
  // An empty mtls mapping is STRICT.
  EXPECT_TRUE(config->listeners[0].filter_chains[1].tls->require_client_certificate);
}

TEST(TlsYamlTest, ReportsEveryProblemAtOnce) {
  const std::string yaml = R"(
listeners:
  - name: l
    port: 15006
    filter_chains:
      - {name: a, mtls: {require_client_certificate: true}, cluster: app}
      - {name: b, transport: tls, refuse_plaintext: true}
      - {name: c, transport: quic, cluster: app}
      - {name: d, transport: plaintext, refuse_plaintext: true, cluster: app}
      - {name: e, transport: tls, mtls: {require_client_certificate: maybe}, cluster: app}
clusters:
  - name: app
    endpoints: [{address: 127.0.0.1, port: 8080}]
    tls: {expected_identities: []}
  - name: peer
    endpoints: [{address: 127.0.0.1, port: 15006}]
    tls:
      expected_identities: [spiffe://bench.local/ns/bench/sa/b, "spiffe://Bad/x", spiffe://bench.local/ns/bench/sa/b]
      sni: "a b"
      verify: true
)";
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(yaml, "bad.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(config.status().message());
  for (const char* expected : {
           "listeners[0].filter_chains[0].mtls: a chain that terminates mTLS must match",
           "listeners[0].filter_chains[1].refuse_plaintext: only on a chain that matches "
           "\"transport: plaintext\"",
           "listeners[0].filter_chains[2].transport:",
           "listeners[0].filter_chains[3].refuse_plaintext: a chain that refuses plaintext "
           "forwards nothing",
           "listeners[0].filter_chains[4].mtls.require_client_certificate:",
           "clusters[0].tls.expected_identities: required",
           "clusters[1].tls.expected_identities[1]: \"spiffe://Bad/x\" is not a SPIFFE ID",
           "clusters[1].tls.expected_identities[2]: duplicate identity (also "
           "expected_identities[0])",
           "clusters[1].tls.sni: \"a b\" is not a host name",
           "clusters[1].tls.verify:",
       }) {
    EXPECT_THAT(message, HasSubstr(expected));
  }
  // A refusing chain needs no cluster even without a listener default.
  EXPECT_THAT(message, Not(HasSubstr("filter_chains[1].cluster")));
}

// xDS builds the model directly; the validator applies the same rules.
TEST(TlsYamlTest, ValidatorAppliesToAnySource) {
  ProxyConfig config;
  Cluster cluster;
  cluster.name = "peer";
  cluster.endpoints.push_back(Endpoint{"127.0.0.1", 15006, 1});
  cluster.tls = UpstreamTls{{"spiffe://td/ns/shop/sa/cart"}, ""};
  config.clusters.push_back(cluster);
  EXPECT_TRUE(ValidateProxyConfig(config).ok()) << ValidateProxyConfig(config);

  config.clusters[0].tls->expected_identities.push_back("https://td/ns/shop/sa/cart");
  const absl::Status status = ValidateProxyConfig(config);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("clusters[0].tls.expected_identities[1]: "
                        "\"https://td/ns/shop/sa/cart\" is not a SPIFFE ID"));
}

}  // namespace
}  // namespace weft::config
