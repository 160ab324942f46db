#include "control-plane/monitoring/monitoring.h"

#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

xds::ProxyStatus Proxy(const std::string& id, bool delta, xds::SyncState state) {
  xds::ProxyStatus p;
  p.node_id = id;
  p.peer = "ipv4:10.0.0.2:40000";
  p.delta = delta;
  p.connected_since = absl::FromUnixSeconds(100);
  xds::TypeSyncStatus t;
  t.type_url = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  t.version_sent = "v2";
  t.version_acked = state == xds::SyncState::kSynced ? "v2" : "v1";
  t.responses_sent = 2;
  t.acks = 1;
  t.nacks = state == xds::SyncState::kNacked ? 1 : 0;
  t.last_nack_error = state == xds::SyncState::kNacked ? "bad \"cluster\"" : "";
  t.state = state;
  p.types.push_back(t);
  return p;
}

SourceState State() {
  auto model = std::make_shared<Model>();
  Service svc;
  svc.vip = "10.96.0.10";
  ServicePort port;
  port.name = "http";
  port.port = 80;
  port.protocol = AppProtocol::kHttp;
  svc.ports.push_back(port);
  model->services[{"default", "reviews"}] = svc;
  PortEndpoints pe;
  pe.service_port = 80;
  Endpoint e;
  e.workload = {"default", "reviews-0"};
  e.address = "10.77.0.3";
  e.port = 8080;
  pe.endpoints.push_back(e);
  model->endpoints[{"default", "reviews"}] = {pe};
  Workload w;
  w.address = "10.77.0.3";
  model->workloads[{"default", "reviews-0"}] = w;
  SourceState s;
  s.model = model;
  s.model_version = "abc123";
  s.models_accepted = 2;
  s.models_rejected = 1;
  s.last_rejected = true;
  s.last_error = "svc.yaml: bad port";
  s.last_accepted_time = absl::FromUnixSeconds(1700000000);
  return s;
}

TEST(MonitoringTest, MetricsCoverProxiesSourceAndCertificates) {
  MonitoringInputs in;
  in.list_proxies = [] {
    return std::vector<xds::ProxyStatus>{Proxy("default/a", true, xds::SyncState::kSynced),
                                         Proxy("default/b", false, xds::SyncState::kNacked)};
  };
  in.source_state = [] { return State(); };
  in.render_ca_metrics = [](stats::PrometheusTextWriter& w) {
    w.Family("weft_cp_certificate_signings_total", "h", stats::MetricType::kCounter);
    w.Sample("weft_cp_certificate_signings_total", {"result"}, {"issued"}, "3");
  };
  stats::PrometheusTextWriter w;
  RenderControlPlaneMetrics(in, w);
  const std::string text = w.Release();
  for (const char* line : {
           "weft_cp_connected_proxies{api=\"delta\"} 1\n",
           "weft_cp_connected_proxies{api=\"sotw\"} 1\n",
           "weft_cp_proxies_by_sync_state{state=\"NACKED\"} 1\n",
           "weft_cp_proxies_by_sync_state{state=\"STALE\"} 0\n",
           "weft_cp_certificate_signings_total{result=\"issued\"} 3\n",
           "weft_cp_source_models_total{result=\"rejected\"} 1\n",
           "weft_cp_source_in_error 1\n",
           "weft_cp_model_info{version=\"abc123\"} 1\n",
           "weft_cp_model_objects{kind=\"Service\"} 1\n",
           "weft_cp_model_objects{kind=\"HTTPRoute\"} 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
}

TEST(MonitoringTest, ModelJson) {
  const std::string json = ModelJson(State());
  EXPECT_NE(json.find("\"version\": \"abc123\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"in_error\": true"), std::string::npos);
  EXPECT_NE(json.find("\"accepted_at\": \"2023-11-14T22:13:20+00:00\""), std::string::npos) << json;
  EXPECT_NE(json.find("{\"name\": \"default/reviews\", \"vip\": \"10.96.0.10\", \"ports\": "
                      "[{\"name\": \"http\", \"port\": 80, \"protocol\": \"http\"}], "
                      "\"endpoints\": [{\"service_port\": 80, \"address\": \"10.77.0.3\", "
                      "\"port\": 8080, \"workload\": \"default/reviews-0\", \"zone\": \"\"}]}"),
            std::string::npos)
      << json;
  EXPECT_EQ(ModelJson(SourceState()).find("\"model\": null"), ModelJson(SourceState()).size() -
                                                                  std::string("\"model\": null\n}\n").size());
}

TEST(MonitoringTest, ProxiesJson) {
  EXPECT_EQ(ProxiesJson({}, absl::FromUnixSeconds(0)), "{\"proxies\": []}\n");
  EXPECT_EQ(ProxiesJson({Proxy("default/b", false, xds::SyncState::kNacked)},
                        absl::FromUnixSeconds(130)),
            "{\"proxies\": [\n"
            "    {\"node_id\": \"default/b\", \"peer\": \"ipv4:10.0.0.2:40000\", \"api\": \"sotw\", "
            "\"connected_seconds\": 30, \"state\": \"NACKED\", \"types\": [{\"type\": \"cds\", "
            "\"type_url\": \"type.googleapis.com/envoy.config.cluster.v3.Cluster\", \"state\": "
            "\"NACKED\", \"version_sent\": \"v2\", \"version_acked\": \"v1\", \"responses_sent\": 2, "
            "\"acks\": 1, \"nacks\": 1, \"last_nack_error\": \"bad \\\"cluster\\\"\"}]}\n"
            "]}\n");
}

}  // namespace
}  // namespace weft::control_plane
