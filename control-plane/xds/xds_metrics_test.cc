#include "control-plane/xds/xds_metrics.h"

#include "common/time/simulated_time_source.h"
#include "control-plane/xds/sync_status.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

constexpr char kClusters[] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

std::string Rendered(const XdsMetrics& m) {
  stats::PrometheusTextWriter w;
  m.Render(w);
  return w.Release();
}

TEST(XdsMetricsTest, NormalizeReasonBoundsAndMergesMessages) {
  EXPECT_EQ(XdsMetrics::NormalizeReason("Cluster 'a' has 3 endpoints\nmore"),
            "cluster 'a' has N endpoints");
  EXPECT_EQ(XdsMetrics::NormalizeReason("Cluster 'a' has 41 endpoints"),
            XdsMetrics::NormalizeReason("cluster 'a' has 7 endpoints"));
  EXPECT_EQ(XdsMetrics::NormalizeReason("listener outbound: port 0 is invalid"),
            "listener outbound");
  EXPECT_EQ(XdsMetrics::NormalizeReason(""), "unspecified");
  EXPECT_EQ(XdsMetrics::NormalizeReason(std::string(500, 'x')).size(), 64u);
}

TEST(XdsMetricsTest, TrackerCountsPushesAckLatencyAndNacks) {
  SimulatedTimeSource time;
  XdsMetrics metrics;
  TypeSyncTracker tracker(kClusters, &metrics, &time);
  tracker.OnSent("1", "v1");
  time.Advance(absl::Milliseconds(30));
  tracker.OnAck("1");
  tracker.OnSent("2", "v2");
  tracker.OnNack("2", "cluster x: bad lb policy 7", time.SystemNow());

  const std::string text = Rendered(metrics);
  EXPECT_NE(text.find("weft_cp_xds_pushes_total{type=\"cds\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("weft_cp_xds_acks_total{type=\"cds\"} 1\n"), std::string::npos) << text;
  // 30 ms lands in le=0.05 but not le=0.025.
  EXPECT_NE(text.find("weft_cp_xds_push_ack_seconds_bucket{type=\"cds\",le=\"0.025\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("weft_cp_xds_push_ack_seconds_bucket{type=\"cds\",le=\"0.05\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("weft_cp_xds_nacks_total{type=\"cds\",reason=\"cluster x\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(XdsMetricsTest, NackReasonsAreCappedPerFamily) {
  XdsMetrics metrics;
  for (int i = 0; i < 100; ++i) {
    metrics.OnNack(kClusters, std::string(1, static_cast<char>('a' + i % 26)) +
                                  std::string(1, static_cast<char>('a' + i / 26)));
  }
  const std::string text = Rendered(metrics);
  EXPECT_NE(text.find("reason=\"__overflow__\"} 36\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace weft::xds
