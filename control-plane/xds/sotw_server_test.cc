// State-of-the-world ADS against a real XdsServer over 127.0.0.1.
#include <functional>

#include "absl/strings/str_cat.h"
#include "common/time/real_time_source.h"
#include "control-plane/xds/ads_test_client.h"
#include "control-plane/xds/xds_server.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/route/v3/route.pb.h"
#include "gtest/gtest.h"
#include "weft/controlplane/v1/mesh_status.grpc.pb.h"

namespace weft::xds {
namespace {

using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;
using testing::MakeAssignment;
using testing::MakeListener;

constexpr char kNode[] = "default/web";

envoy::config::cluster::v3::Cluster MakeCluster(const std::string& name, int timeout_s = 1) {
  envoy::config::cluster::v3::Cluster c;
  c.set_name(name);
  c.mutable_connect_timeout()->set_seconds(timeout_s);
  return c;
}

envoy::config::route::v3::RouteConfiguration MakeRoute(const std::string& name) {
  envoy::config::route::v3::RouteConfiguration r;
  r.set_name(name);
  return r;
}

std::shared_ptr<const Snapshot> BaseSnapshot(int listener_port = 15001) {
  Snapshot s;
  s.Add(Resource::FromMessage("outbound", MakeListener("outbound", listener_port)));
  s.Add(Resource::FromMessage("inbound", MakeListener("inbound", 15006)));
  s.Add(Resource::FromMessage("c1", MakeCluster("c1")));
  s.Add(Resource::FromMessage("c2", MakeCluster("c2")));
  for (const char* n : {"e1", "e2", "e3"}) s.Add(Resource::FromMessage(n, MakeAssignment(n, 3)));
  for (const char* n : {"r1", "r2"}) s.Add(Resource::FromMessage(n, MakeRoute(n)));
  return std::make_shared<const Snapshot>(std::move(s));
}

std::vector<std::string> Names(const DiscoveryResponse& r) {
  std::vector<std::string> names;
  for (const auto& any : r.resources()) {
    if (any.type_url() == kListenerType) {
      envoy::config::listener::v3::Listener l;
      EXPECT_TRUE(any.UnpackTo(&l));
      names.push_back(l.name());
    } else if (any.type_url() == kClusterType) {
      envoy::config::cluster::v3::Cluster c;
      EXPECT_TRUE(any.UnpackTo(&c));
      names.push_back(c.name());
    } else if (any.type_url() == kClusterLoadAssignmentType) {
      envoy::config::endpoint::v3::ClusterLoadAssignment c;
      EXPECT_TRUE(any.UnpackTo(&c));
      names.push_back(c.cluster_name());
    } else if (any.type_url() == kRouteConfigurationType) {
      envoy::config::route::v3::RouteConfiguration c;
      EXPECT_TRUE(any.UnpackTo(&c));
      names.push_back(c.name());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

DiscoveryRequest Request(absl::string_view type_url, std::vector<std::string> names = {},
                         bool with_node = false) {
  DiscoveryRequest r;
  r.set_type_url(std::string(type_url));
  for (auto& n : names) r.add_resource_names(n);
  if (with_node) r.mutable_node()->set_id(kNode);
  return r;
}

DiscoveryRequest Ack(const DiscoveryResponse& resp, std::vector<std::string> names = {}) {
  DiscoveryRequest r = Request(resp.type_url(), std::move(names));
  r.set_version_info(resp.version_info());
  r.set_response_nonce(resp.nonce());
  return r;
}

class SotwServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    XdsServer::Options options;
    options.address = "127.0.0.1:0";
    options.debounce = absl::Milliseconds(10);
    auto server = XdsServer::Start(options, RealTimeSource::Instance());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    server_->cache().SetDefaultSnapshot(BaseSnapshot());
    target_ = absl::StrCat("127.0.0.1:", server_->port());
  }

  // Polls ListProxies() until `pred` holds for the status of `type_url` on kNode
  // (bounded: 10 s).
  bool WaitForType(absl::string_view type_url, std::function<bool(const TypeSyncStatus&)> pred,
                   TypeSyncStatus* out = nullptr) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      for (const ProxyStatus& p : server_->ListProxies()) {
        if (p.node_id != kNode) continue;
        for (const TypeSyncStatus& t : p.types) {
          if (t.type_url == type_url && pred(t)) {
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

TEST_F(SotwServerTest, WildcardLdsAndCdsThenAckIsSynced) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kListenerType, {}, /*with_node=*/true)));
  auto lds = stream->Next();
  ASSERT_TRUE(lds.has_value());
  EXPECT_EQ(lds->type_url(), kListenerType);
  EXPECT_EQ(Names(*lds), (std::vector<std::string>{"inbound", "outbound"}));
  EXPECT_FALSE(lds->version_info().empty());
  EXPECT_FALSE(lds->nonce().empty());

  // Not yet ACKed: STALE.
  ASSERT_TRUE(WaitForType(kListenerType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kStale;
  }));

  ASSERT_TRUE(stream->Send(Ack(*lds)));
  ASSERT_TRUE(stream->Send(Request(kClusterType)));
  auto cds = stream->Next();
  ASSERT_TRUE(cds.has_value());
  EXPECT_EQ(cds->type_url(), kClusterType);
  EXPECT_EQ(Names(*cds), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_NE(cds->nonce(), lds->nonce());
  ASSERT_TRUE(stream->Send(Ack(*cds)));

  TypeSyncStatus lds_status;
  ASSERT_TRUE(WaitForType(kListenerType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.acks == 1;
  }, &lds_status));
  EXPECT_EQ(lds_status.version_sent, lds->version_info());
  EXPECT_EQ(lds_status.version_acked, lds->version_info());
  EXPECT_EQ(lds_status.last_nonce, lds->nonce());
  ASSERT_TRUE(WaitForType(kClusterType, [&](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.version_acked == cds->version_info();
  }));
  auto proxies = server_->ListProxies();
  ASSERT_EQ(proxies.size(), 1u);
  EXPECT_FALSE(proxies[0].delta);
  EXPECT_EQ(proxies[0].Overall(), SyncState::kSynced);
  EXPECT_TRUE(stream->Close().ok());
}

TEST_F(SotwServerTest, NackIsRecordedAndAFixedSnapshotIsPushedAndAcked) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kListenerType, {}, true)));
  auto first = stream->Next();
  ASSERT_TRUE(first.has_value());

  DiscoveryRequest nack = Request(kListenerType);
  nack.set_response_nonce(first->nonce());  // version_info stays empty: nothing accepted
  nack.mutable_error_detail()->set_code(3);
  nack.mutable_error_detail()->set_message("Listener outbound: bad port");
  ASSERT_TRUE(stream->Send(nack));

  TypeSyncStatus st;
  ASSERT_TRUE(WaitForType(kListenerType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kNacked;
  }, &st));
  EXPECT_EQ(st.last_nack_error, "Listener outbound: bad port");
  EXPECT_EQ(st.nacks, 1u);
  EXPECT_EQ(st.version_sent, first->version_info());
  EXPECT_TRUE(st.version_acked.empty());
  ASSERT_EQ(server_->ListProxies().size(), 1u);
  EXPECT_EQ(server_->ListProxies()[0].Overall(), SyncState::kNacked);

  // The translation layer fixes the listener: the node gets a new push.
  server_->cache().SetSnapshot(kNode, BaseSnapshot(15002));
  auto fixed = stream->Next();
  ASSERT_TRUE(fixed.has_value());
  EXPECT_EQ(fixed->type_url(), kListenerType);
  EXPECT_NE(fixed->version_info(), first->version_info());
  EXPECT_NE(fixed->nonce(), first->nonce());
  ASSERT_TRUE(stream->Send(Ack(*fixed)));
  ASSERT_TRUE(WaitForType(kListenerType, [&](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.version_acked == fixed->version_info();
  }, &st));
  EXPECT_EQ(st.last_nack_error, "Listener outbound: bad port");  // history kept
}

