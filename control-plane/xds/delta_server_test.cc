// Incremental (delta) ADS against a real XdsServer over 127.0.0.1.
#include <functional>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/time/real_time_source.h"
#include "control-plane/xds/ads_test_client.h"
#include "control-plane/xds/delta_stream.h"
#include "control-plane/xds/xds_server.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

using envoy::service::discovery::v3::DeltaDiscoveryRequest;
using envoy::service::discovery::v3::DeltaDiscoveryResponse;
using testing::MakeAssignment;
using testing::MakeListener;

constexpr char kNode[] = "default/web";

envoy::config::cluster::v3::Cluster MakeCluster(const std::string& name, int timeout_s = 1) {
  envoy::config::cluster::v3::Cluster c;
  c.set_name(name);
  c.mutable_connect_timeout()->set_seconds(timeout_s);
  return c;
}

// Clusters name -> connect timeout, assignments name -> endpoint count.
std::shared_ptr<const Snapshot> MakeSnapshot(const std::map<std::string, int>& clusters,
                                             const std::map<std::string, int>& assignments = {},
                                             const std::vector<std::string>& listeners = {}) {
  Snapshot s;
  for (const auto& [name, t] : clusters) s.Add(Resource::FromMessage(name, MakeCluster(name, t)));
  for (const auto& [name, n] : assignments) {
    s.Add(Resource::FromMessage(name, MakeAssignment(name, n)));
  }
  int port = 15001;
  for (const auto& name : listeners) s.Add(Resource::FromMessage(name, MakeListener(name, port++)));
  return std::make_shared<const Snapshot>(std::move(s));
}

std::vector<std::string> Names(const DeltaDiscoveryResponse& r) {
  std::vector<std::string> names;
  for (const auto& res : r.resources()) names.push_back(res.name());
  std::sort(names.begin(), names.end());
  return names;
}
std::vector<std::string> Removed(const DeltaDiscoveryResponse& r) {
  std::vector<std::string> names(r.removed_resources().begin(), r.removed_resources().end());
  std::sort(names.begin(), names.end());
  return names;
}

DeltaDiscoveryRequest Subscribe(absl::string_view type_url, std::vector<std::string> names = {},
                                bool with_node = false) {
  DeltaDiscoveryRequest r;
  r.set_type_url(std::string(type_url));
  for (auto& n : names) r.add_resource_names_subscribe(n);
  if (with_node) r.mutable_node()->set_id(kNode);
  return r;
}

DeltaDiscoveryRequest Ack(const DeltaDiscoveryResponse& resp) {
  DeltaDiscoveryRequest r;
  r.set_type_url(resp.type_url());
  r.set_response_nonce(resp.nonce());
  return r;
}

class DeltaServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    XdsServer::Options options;
    options.address = "127.0.0.1:0";
    options.debounce = absl::Milliseconds(10);
    auto server = XdsServer::Start(options, RealTimeSource::Instance());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    target_ = absl::StrCat("127.0.0.1:", server_->port());
  }

  bool WaitForType(absl::string_view type_url, std::function<bool(const TypeSyncStatus&)> pred,
                   TypeSyncStatus* out = nullptr) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      for (const ProxyStatus& p : server_->ListProxies()) {
        for (const TypeSyncStatus& t : p.types) {
          if (p.node_id == kNode && t.type_url == type_url && pred(t)) {
            if (out != nullptr) *out = t;
            return true;
          }
        }
      }
      absl::SleepFor(absl::Milliseconds(5));  // polling with a deadline
    }
    return false;
  }

  std::unique_ptr<XdsServer> server_;
  std::string target_;
};

TEST_F(DeltaServerTest, InitialThenOnlyChangedThenRemoved) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}, {"b", 1}, {"c", 1}}));
  auto stream = testing::OpenDelta(target_);
  ASSERT_TRUE(stream->Send(Subscribe(kClusterType, {}, true)));  // legacy wildcard
  auto initial = stream->Next();
  ASSERT_TRUE(initial.has_value());
  EXPECT_EQ(Names(*initial), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(initial->removed_resources().empty());
  for (const auto& r : initial->resources()) {
    EXPECT_EQ(r.resource().type_url(), kClusterType);
    EXPECT_EQ(r.version().size(), 16u);
  }
  ASSERT_TRUE(stream->Send(Ack(*initial)));
  ASSERT_TRUE(WaitForType(kClusterType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.acks == 1;
  }));

  // Only b changes.
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}, {"b", 2}, {"c", 1}}));
  auto update = stream->Next();
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ(Names(*update), (std::vector<std::string>{"b"}));
  envoy::config::cluster::v3::Cluster b;
  ASSERT_TRUE(update->resources(0).resource().UnpackTo(&b));
  EXPECT_EQ(b.connect_timeout().seconds(), 2);
  EXPECT_NE(update->nonce(), initial->nonce());
  EXPECT_NE(update->system_version_info(), initial->system_version_info());
  ASSERT_TRUE(stream->Send(Ack(*update)));

  // c is deleted.
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}, {"b", 2}}));
  auto removal = stream->Next();
  ASSERT_TRUE(removal.has_value());
  EXPECT_TRUE(removal->resources().empty());
  EXPECT_EQ(Removed(*removal), (std::vector<std::string>{"c"}));
  ASSERT_TRUE(stream->Send(Ack(*removal)));
  TypeSyncStatus st;
  ASSERT_TRUE(WaitForType(kClusterType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.acks == 3;
  }, &st));
  EXPECT_EQ(st.version_acked, removal->system_version_info());
  EXPECT_TRUE(server_->ListProxies()[0].delta);
}

