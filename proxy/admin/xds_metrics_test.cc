#include "proxy/admin/xds_metrics.h"

#include "gtest/gtest.h"

namespace weft::admin {
namespace {

constexpr char kListener[] = "type.googleapis.com/envoy.config.listener.v3.Listener";
constexpr char kEndpoints[] = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

TEST(XdsMetricsTest, TypeLabels) {
  EXPECT_EQ(XdsTypeLabel(kListener), "lds");
  EXPECT_EQ(XdsTypeLabel(kEndpoints), "eds");
  EXPECT_EQ(XdsTypeLabel("type.googleapis.com/x.y.Other"), "Other");
}

TEST(XdsMetricsTest, RendersStatePerType) {
  xds::AdsClientStatus status;
  status.connected = true;
  status.applied_by_type[kListener] = 3;
  status.rejected_by_type[kEndpoints] = 1;
  status.last_update_by_type[kListener] = absl::FromUnixSeconds(1700000000);
  status.versions[kListener] = {{"outbound", "v1"}, {"inbound", "v1"}};
  stats::PrometheusTextWriter w;
  RenderXdsMetrics(status, w);
  EXPECT_EQ(w.text(),
            "# HELP weft_xds_connected 1 while the ADS stream to the control plane is up.\n"
            "# TYPE weft_xds_connected gauge\n"
            "weft_xds_connected 1\n"
            "# HELP weft_xds_updates_total xDS responses applied (ACKed) or rejected (NACKed), "
            "by type.\n"
            "# TYPE weft_xds_updates_total counter\n"
            "weft_xds_updates_total{type=\"eds\",result=\"applied\"} 0\n"
            "weft_xds_updates_total{type=\"eds\",result=\"rejected\"} 1\n"
            "weft_xds_updates_total{type=\"lds\",result=\"applied\"} 3\n"
            "weft_xds_updates_total{type=\"lds\",result=\"rejected\"} 0\n"
            "# HELP weft_xds_last_update_timestamp_seconds Unix time of the last applied xDS "
            "update, by type.\n"
            "# TYPE weft_xds_last_update_timestamp_seconds gauge\n"
            "weft_xds_last_update_timestamp_seconds{type=\"lds\"} 1.7e+09\n"
            "# HELP weft_xds_resources xDS resources held, by type.\n"
            "# TYPE weft_xds_resources gauge\n"
            "weft_xds_resources{type=\"lds\"} 2\n");
}

}  // namespace
}  // namespace weft::admin
