#include "proxy/http/router.h"

#include "gtest/gtest.h"

namespace weft::http {
namespace {

config::Route MakeRoute(std::string prefix, std::string cluster) {
  config::Route r;
  r.match.path_prefix = std::move(prefix);
  r.cluster = std::move(cluster);
  return r;
}

config::RouteConfig MakeConfig() {
  config::RouteConfig rc;
  rc.name = "test";
  config::VirtualHost exact{"exact", {"api.example.com", "api.example.com:8443"}, {}};
  exact.routes = {MakeRoute("/v2", "api-v2"), MakeRoute("/", "api")};
  config::VirtualHost wildcard{"wild", {"*.example.com"}, {MakeRoute("/", "wild")}};
  config::VirtualHost deeper{"deeper", {"*.eu.example.com"}, {MakeRoute("/", "eu")}};
  config::VirtualHost fallback{"any", {"*"}, {MakeRoute("/only", "fallback")}};
  rc.virtual_hosts = {exact, wildcard, deeper, fallback};
  return rc;
}

const std::string* ClusterOf(const RouteTable& t, absl::string_view host, absl::string_view path) {
  const config::Route* r = t.Match(host, path);
  return r == nullptr ? nullptr : &r->cluster;
}

TEST(RouteTableTest, ExactHostBeatsWildcardAndFirstRouteWins) {
  RouteTable t(MakeConfig());
  EXPECT_EQ(*ClusterOf(t, "api.example.com", "/v2/users"), "api-v2");
  EXPECT_EQ(*ClusterOf(t, "API.Example.com", "/v1"), "api");
  EXPECT_EQ(*ClusterOf(t, "api.example.com:8443", "/x"), "api");
  EXPECT_EQ(*ClusterOf(t, "api.example.com:9999", "/x"), "api");  // port stripped
}

TEST(RouteTableTest, LongestWildcardSuffixWins) {
  RouteTable t(MakeConfig());
  EXPECT_EQ(*ClusterOf(t, "www.example.com", "/"), "wild");
  EXPECT_EQ(*ClusterOf(t, "fr.eu.example.com", "/"), "eu");
  // A wildcard needs at least one label before the suffix.
  EXPECT_EQ(ClusterOf(t, "example.com", "/"), nullptr);
}

TEST(RouteTableTest, FallbackHostAndNoMatchingRoute) {
  RouteTable t(MakeConfig());
  EXPECT_EQ(*ClusterOf(t, "10.0.0.1:80", "/only/this"), "fallback");
  EXPECT_EQ(ClusterOf(t, "10.0.0.1:80", "/other"), nullptr);
  EXPECT_EQ(ClusterOf(t, "", "/other"), nullptr);
  EXPECT_EQ(*ClusterOf(t, "", "/only"), "fallback");
}

TEST(PickWeightedClusterTest, SplitFollowsWeightsExactlyOverTheRandomRange) {
  std::vector<config::WeightedCluster> split = {{"v1", 90}, {"v2", 10}};
  std::vector<uint64_t> all(100);
  for (uint64_t i = 0; i < 100; ++i) all[i] = i;
  FixedRandom random(all);
  int v1 = 0, v2 = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string& c = PickWeightedCluster(split, random);
    if (c == "v1") ++v1;
    if (c == "v2") ++v2;
  }
  EXPECT_EQ(v1, 90);
  EXPECT_EQ(v2, 10);
  FixedRandom edge({89, 90, 99});
  EXPECT_EQ(PickWeightedCluster(split, edge), "v1");
  EXPECT_EQ(PickWeightedCluster(split, edge), "v2");
  EXPECT_EQ(PickWeightedCluster(split, edge), "v2");
}

}  // namespace
}  // namespace weft::http
