#include <memory>

#include "common/testing/fake_dispatcher.h"
#include "gtest/gtest.h"
#include "proxy/upstream/cluster.h"

namespace weft::upstream {
namespace {

config::Cluster MakeCluster(const std::string& name, std::vector<uint16_t> ports) {
  config::Cluster c;
  c.name = name;
  for (uint16_t p : ports) c.endpoints.push_back({"127.0.0.1", p, 1});
  return c;
}

class ClusterManagerTest : public ::testing::Test {
 protected:
  testing::FakeDispatcher dispatcher_;
  stats::Scope scope_;
  FixedRandom random_{{0, 1, 2, 3}};
};

TEST_F(ClusterManagerTest, EndpointChangeKeepsClusterAndPoolsOfEndpointsThatStay) {
  config::ProxyConfig v1;
  v1.clusters = {MakeCluster("svc", {1001, 1002})};
  ClusterManager cm(dispatcher_, v1, scope_, random_);
  std::shared_ptr<Cluster> before = cm.Find("svc");
  std::shared_ptr<ConnectionPool> p1 = before->PickPool(nullptr);
  std::shared_ptr<ConnectionPool> p2 = before->PickPool(nullptr);
  ASSERT_NE(p1, p2);

  config::ProxyConfig v2;
  v2.clusters = {MakeCluster("svc", {1002, 1003})};
  cm.Update(v2);
  std::shared_ptr<Cluster> after = cm.Find("svc");
  EXPECT_EQ(after, before);  // same object: only endpoints changed
  std::shared_ptr<ConnectionPool> kept = p1->address().port() == 1002 ? p1 : p2;
  bool saw_kept = false, saw_new = false;
  for (int i = 0; i < 4; ++i) {
    std::shared_ptr<ConnectionPool> p = after->PickPool(nullptr);
    if (p == kept) saw_kept = true;
    if (p->address().port() == 1003) saw_new = true;
    EXPECT_NE(p->address().port(), 1001);
  }
  EXPECT_TRUE(saw_kept);
  EXPECT_TRUE(saw_new);
}

TEST_F(ClusterManagerTest, OtherChangesReplaceTheClusterButHoldersKeepTheOld) {
  config::ProxyConfig v1;
  v1.clusters = {MakeCluster("svc", {1001}), MakeCluster("gone", {2001})};
  ClusterManager cm(dispatcher_, v1, scope_, random_);
  std::shared_ptr<Cluster> held = cm.Find("svc");
  config::ProxyConfig v2;
  v2.clusters = {MakeCluster("svc", {1001})};
  v2.clusters[0].connect_timeout = absl::Seconds(7);
  cm.Update(v2);
  EXPECT_NE(cm.Find("svc"), held);
  EXPECT_EQ(cm.Find("svc")->config().connect_timeout, absl::Seconds(7));
  EXPECT_EQ(held->config().connect_timeout, absl::Seconds(1));  // still usable
  EXPECT_EQ(cm.Find("gone"), nullptr);
  // Stats survive replacement: same counters by name.
  held->stats().upstream_rq_total.Inc();
  EXPECT_EQ(&cm.Find("svc")->stats().upstream_rq_total, &held->stats().upstream_rq_total);
}

}  // namespace
}  // namespace weft::upstream

namespace weft::upstream {
namespace {

TEST(ClusterOutlierStatsTest, EjectionsShowInTheClusterStats) {
  testing::FakeDispatcher dispatcher;
  stats::Scope scope;
  FixedRandom random({0, 1, 2, 3});
  config::Cluster c = MakeCluster("svc", {1001, 1002, 1003});
  c.outlier_detection.enabled = true;
  c.outlier_detection.consecutive_5xx = 2;
  c.outlier_detection.max_ejection_percent = 50;
  Cluster cluster(dispatcher, c, scope, random, "");
  Cluster::Pick pick = cluster.PickEndpoint(nullptr, LbContext{});
  ASSERT_GE(pick.endpoint, 0);
  for (int i = 0; i < 2; ++i) {
    cluster.OnAttemptStart(pick);
    cluster.OnAttemptEnd(pick, UpstreamResult::kHttp5xx, absl::Milliseconds(1));
  }
  EXPECT_EQ(scope.gauge("cluster.svc.outlier_ejections_active").value(), 1);
  EXPECT_EQ(scope.counter("cluster.svc.outlier_ejections_total").value(), 1u);
  EXPECT_TRUE(cluster.endpoints().ejected(pick.endpoint));
  // The ejection ends by itself (base ejection time 30 s) at the next evaluation.
  dispatcher.AdvanceTime(absl::Seconds(40));
  EXPECT_EQ(scope.gauge("cluster.svc.outlier_ejections_active").value(), 0);
  EXPECT_EQ(scope.counter("cluster.svc.outlier_ejections_total").value(), 1u);
}

}  // namespace
}  // namespace weft::upstream
