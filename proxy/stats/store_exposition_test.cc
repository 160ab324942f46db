#include "proxy/stats/store_exposition.h"

#include "gtest/gtest.h"

namespace weft::stats {
namespace {

TEST(StoreExpositionTest, MapsNamesToFamiliesAndLabels) {
  struct Case {
    const char* name;
    bool is_gauge;
    const char* family;
    std::vector<std::string> labels;
    std::vector<std::string> values;
  };
  const Case cases[] = {
      {"listener.outbound_15001.http_rq_2xx",
       false,
       "weft_listener_http_rq_2xx_total",
       {"listener"},
       {"outbound_15001"}},
      {"listener.l.cx_active", true, "weft_listener_cx_active", {"listener"}, {"l"}},
      {"cluster.outbound|80||reviews.ns.svc.cluster.local.upstream_rq_total",
       false,
       "weft_cluster_upstream_rq_total",
       {"cluster"},
       {"outbound|80||reviews.ns.svc.cluster.local"}},
      {"proxy.errors.no_healthy_upstream",
       false,
       "weft_proxy_errors_total",
       {"reason"},
       {"no_healthy_upstream"}},
      {"server.config_update_ok", false, "weft_server_config_update_ok_total", {}, {}},
      {"cluster.noname", false, "weft_cluster_noname_total", {}, {}},  // no stat part
      {"odd-name.x", true, "weft_odd_name_x", {}, {}},
  };
  for (const Case& c : cases) {
    PrometheusName n = MapStoreName(c.name, c.is_gauge);
    EXPECT_EQ(n.family, c.family) << c.name;
    EXPECT_EQ(n.label_names, c.labels) << c.name;
    EXPECT_EQ(n.label_values, c.values) << c.name;
  }
}

TEST(StoreExpositionTest, RendersOneContiguousFamilyPerStat) {
  std::map<std::string, Store::Value> snapshot = {
      {"listener.a.http_rq_2xx", {false, 3}},
      {"listener.b.http_rq_2xx", {false, 4}},
      {"listener.a.cx_active", {true, -1}},
      {"server.config_update_ok", {false, 2}},
  };
  PrometheusTextWriter w;
  RenderStoreSnapshot(snapshot, w);
  EXPECT_EQ(w.text(),
            "# HELP weft_listener_cx_active Weft stat listener.<listener>.cx_active.\n"
            "# TYPE weft_listener_cx_active gauge\n"
            "weft_listener_cx_active{listener=\"a\"} -1\n"
            "# HELP weft_listener_http_rq_2xx_total Weft stat listener.<listener>.http_rq_2xx.\n"
            "# TYPE weft_listener_http_rq_2xx_total counter\n"
            "weft_listener_http_rq_2xx_total{listener=\"a\"} 3\n"
            "weft_listener_http_rq_2xx_total{listener=\"b\"} 4\n"
            "# HELP weft_server_config_update_ok_total Weft stat server.config_update_ok.\n"
            "# TYPE weft_server_config_update_ok_total counter\n"
            "weft_server_config_update_ok_total 2\n");
}

TEST(StoreExpositionTest, SumsNamesThatMapToOneSeriesAndDropsTypeClashes) {
  std::map<std::string, Store::Value> snapshot = {
      {"a.b", {false, 5}},       // counter weft_a_b_total
      {"a.b_total", {true, 7}},  // gauge weft_a_b_total: clashes, dropped
      {"x.y", {true, 1}},        // gauge weft_x_y
      {"x_y", {true, 2}},        // the same series: summed
  };
  PrometheusTextWriter w;
  RenderStoreSnapshot(snapshot, w);
  EXPECT_EQ(w.text(),
            "# HELP weft_a_b_total Weft stat a.b.\n"
            "# TYPE weft_a_b_total counter\n"
            "weft_a_b_total 5\n"
            "# HELP weft_x_y Weft stat x.y.\n"
            "# TYPE weft_x_y gauge\n"
            "weft_x_y 3\n");
}

}  // namespace
}  // namespace weft::stats
