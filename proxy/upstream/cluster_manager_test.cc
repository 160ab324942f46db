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
