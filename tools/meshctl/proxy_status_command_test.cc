// proxy-status against a fake MeshStatus server in this process, and against an
// address where nothing listens.

#include "tools/meshctl/proxy_status_command.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tools/meshctl/test_directory.h"
#include "weft/controlplane/v1/mesh_status.grpc.pb.h"

namespace weft::meshctl {
namespace {

namespace v1 = weft::controlplane::v1;
using ::testing::HasSubstr;
using testing::CommandResult;
using testing::CompareGolden;
using testing::RunCommand;

constexpr char kListener[] = "type.googleapis.com/envoy.config.listener.v3.Listener";
constexpr char kCluster[] = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
constexpr char kEndpoints[] = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
constexpr char kSecret[] = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

void AddType(v1::ProxyStatus& proxy, const char* url, v1::SyncState state,
             const std::string& sent, const std::string& acked, const std::string& error = "") {
  v1::TypeStatus* type = proxy.add_types();
  type->set_type_url(url);
  type->set_state(state);
  type->set_version_sent(sent);
  type->set_version_acked(acked);
  type->set_last_nack_error(error);
  type->set_responses_sent(1);
}

// Answers ListProxies with a fixed response; records the node filter it got.
class FakeMeshStatus final : public v1::MeshStatus::Service {
 public:
  grpc::Status ListProxies(grpc::ServerContext*, const v1::ListProxiesRequest* request,
                           v1::ListProxiesResponse* response) override {
    last_node_filter = request->node_id();
    *response = canned;
    return grpc::Status::OK;
  }

  v1::ListProxiesResponse canned;
  std::string last_node_filter;
};

class ProxyStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    v1::ProxyStatus* frontend = service_.canned.add_proxies();
    frontend->set_node_id("frontend-0.shop");
    frontend->set_peer("ipv4:127.0.0.1:40001");
    AddType(*frontend, kListener, v1::SYNCED, "a1", "a1");
    AddType(*frontend, kCluster, v1::SYNCED, "c1", "c1");
    AddType(*frontend, kEndpoints, v1::NACKED, "e2", "e1",
            "cluster shop/backend: endpoint port 0 is not valid");
    AddType(*frontend, kSecret, v1::SYNCED, "s1", "s1");
    v1::ProxyStatus* backend = service_.canned.add_proxies();
    backend->set_node_id("backend-0.shop");
    backend->set_peer("ipv4:127.0.0.1:40002");
    backend->set_delta(true);
    AddType(*backend, kListener, v1::STALE, "a2", "a1");

    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }
  std::string Address() const { return absl::StrCat("--control_plane=127.0.0.1:", port_); }

  FakeMeshStatus service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(ProxyStatusTest, TableShowsStatesVersionsAndNackDetail) {
  CommandResult result = RunCommand(RunProxyStatus, {Address()});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(CompareGolden("proxy_status.golden", result.out), "");
  EXPECT_THAT(result.out, HasSubstr("NACKED e2"));
  EXPECT_THAT(result.out, HasSubstr("SDS"));
  EXPECT_THAT(result.out, HasSubstr("SYNCED s1"));
  EXPECT_THAT(result.out, HasSubstr("  NACK EDS (version e2): cluster shop/backend: endpoint port "
                                    "0 is not valid\n"));
}

TEST_F(ProxyStatusTest, JsonAndNodeFilter) {
  CommandResult result = RunCommand(RunProxyStatus, {Address(), "-o", "json", "frontend-0.shop"});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(service_.last_node_filter, "frontend-0.shop");
  EXPECT_THAT(result.out, HasSubstr("\"node_id\": \"frontend-0.shop\""));
  EXPECT_THAT(result.out, HasSubstr("\"state\": \"NACKED\""));
}

TEST_F(ProxyStatusTest, NoProxies) {
  service_.canned.clear_proxies();
  CommandResult result = RunCommand(RunProxyStatus, {Address()});
  EXPECT_EQ(result.code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("No proxies connected"));
}

TEST(ProxyStatusUnreachableTest, ExitsTwoNamingTheAddress) {
  // A bound socket that does not listen: connections to it are refused.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string target = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  CommandResult result = RunCommand(RunProxyStatus, {"--control_plane=" + target});
  ::close(fd);
  EXPECT_EQ(result.code, 2);
  EXPECT_THAT(result.err, HasSubstr("cannot reach the control plane at " + target));
}

TEST(ProxyStatusUsageTest, BadFlags) {
  EXPECT_EQ(RunCommand(RunProxyStatus, {"--nope"}).code, 2);
  EXPECT_EQ(RunCommand(RunProxyStatus, {"-o", "yaml"}).code, 2);
  CommandResult help = RunCommand(RunProxyStatus, {"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("--control_plane=HOST:PORT"));
}

}  // namespace
}  // namespace weft::meshctl
