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

}  // namespace
}  // namespace weft::listener