// One snapshot change that touches several types: each type gets its response
// (a response covers one type; the others must not be forgotten).
TEST_F(DeltaServerTest, ChangeOfSeveralTypesSendsEveryType) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}}, {}, {"l1"}));
  auto stream = testing::OpenDelta(target_);
  ASSERT_TRUE(stream->Send(Subscribe(kClusterType, {"*"}, true)));
  ASSERT_TRUE(stream->Send(Subscribe(kListenerType, {"*"})));
  std::map<std::string, std::vector<std::string>> seen;
  for (int i = 0; i < 2; ++i) {
    auto r = stream->Next();
    ASSERT_TRUE(r.has_value());
    seen[r->type_url()] = Names(*r);
    ASSERT_TRUE(stream->Send(Ack(*r)));
  }
  EXPECT_EQ(seen[std::string(kClusterType)], (std::vector<std::string>{"a"}));
  EXPECT_EQ(seen[std::string(kListenerType)], (std::vector<std::string>{"l1"}));

  // Both clusters and listeners change at once.
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 2}}, {}, {"l1", "l2"}));
  seen.clear();
  for (int i = 0; i < 2; ++i) {
    auto r = stream->Next();
    ASSERT_TRUE(r.has_value()) << "only " << i << " of 2 types were sent";
    seen[r->type_url()] = Names(*r);
    ASSERT_TRUE(stream->Send(Ack(*r)));
  }
  EXPECT_EQ(seen[std::string(kClusterType)], (std::vector<std::string>{"a"}));
  EXPECT_EQ(seen[std::string(kListenerType)], (std::vector<std::string>{"l2"}));
}

TEST_F(DeltaServerTest, InitialResourceVersionsSuppressUnchangedOnReconnect) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}, {"b", 1}, {"c", 1}}));
  std::map<std::string, std::string> versions;
  {
    auto first = testing::OpenDelta(target_);
    ASSERT_TRUE(first->Send(Subscribe(kClusterType, {"*"}, true)));
    auto initial = first->Next();
    ASSERT_TRUE(initial.has_value());
    ASSERT_EQ(initial->resources_size(), 3);
    for (const auto& r : initial->resources()) versions[r.name()] = r.version();
    EXPECT_TRUE(first->Close().ok());
  }
  // While the client was away: b changed, c went away, d appeared.
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}, {"b", 3}, {"d", 1}}));

  auto again = testing::OpenDelta(target_);
  DeltaDiscoveryRequest req = Subscribe(kClusterType, {"*"}, true);
  for (const auto& [name, version] : versions) (*req.mutable_initial_resource_versions())[name] = version;
  ASSERT_TRUE(again->Send(req));
  auto resp = again->Next();
  ASSERT_TRUE(resp.has_value());
  EXPECT_EQ(Names(*resp), (std::vector<std::string>{"b", "d"}));  // not a: unchanged
  EXPECT_EQ(Removed(*resp), (std::vector<std::string>{"c"}));
}

TEST_F(DeltaServerTest, NothingChangedOnReconnectStillGetsAnEmptyAnswer) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}}));
  auto stream = testing::OpenDelta(target_);
  DeltaDiscoveryRequest req = Subscribe(kClusterType, {}, true);
  (*req.mutable_initial_resource_versions())["a"] =
      server_->cache().Fetch({kNode, {}}, {})->Find(kClusterType, "a")->version;
  ASSERT_TRUE(stream->Send(req));
  auto resp = stream->Next();
  ASSERT_TRUE(resp.has_value());
  EXPECT_EQ(resp->resources_size(), 0);
  EXPECT_EQ(resp->removed_resources_size(), 0);
  EXPECT_FALSE(resp->nonce().empty());
}