TEST_F(SotwServerTest, NamedRdsAndEdsGetOnlyTheRequestedNames) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kClusterLoadAssignmentType, {"e1", "e3", "missing"}, true)));
  auto eds = stream->Next();
  ASSERT_TRUE(eds.has_value());
  EXPECT_EQ(Names(*eds), (std::vector<std::string>{"e1", "e3"}));

  ASSERT_TRUE(stream->Send(Ack(*eds, {"e1", "e3", "missing"})));
  ASSERT_TRUE(stream->Send(Request(kRouteConfigurationType, {"r2"})));
  auto rds = stream->Next();
  ASSERT_TRUE(rds.has_value());
  EXPECT_EQ(rds->type_url(), kRouteConfigurationType);
  EXPECT_EQ(Names(*rds), (std::vector<std::string>{"r2"}));

  // Changing the subscription (in the ACK) sends the new set.
  ASSERT_TRUE(stream->Send(Ack(*rds, {"r1", "r2"})));
  auto rds2 = stream->Next();
  ASSERT_TRUE(rds2.has_value());
  EXPECT_EQ(Names(*rds2), (std::vector<std::string>{"r1", "r2"}));
  EXPECT_NE(rds2->version_info(), rds->version_info());
}

TEST_F(SotwServerTest, EmptyEdsRequestIsNotAWildcard) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kClusterLoadAssignmentType, {}, true)));
  auto eds = stream->Next();
  ASSERT_TRUE(eds.has_value());
  EXPECT_EQ(eds->resources_size(), 0);
}

