// The proxy's xDS client against the control plane's real ADS server, over gRPC
// on loopback: ACK, NACK with the translator's message, and a reconnect after the
// server restarts. Waits are polls with deadlines (real threads and sockets).
#include "proxy/xds/ads_client.h"

#include <functional>

#include "absl/time/clock.h"
#include "common/sync/mutex.h"
#include "common/time/real_time_source.h"
#include "control-plane/xds/xds_server.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

using ::testing::HasSubstr;

bool WaitFor(const std::function<bool()>& done, absl::Duration limit = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

std::shared_ptr<const Snapshot> MakeSnapshot(envoy::config::cluster::v3::Cluster::DiscoveryType
                                                 type) {
  auto snapshot = std::make_shared<Snapshot>();
  envoy::config::cluster::v3::Cluster c;
  c.set_name("backend");
  c.set_type(type);
  auto* ep = c.mutable_load_assignment()->add_endpoints()->add_lb_endpoints();
  ep->mutable_endpoint()->mutable_address()->mutable_socket_address()->set_address("127.0.0.1");
  ep->mutable_endpoint()->mutable_address()->mutable_socket_address()->set_port_value(9);
  snapshot->Add(Resource::FromMessage("backend", c));
  envoy::config::listener::v3::Listener l;
  l.set_name("plain");
  l.mutable_address()->mutable_socket_address()->set_address("127.0.0.1");
  l.mutable_address()->mutable_socket_address()->set_port_value(1);  // never bound here
  envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy tcp;
  tcp.set_stat_prefix("plain");
  tcp.set_cluster("backend");
  auto* f = l.mutable_default_filter_chain()->add_filters();
  f->set_name("envoy.filters.network.tcp_proxy");
  f->mutable_typed_config()->PackFrom(tcp);
  snapshot->Add(Resource::FromMessage("plain", l));
  return snapshot;
}

class AdsClientTest : public ::testing::Test {
 protected:
  void StartServer(int port) {
    XdsServer::Options options;
    options.address = absl::StrCat("127.0.0.1:", port);
    options.debounce = absl::ZeroDuration();
    auto server = XdsServer::Start(options, RealTimeSource::Instance());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  void StartClient() {
    AdsClientOptions options;
    options.server = absl::StrCat("127.0.0.1:", server_->port());
    options.node.set_id("default/test-proxy");
    options.initial_backoff = absl::Milliseconds(50);
    options.max_backoff = absl::Milliseconds(200);
    client_ = std::make_unique<AdsClient>(
        options,
        [this](const XdsResources& r) -> absl::Status {
          config::ProxyConfig bootstrap;
          absl::StatusOr<config::ProxyConfig> c = TranslateXds(r, bootstrap);
          weft::MutexLock lock(&mu_);
          if (!c.ok()) return c.status();
          applied_.push_back(*c);
          return absl::OkStatus();
        },
        RealTimeSource::Instance(), 7);
    client_->Start();
  }

  std::vector<config::ProxyConfig> applied() {
    weft::MutexLock lock(&mu_);
    return applied_;
  }

  bool ServerSees(const std::string& state_substring) {
    for (const ProxyStatus& p : server_->ListProxies()) {
      if (p.node_id != "default/test-proxy") continue;
      for (const TypeSyncStatus& t : p.types) {
        if (t.type_url == kClusterType &&
            SyncStateName(t.state) == state_substring) {
          return true;
        }
      }
    }
    return false;
  }

  void TearDown() override {
    if (client_) client_->Stop();
    if (server_) server_->Shutdown();
  }

  std::unique_ptr<XdsServer> server_;
  std::unique_ptr<AdsClient> client_;
  weft::Mutex mu_;
  std::vector<config::ProxyConfig> applied_ ABSL_GUARDED_BY(mu_);
};

TEST_F(AdsClientTest, AppliesAcksNacksAndResyncsAfterServerRestart) {
  StartServer(0);
  server_->cache().SetDefaultSnapshot(MakeSnapshot(envoy::config::cluster::v3::Cluster::STATIC));
  StartClient();

  // Listener and cluster arrive, translate and are ACKed.
  ASSERT_TRUE(WaitFor([&] {
    auto a = applied();
    return !a.empty() && !a.back().listeners.empty() && !a.back().clusters.empty();
  }));
  EXPECT_EQ(applied().back().clusters[0].endpoints[0].port, 9);
  ASSERT_TRUE(WaitFor([&] { return ServerSees("SYNCED"); }));
  EXPECT_TRUE(client_->status().connected);

  // A cluster type the proxy cannot use is NACKed with the translator's words,
  // and the client keeps its last good state.
  const size_t before = applied().size();
  server_->cache().SetDefaultSnapshot(
      MakeSnapshot(envoy::config::cluster::v3::Cluster::STRICT_DNS));
  ASSERT_TRUE(WaitFor([&] { return ServerSees("NACKED"); }));
  EXPECT_THAT(client_->status().last_error, HasSubstr("Cluster backend: type STRICT_DNS"));
  EXPECT_EQ(applied().size(), before);
  bool recorded = false;
  for (const ProxyStatus& p : server_->ListProxies()) {
    for (const TypeSyncStatus& t : p.types) {
      if (t.type_url == kClusterType && t.last_nack_error.find("STRICT_DNS") != std::string::npos) {
        recorded = true;
      }
    }
  }
  EXPECT_TRUE(recorded);

  // The control plane restarts on the same port: the client reconnects by itself
  // and is served again.
  const int port = server_->port();
  server_->Shutdown();
  server_.reset();
  ASSERT_TRUE(WaitFor([&] { return !client_->status().connected; }));
  StartServer(port);
  server_->cache().SetDefaultSnapshot(MakeSnapshot(envoy::config::cluster::v3::Cluster::STATIC));
  ASSERT_TRUE(WaitFor([&] { return client_->status().connected && ServerSees("SYNCED"); }));
}

}  // namespace
}  // namespace weft::xds
