#include "control-plane/xds/snapshot_cache.h"

#include <vector>

#include "common/testing/fake_dispatcher.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

std::shared_ptr<const Snapshot> OneCluster(const std::string& name, int timeout_s = 1) {
  envoy::config::cluster::v3::Cluster c;
  c.set_name(name);
  c.mutable_connect_timeout()->set_seconds(timeout_s);
  Snapshot s;
  s.Add(Resource::FromMessage(name, c));
  return std::make_shared<const Snapshot>(std::move(s));
}

class RecordingWatcher : public SnapshotWatcher {
 public:
  void OnSnapshotsChanged(const ChangedNodes& changed) override { calls.push_back(changed); }
  std::vector<ChangedNodes> calls;
};

class FixedSource : public SnapshotSource {
 public:
  std::shared_ptr<const Snapshot> BuildFor(const NodeInfo& node,
                                           const Subscriptions& subs) override {
    last_node = node.id;
    last_subs = subs;
    return result;
  }
  std::shared_ptr<const Snapshot> result;
  std::string last_node;
  Subscriptions last_subs;
};

TEST(SnapshotTest, VersionIsAContentHash) {
  auto a = OneCluster("a", 1);
  auto a_again = OneCluster("a", 1);
  auto a_changed = OneCluster("a", 2);
  const Resource* ra = a->Find(kClusterType, "a");
  ASSERT_NE(ra, nullptr);
  EXPECT_EQ(ra->version, a_again->Find(kClusterType, "a")->version);
  EXPECT_NE(ra->version, a_changed->Find(kClusterType, "a")->version);
  EXPECT_EQ(ra->version.size(), 16u);
  EXPECT_EQ(ra->body.type_url(), kClusterType);
  EXPECT_EQ(a->Find(kClusterType, "b"), nullptr);
  EXPECT_TRUE(a->Resources(kListenerType).empty());
}

TEST(SnapshotCacheTest, UpdatesWithinTheWindowAreCoalescedIntoOneNotification) {
  testing::FakeDispatcher d;
  SnapshotCache cache(d, {absl::Milliseconds(100)});
  RecordingWatcher w;
  cache.AddWatcher(&w);

  cache.SetSnapshot("ns/a", OneCluster("c1"));
  d.AdvanceTime(absl::Milliseconds(30));
  cache.SetSnapshot("ns/b", OneCluster("c2"));
  cache.SetSnapshot("ns/a", OneCluster("c3"));
  d.AdvanceTime(absl::Milliseconds(69));
  EXPECT_TRUE(w.calls.empty());

  d.AdvanceTime(absl::Milliseconds(1));
  ASSERT_EQ(w.calls.size(), 1u);
  EXPECT_FALSE(w.calls[0].all);
  EXPECT_TRUE(w.calls[0].Contains("ns/a"));
  EXPECT_TRUE(w.calls[0].Contains("ns/b"));
  EXPECT_FALSE(w.calls[0].Contains("ns/c"));
  EXPECT_EQ(cache.notifications(), 1u);

  // The stored snapshot is the last one set.
  NodeInfo a{"ns/a", {}};
  EXPECT_NE(cache.Fetch(a, {})->Find(kClusterType, "c3"), nullptr);
  cache.RemoveWatcher(&w);
}

TEST(SnapshotCacheTest, NotifyAllMarksEveryNode) {
  testing::FakeDispatcher d;
  SnapshotCache cache(d, {absl::Milliseconds(100)});
  RecordingWatcher w;
  cache.AddWatcher(&w);
  cache.NotifyNodeChanged("ns/a");
  cache.NotifyAllChanged();
  d.AdvanceTime(absl::Milliseconds(100));
  ASSERT_EQ(w.calls.size(), 1u);
  EXPECT_TRUE(w.calls[0].Contains("anything"));

  cache.RemoveWatcher(&w);
  cache.NotifyAllChanged();
  d.AdvanceTime(absl::Milliseconds(100));
  EXPECT_EQ(w.calls.size(), 1u);  // removed watchers are not called
}

TEST(SnapshotCacheTest, PrecedenceIsNodeThenSourceThenDefault) {
  testing::FakeDispatcher d;
  SnapshotCache cache(d, {absl::Milliseconds(100)});
  NodeInfo node{"ns/a", {}};
  Subscriptions subs;
  subs[std::string(kListenerType)].names.insert("greeter");

  EXPECT_TRUE(cache.Fetch(node, subs)->TypeUrls().empty());  // nothing: empty snapshot

  cache.SetDefaultSnapshot(OneCluster("default"));
  EXPECT_NE(cache.Fetch(node, subs)->Find(kClusterType, "default"), nullptr);

  FixedSource source;
  cache.SetSource(&source);
  // A source returning nullptr falls back to the default.
  EXPECT_NE(cache.Fetch(node, subs)->Find(kClusterType, "default"), nullptr);
  source.result = OneCluster("from-source");
  EXPECT_NE(cache.Fetch(node, subs)->Find(kClusterType, "from-source"), nullptr);
  EXPECT_EQ(source.last_node, "ns/a");
  EXPECT_EQ(source.last_subs.at(std::string(kListenerType)).names.count("greeter"), 1u);

  cache.SetSnapshot("ns/a", OneCluster("pinned"));
  EXPECT_NE(cache.Fetch(node, subs)->Find(kClusterType, "pinned"), nullptr);
  cache.ClearSnapshot("ns/a");
  EXPECT_NE(cache.Fetch(node, subs)->Find(kClusterType, "from-source"), nullptr);
  cache.SetSource(nullptr);
  d.AdvanceTime(absl::Seconds(1));
}

}  // namespace
}  // namespace weft::xds