TEST_F(SotwServerTest, SnapshotUpdateIsPushedToAConnectedStream) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kClusterLoadAssignmentType, {"e2"}, true)));
  auto eds = stream->Next();
  ASSERT_TRUE(eds.has_value());
  ASSERT_TRUE(stream->Send(Ack(*eds, {"e2"})));

  Snapshot s;
  s.Add(Resource::FromMessage("e2", MakeAssignment("e2", 5)));  // scaled up
  s.Add(Resource::FromMessage("e1", MakeAssignment("e1", 1)));
  server_->cache().SetDefaultSnapshot(std::make_shared<const Snapshot>(std::move(s)));

  auto pushed = stream->Next();
  ASSERT_TRUE(pushed.has_value());
  EXPECT_EQ(Names(*pushed), (std::vector<std::string>{"e2"}));
  envoy::config::endpoint::v3::ClusterLoadAssignment cla;
  ASSERT_TRUE(pushed->resources(0).UnpackTo(&cla));
  EXPECT_EQ(cla.endpoints(0).lb_endpoints_size(), 5);
  EXPECT_NE(pushed->version_info(), eds->version_info());
}

TEST_F(SotwServerTest, StaleNonceIsIgnoredAndMissingTypeUrlEndsTheStream) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kListenerType, {}, true)));
  auto lds = stream->Next();
  ASSERT_TRUE(lds.has_value());
  DiscoveryRequest stale = Ack(*lds);
  stale.set_response_nonce("not-a-nonce-we-sent");
  ASSERT_TRUE(stream->Send(stale));
  ASSERT_TRUE(WaitForType(kListenerType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kStale;
  }));

  ASSERT_TRUE(stream->Send(DiscoveryRequest()));  // no type_url
  EXPECT_FALSE(stream->Next(absl::Seconds(10)).has_value());
  grpc::Status status = stream->Close();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("type_url"), std::string::npos);
}

TEST_F(SotwServerTest, MeshStatusServiceListsTheProxy) {
  auto stream = testing::OpenSotw(target_);
  ASSERT_TRUE(stream->Send(Request(kListenerType, {}, true)));
  auto lds = stream->Next();
  ASSERT_TRUE(lds.has_value());
  ASSERT_TRUE(stream->Send(Ack(*lds)));
  ASSERT_TRUE(WaitForType(kListenerType, [](const TypeSyncStatus& t) {
    return t.state == SyncState::kSynced && t.acks == 1;
  }));

  auto channel = grpc::CreateChannel(target_, grpc::InsecureChannelCredentials());
  auto stub = weft::controlplane::v1::MeshStatus::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  weft::controlplane::v1::ListProxiesRequest req;
  weft::controlplane::v1::ListProxiesResponse resp;
  ASSERT_TRUE(stub->ListProxies(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.proxies_size(), 1);
  const auto& p = resp.proxies(0);
  EXPECT_EQ(p.node_id(), kNode);
  EXPECT_EQ(p.state(), weft::controlplane::v1::SYNCED);
  EXPECT_GT(p.connected_since().seconds(), 1700000000);
  ASSERT_EQ(p.types_size(), 1);
  EXPECT_EQ(p.types(0).type_url(), kListenerType);
  EXPECT_EQ(p.types(0).version_acked(), lds->version_info());

  grpc::ClientContext ctx2;
  ctx2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  req.set_node_id("other/node");
  resp.Clear();
  ASSERT_TRUE(stub->ListProxies(&ctx2, req, &resp).ok());
  EXPECT_EQ(resp.proxies_size(), 0);
}

TEST(XdsServerStartTest, BadOptionsAreRejectedWithAReason) {
  XdsServer::Options options;
  options.address = "nonsense";
  auto s = XdsServer::Start(options, RealTimeSource::Instance());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  options.address = "127.0.0.1:0";
  options.debounce = absl::Milliseconds(-1);
  s = XdsServer::Start(options, RealTimeSource::Instance());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  options.debounce = absl::Milliseconds(1);
  options.address = "192.0.2.1:0";  // not a local address: cannot bind
  s = XdsServer::Start(options, RealTimeSource::Instance());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace weft::xds
