#include "proxy/admin/inspection.h"

#include "gtest/gtest.h"

namespace weft::admin {
namespace {

config::ProxyConfig TwoClusters() {
  config::ProxyConfig c;
  config::Cluster backend;
  backend.name = "outbound|80||reviews.default";
  backend.type = config::Cluster::Type::kEds;
  backend.endpoints = {{"10.0.0.1", 8080, 3}, {"fd00::2", 8080, 1}};
  c.clusters.push_back(backend);
  config::Cluster passthrough;
  passthrough.name = "passthrough";
  passthrough.type = config::Cluster::Type::kOriginalDst;
  c.clusters.push_back(passthrough);

  config::Listener outbound;
  outbound.name = "outbound";
  outbound.address = "0.0.0.0";
  outbound.port = 15001;
  outbound.original_dst = true;
  outbound.default_cluster = "passthrough";
  config::FilterChain chain;
  chain.name = "reviews";
  chain.destination_prefixes = {{"10.96.0.5", 32}};
  chain.destination_port = 80;
  chain.protocol = config::Protocol::kHttp;
  chain.route_config = "reviews:80";
  outbound.filter_chains.push_back(chain);
  c.listeners.push_back(outbound);
  return c;
}

StatsSnapshot Stats() {
  StatsSnapshot s;
  s["cluster.outbound|80||reviews.default.upstream_rq_active"] = {true, 2};
  s["cluster.outbound|80||reviews.default.upstream_rq_total"] = {false, 40};
  s["cluster.outbound|80||reviews.default.upstream_cx_connect_fail"] = {false, 1};
  return s;
}

TEST(InspectionTest, ClustersJsonCarriesEndpointsAndLiveNumbers) {
  EXPECT_EQ(ClustersJson(TwoClusters(), Stats()),
            "{\"clusters\": [\n"
            "    {\"name\": \"outbound|80||reviews.default\", \"type\": \"eds\", \"lb_policy\": "
            "\"round_robin\", \"active_requests\": 2, \"requests_total\": 40, "
            "\"connections_total\": 0, \"connect_failures\": 1, \"endpoints\": ["
            "{\"address\": \"10.0.0.1:8080\", \"weight\": 3, \"health\": \"healthy\", "
            "\"ejected\": false, \"active_requests\": 0, \"ejections_total\": 0}, "
            "{\"address\": \"[fd00::2]:8080\", \"weight\": 1, \"health\": \"healthy\", "
            "\"ejected\": false, \"active_requests\": 0, \"ejections_total\": 0}]},\n"
            "    {\"name\": \"passthrough\", \"type\": \"original_dst\", \"lb_policy\": "
            "\"round_robin\", \"active_requests\": 0, \"requests_total\": 0, "
            "\"connections_total\": 0, \"connect_failures\": 0, \"endpoints\": []}\n"
            "]}\n");
}

TEST(InspectionTest, EndpointColumnsComeFromTheWorkersStates) {
  EndpointStates states;
  EndpointState& s = states["outbound|80||reviews.default"]["10.0.0.1:8080"];
  s.healthy = false;
  s.ejected = true;
  s.active_requests = 4;
  s.ejections_total = 2;
  const std::string json = ClustersJson(TwoClusters(), Stats(), &states);
  EXPECT_NE(json.find("{\"address\": \"10.0.0.1:8080\", \"weight\": 3, \"health\": "
                      "\"unhealthy\", \"ejected\": true, \"active_requests\": 4, "
                      "\"ejections_total\": 2}"),
            std::string::npos)
      << json;
  const std::string text = ClustersText(TwoClusters(), Stats(), &states);
  EXPECT_NE(text.find("outbound|80||reviews.default::10.0.0.1:8080::ejected::true\n"),
            std::string::npos)
      << text;
}

TEST(InspectionTest, ClustersTextIsOneFactPerLine) {
  const std::string text = ClustersText(TwoClusters(), Stats());
  EXPECT_NE(text.find("outbound|80||reviews.default::active_requests::2\n"), std::string::npos);
  EXPECT_NE(text.find("outbound|80||reviews.default::connect_failures::1\n"), std::string::npos);
  EXPECT_NE(text.find("outbound|80||reviews.default::[fd00::2]:8080::weight::1\n"),
            std::string::npos);
  EXPECT_NE(text.find("outbound|80||reviews.default::10.0.0.1:8080::health::healthy\n"),
            std::string::npos);
  EXPECT_NE(text.find("passthrough::type::original_dst\n"), std::string::npos);
}

TEST(InspectionTest, ListenersJsonAndText) {
  EXPECT_EQ(ListenersJson(TwoClusters()),
            "{\"listeners\": [\n"
            "    {\"name\": \"outbound\", \"address\": \"0.0.0.0:15001\", \"protocol\": \"auto\", "
            "\"original_dst\": true, \"route_config\": \"\", \"default_cluster\": "
            "\"passthrough\", \"filter_chains\": [{\"name\": \"reviews\", "
            "\"destination_prefixes\": [\"10.96.0.5/32\"], \"destination_port\": 80, "
            "\"protocol\": \"http\", \"route_config\": \"reviews:80\", \"cluster\": \"\"}]}\n"
            "]}\n");
  EXPECT_EQ(ListenersText(TwoClusters()),
            "outbound::0.0.0.0:15001::auto::filter_chains=1\n"
            "outbound::chain::reviews::10.96.0.5/32:80::http::reviews:80\n");
}

TEST(InspectionTest, EmptyConfigAndCerts) {
  config::ProxyConfig empty;
  EXPECT_EQ(ClustersJson(empty, {}), "{\"clusters\": []}\n");
  EXPECT_EQ(ListenersJson(empty), "{\"listeners\": []}\n");
  EXPECT_EQ(CertsText(CertsView{}),
            "no workload certificate: the proxy runs without --ca_address (no mTLS)\n");
}

TEST(InspectionTest, CertsShowIdentityExpiryAndBundle) {
  CertsView v;
  v.identity_enabled = true;
  v.ready = true;
  v.identity = "spiffe://cluster.local/ns/shop/sa/cart";
  v.now = absl::FromUnixSeconds(1'800'000'000);
  v.not_after = v.now + absl::Hours(12);
  v.root_fingerprints = {"ab12", "cd34"};
  v.bundle_from_sds = true;
  v.swaps = 3;
  const std::string json = CertsJson(v);
  EXPECT_NE(json.find("\"identity\": \"spiffe://cluster.local/ns/shop/sa/cart\""),
            std::string::npos) << json;
  EXPECT_NE(json.find("\"seconds_to_expiry\": 43200"), std::string::npos) << json;
  EXPECT_NE(json.find("\"source\": \"sds\", \"roots\": [\"ab12\", \"cd34\"]"),
            std::string::npos) << json;
  EXPECT_NE(CertsText(v).find("seconds_to_expiry 43200\n"), std::string::npos);
  v.ready = false;
  v.last_error = "UNAVAILABLE: ca down";
  EXPECT_EQ(CertsText(v), "no workload certificate yet: UNAVAILABLE: ca down\n");
}

TEST(InspectionTest, WantsJsonMatchesWholeParameter) {
  EXPECT_TRUE(WantsJson("format=json"));
  EXPECT_TRUE(WantsJson("a=b&format=json"));
  EXPECT_FALSE(WantsJson("format=jsonl"));
  EXPECT_FALSE(WantsJson(""));
}

}  // namespace
}  // namespace weft::admin
