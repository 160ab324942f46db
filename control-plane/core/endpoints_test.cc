#include <vector>

#include "control-plane/core/service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using ::testing::SizeIs;

Workload MakeWorkload(const std::string& name, const std::string& address, Labels labels,
                      bool ready = true, const std::string& ns = "shop") {
  Workload w;
  w.meta.ns = ns;
  w.meta.name = name;
  w.meta.labels = std::move(labels);
  w.address = address;
  w.ready = ready;
  return w;
}

TEST(EndpointsTest, SelectsReadyWorkloadsOfTheNamespaceByLabels) {
  Service service;
  service.meta.ns = "shop";
  service.meta.name = "backend";
  service.selector = {{"app", "backend"}, {"version", "v1"}};
  service.ports.push_back(ServicePort{.name = "http", .port = 80, .target_port = 8080});

  std::vector<Workload> workloads = {
      MakeWorkload("b", "10.0.0.2", {{"app", "backend"}, {"version", "v1"}, {"extra", "x"}}),
      MakeWorkload("a", "10.0.0.1", {{"app", "backend"}, {"version", "v1"}}),
      MakeWorkload("v2", "10.0.0.3", {{"app", "backend"}, {"version", "v2"}}),
      MakeWorkload("partial", "10.0.0.4", {{"app", "backend"}}),
      MakeWorkload("not-ready", "10.0.0.5", {{"app", "backend"}, {"version", "v1"}}, false),
      MakeWorkload("elsewhere", "10.0.0.6", {{"app", "backend"}, {"version", "v1"}}, true, "other"),
  };
  std::vector<const Workload*> pointers;
  for (const Workload& w : workloads) pointers.push_back(&w);

  std::vector<PortEndpoints> endpoints = SelectEndpoints(service, pointers);
  ASSERT_THAT(endpoints, SizeIs(1));
  EXPECT_EQ(endpoints[0].service_port, 80);
  ASSERT_THAT(endpoints[0].endpoints, SizeIs(2));
  EXPECT_EQ(endpoints[0].endpoints[0].workload.name, "a");  // sorted by workload
  EXPECT_EQ(endpoints[0].endpoints[0].address, "10.0.0.1");
  EXPECT_EQ(endpoints[0].endpoints[0].port, 8080);
  EXPECT_EQ(endpoints[0].endpoints[1].address, "10.0.0.2");
}

TEST(EndpointsTest, TerminatingWorkloadsServeAPortOnlyWhenNoReadyOneDoes) {
  Service service;
  service.meta.ns = "shop";
  service.selector = {{"app", "x"}};
  service.ports.push_back(ServicePort{.name = "http", .port = 80, .target_port = 8080});
  service.ports.push_back(ServicePort{.name = "admin", .port = 81, .target_port_name = "admin"});
  Workload ready = MakeWorkload("new", "10.0.0.1", {{"app", "x"}});  // no "admin" port
  Workload leaving = MakeWorkload("old", "10.0.0.2", {{"app", "x"}}, false);
  leaving.serving_while_terminating = true;
  leaving.ports.push_back(WorkloadPort{"admin", 9001});
  Workload gone = MakeWorkload("gone", "10.0.0.3", {{"app", "x"}}, false);
  gone.ports.push_back(WorkloadPort{"admin", 9001});

  std::vector<PortEndpoints> endpoints = SelectEndpoints(service, {&ready, &leaving, &gone});
  ASSERT_THAT(endpoints, SizeIs(2));
  ASSERT_THAT(endpoints[0].endpoints, SizeIs(1));  // port 80: the ready workload only
  EXPECT_EQ(endpoints[0].endpoints[0].address, "10.0.0.1");
  ASSERT_THAT(endpoints[1].endpoints, SizeIs(1));  // port 81: no ready workload has it
  EXPECT_EQ(endpoints[1].endpoints[0].address, "10.0.0.2");
  EXPECT_EQ(endpoints[1].endpoints[0].port, 9001);

  leaving.serving_while_terminating = false;
  endpoints = SelectEndpoints(service, {&ready, &leaving, &gone});
  EXPECT_THAT(endpoints[1].endpoints, SizeIs(0));
}

TEST(EndpointsTest, EmptySelectorSelectsNothingAndTargetPortDefaultsToPort) {
  Service service;
  service.meta.ns = "shop";
  service.ports.push_back(ServicePort{.name = "http", .port = 80});
  Workload w = MakeWorkload("a", "10.0.0.1", {{"app", "x"}});
  EXPECT_THAT(SelectEndpoints(service, {&w})[0].endpoints, SizeIs(0));
  service.selector = {{"app", "x"}};
  EXPECT_EQ(SelectEndpoints(service, {&w})[0].endpoints[0].port, 80);
}

TEST(EndpointsTest, NamedTargetPortsResolvePerWorkload) {
  Service service;
  service.meta.ns = "shop";
  service.selector = {{"app", "x"}};
  service.ports.push_back(ServicePort{.name = "http", .port = 80, .target_port_name = "web"});
  Workload with = MakeWorkload("with", "10.0.0.1", {{"app", "x"}});
  with.ports.push_back(WorkloadPort{"web", 9000});
  Workload without = MakeWorkload("without", "10.0.0.2", {{"app", "x"}});
  std::vector<PortEndpoints> endpoints = SelectEndpoints(service, {&with, &without});
  ASSERT_THAT(endpoints[0].endpoints, SizeIs(1));
  EXPECT_EQ(endpoints[0].endpoints[0].port, 9000);
}

TEST(EndpointsTest, ProtocolFromAppProtocolThenNameThenTcp) {
  EXPECT_EQ(ResolveAppProtocol(ServicePort{.name = "http-web"}, false), AppProtocol::kHttp);
  EXPECT_EQ(ResolveAppProtocol(ServicePort{.name = "grpc"}, false), AppProtocol::kGrpc);
  EXPECT_EQ(ResolveAppProtocol(ServicePort{.name = "web"}, false), AppProtocol::kTcp);
  EXPECT_EQ(
      ResolveAppProtocol(ServicePort{.name = "http", .app_protocol = "kubernetes.io/h2c"}, false),
      AppProtocol::kHttp2);
  EXPECT_EQ(ResolveAppProtocol(ServicePort{.name = "http", .app_protocol = "mysql"}, false),
            AppProtocol::kTcp);
  EXPECT_EQ(ResolveAppProtocol(ServicePort{.name = "http"}, true), AppProtocol::kTcp);
}

}  // namespace
}  // namespace weft::control_plane