TEST_F(DeltaServerTest, NamedSubscribeAndUnsubscribe) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({}, {{"e1", 1}, {"e2", 1}, {"e3", 1}}));
  auto stream = testing::OpenDelta(target_);
  ASSERT_TRUE(stream->Send(Subscribe(kClusterLoadAssignmentType, {"e1"}, true)));
  auto r1 = stream->Next();
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(Names(*r1), (std::vector<std::string>{"e1"}));

  DeltaDiscoveryRequest more = Ack(*r1);
  more.add_resource_names_subscribe("e2");
  ASSERT_TRUE(stream->Send(more));
  auto r2 = stream->Next();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(Names(*r2), (std::vector<std::string>{"e2"}));  // e1 is not resent

  DeltaDiscoveryRequest less = Ack(*r2);
  less.add_resource_names_unsubscribe("e1");
  ASSERT_TRUE(stream->Send(less));
  ASSERT_TRUE(WaitForType(kClusterLoadAssignmentType, [](const TypeSyncStatus& t) {
    return t.acks == 2;
  }));

  // Both change; only the still-subscribed e2 is pushed.
  server_->cache().SetDefaultSnapshot(MakeSnapshot({}, {{"e1", 7}, {"e2", 7}, {"e3", 7}}));
  auto r3 = stream->Next();
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(Names(*r3), (std::vector<std::string>{"e2"}));
  EXPECT_TRUE(r3->removed_resources().empty());
}

TEST_F(DeltaServerTest, WildcardUnsubscribeKeepsExplicitNames) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({}, {}, {"l1", "l2"}));
  auto stream = testing::OpenDelta(target_);
  ASSERT_TRUE(stream->Send(Subscribe(kListenerType, {"*", "l2"}, true)));
  auto r1 = stream->Next();
  ASSERT_TRUE(r1.has_value());
  EXPECT_EQ(Names(*r1), (std::vector<std::string>{"l1", "l2"}));

  DeltaDiscoveryRequest req = Ack(*r1);
  req.add_resource_names_unsubscribe("*");
  ASSERT_TRUE(stream->Send(req));
  ASSERT_TRUE(WaitForType(kListenerType, [](const TypeSyncStatus& t) { return t.acks == 1; }));

  // A new listener appears and both existing change: only l2 (explicit) is pushed.
  Snapshot s;
  s.Add(Resource::FromMessage("l1", MakeListener("l1", 2001)));
  s.Add(Resource::FromMessage("l2", MakeListener("l2", 2002)));
  s.Add(Resource::FromMessage("l3", MakeListener("l3", 2003)));
  server_->cache().SetDefaultSnapshot(std::make_shared<const Snapshot>(std::move(s)));
  auto r2 = stream->Next();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(Names(*r2), (std::vector<std::string>{"l2"}));
}

TEST_F(DeltaServerTest, NackIsRecordedAndTheNextChangeIsPushed) {
  server_->cache().SetDefaultSnapshot(MakeSnapshot({{"a", 1}}));
  auto stream = testing::OpenDelta(target_);
  ASSERT_TRUE(stream->Send(Subscribe(kClusterType, {}, true)));
  auto r1 = stream->Next();
  ASSERT_TRUE(r1.has_value());
  DeltaDiscoveryRequest nack = Ack(*r1);
  nack.mutable_error_detail()->set_code(3);
  nack.mutable_error_detail()->set_message("Cluster a: lb_policy MAGLEV unsupported");
  ASSERT_TRUE(stream->Send(nack));
  TypeSyncStatus st;
  ASSERT_TRUE(WaitForType(kClusterType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kNacked;
  }, &st));
  EXPECT_EQ(st.last_nack_error, "Cluster a: lb_policy MAGLEV unsupported");

  server_->cache().SetSnapshot(kNode, MakeSnapshot({{"a", 2}}));
  auto r2 = stream->Next();
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(Names(*r2), (std::vector<std::string>{"a"}));
  ASSERT_TRUE(stream->Send(Ack(*r2)));
  ASSERT_TRUE(WaitForType(kClusterType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.acks == 1 && t.nacks == 1;
  }));
}

TEST_F(DeltaServerTest, LargeDiffsAreSplitIntoBoundedResponses) {
  // 60 assignments of ~1000 endpoints (~40 KB each): > 2 MiB in total.
  std::map<std::string, int> big;
  for (int i = 0; i < 60; ++i) big[absl::StrCat("svc", i)] = 1000;
  server_->cache().SetDefaultSnapshot(MakeSnapshot({}, big));
  auto stream = testing::OpenDelta(target_);
  ASSERT_TRUE(stream->Send(Subscribe(kClusterLoadAssignmentType, {"*"}, true)));
  std::set<std::string> got;
  int responses = 0;
  while (got.size() < big.size() && responses < 20) {
    auto r = stream->Next();
    ASSERT_TRUE(r.has_value()) << "after " << got.size() << " resources";
    ++responses;
    EXPECT_LE(r->ByteSizeLong(), DeltaStream::kMaxResponseBytes + 64 * 1024);
    for (const auto& res : r->resources()) EXPECT_TRUE(got.insert(res.name()).second);
    ASSERT_TRUE(stream->Send(Ack(*r)));
  }
  EXPECT_EQ(got.size(), big.size());
  EXPECT_GE(responses, 2);
}

}  // namespace
}  // namespace weft::xds
