#include "proxy/listener/filter_chain_table.h"

#include "gtest/gtest.h"

namespace weft::listener {
namespace {

config::FilterChain Chain(std::string name, std::vector<config::CidrRange> prefixes,
                          uint16_t port) {
  config::FilterChain fc;
  fc.name = std::move(name);
  fc.destination_prefixes = std::move(prefixes);
  fc.destination_port = port;
  fc.cluster = fc.name;
  return fc;
}

std::string MatchName(const FilterChainTable& t, const char* ip, uint16_t port) {
  return t.Match(*network::Address::FromIpPort(ip, port)).name;
}

TEST(FilterChainTableTest, PortFirstThenLongestPrefixThenDefault) {
  config::Listener l;
  l.name = "outbound";
  l.default_cluster = "passthrough";
  l.filter_chains = {
      Chain("svc-a-http", {{"10.96.0.1", 32}}, 80),
      Chain("svc-net-80", {{"10.96.0.0", 16}}, 80),
      Chain("any-80", {}, 80),
      Chain("svc-a-anyport", {{"10.96.0.1", 32}}, 0),
      Chain("v6", {{"fd00::", 64}}, 0),
  };
  config::ProxyConfig config;
  FilterChainTable t(l, config);
  EXPECT_EQ(MatchName(t, "10.96.0.1", 80), "svc-a-http");
  EXPECT_EQ(MatchName(t, "10.96.5.5", 80), "svc-net-80");
  EXPECT_EQ(MatchName(t, "192.0.2.1", 80), "any-80");
  // No chain for port 9090 names the port: chains for any port are tried.
  EXPECT_EQ(MatchName(t, "10.96.0.1", 9090), "svc-a-anyport");
  EXPECT_EQ(MatchName(t, "fd00::9", 9090), "v6");
  EXPECT_EQ(MatchName(t, "192.0.2.1", 9090), "default");
  EXPECT_EQ(t.Match(*network::Address::FromIpPort("192.0.2.1", 9090)).cluster, "passthrough");
}

TEST(FilterChainTableTest, ChainsCarryTheirRoutesAndProtocol) {
  config::ProxyConfig config;
  config::RouteConfig rc;
  rc.name = "svc-routes";
  config::VirtualHost vh;
  vh.name = "all";
  vh.domains = {"*"};
  config::Route r;
  r.cluster = "svc";
  vh.routes = {r};
  rc.virtual_hosts = {vh};
  config.route_configs = {rc};
  config::Listener l;
  config::FilterChain fc = Chain("svc", {{"10.96.0.2", 32}}, 8080);
  fc.protocol = config::Protocol::kHttp;
  fc.route_config = "svc-routes";
  l.filter_chains = {fc};
  FilterChainTable t(l, config);
  const auto& chain = t.Match(*network::Address::FromIpPort("10.96.0.2", 8080));
  EXPECT_EQ(chain.protocol, config::Protocol::kHttp);
  ASSERT_NE(chain.routes, nullptr);
  EXPECT_EQ(chain.routes->Match("x", "/")->cluster, "svc");
  EXPECT_EQ(t.default_chain().routes, nullptr);
}

TEST(FilterChainTableTest, TransportPicksTheMtlsOrPlaintextChain) {
  // An inbound listener with a STRICT port 8080 and a PERMISSIVE workload default.
  config::Listener l;
  l.name = "inbound";
  l.default_cluster = "inbound-passthrough";
  config::FilterChain strict_tls = Chain("8080|mtls", {}, 8080);
  strict_tls.transport = config::TransportMatch::kTls;
  strict_tls.tls = config::DownstreamTls{true};
  config::FilterChain strict_plain = Chain("8080|refused", {}, 8080);
  strict_plain.transport = config::TransportMatch::kPlaintext;
  strict_plain.refuse_plaintext = true;
  config::FilterChain any_tls = Chain("any|mtls", {}, 0);
  any_tls.transport = config::TransportMatch::kTls;
  any_tls.tls = config::DownstreamTls{false};
  config::FilterChain any_port_any_transport = Chain("9000", {}, 9000);
  l.filter_chains = {strict_plain, strict_tls, any_tls, any_port_any_transport};
  FilterChainTable t(l, config::ProxyConfig{});
  EXPECT_TRUE(t.has_tls());
  const auto dst = [](uint16_t port) { return *network::Address::FromIpPort("10.0.0.5", port); };

  const auto& tls_8080 = t.Match(dst(8080), /*tls=*/true);
  EXPECT_EQ(tls_8080.name, "8080|mtls");
  ASSERT_TRUE(tls_8080.tls.has_value());
  EXPECT_TRUE(tls_8080.tls->require_client_certificate);
  const auto& plain_8080 = t.Match(dst(8080), /*tls=*/false);
  EXPECT_EQ(plain_8080.name, "8080|refused");
  EXPECT_TRUE(plain_8080.refuse_plaintext);

  // Other ports: TLS is terminated by the any-port chain (PERMISSIVE), plaintext
  // falls through to the listener's default.
  const auto& tls_7070 = t.Match(dst(7070), true);
  EXPECT_EQ(tls_7070.name, "any|mtls");
  EXPECT_FALSE(tls_7070.tls->require_client_certificate);
  EXPECT_EQ(t.Match(dst(7070), false).name, "default");
  EXPECT_FALSE(t.Match(dst(7070), false).refuse_plaintext);

  // A chain for any transport serves both, below an exact transport at equal rank.
  EXPECT_EQ(t.Match(dst(9000), false).name, "9000");
  EXPECT_EQ(t.Match(dst(9000), true).name, "9000");
  config::FilterChain tls_9000 = Chain("9000|mtls", {}, 9000);
  tls_9000.transport = config::TransportMatch::kTls;
  tls_9000.tls = config::DownstreamTls{true};
  l.filter_chains.push_back(tls_9000);
  FilterChainTable t2(l, config::ProxyConfig{});
  EXPECT_EQ(t2.Match(dst(9000), true).name, "9000|mtls");
  EXPECT_EQ(t2.Match(dst(9000), false).name, "9000");
}

TEST(FilterChainTableTest, NoTlsChainsMeansNoTls) {
  config::Listener l;
  l.filter_chains = {Chain("a", {}, 80)};
  EXPECT_FALSE(FilterChainTable(l, config::ProxyConfig{}).has_tls());
}

}  // namespace
}  // namespace weft::listener
