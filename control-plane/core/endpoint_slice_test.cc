#include "control-plane/core/endpoint_slice.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;

Service Selectorless() {
  Service service;
  service.meta.ns = "shop";
  service.meta.name = "db";
  service.ports.push_back(ServicePort{.name = "sql", .port = 5432});
  service.ports.push_back(ServicePort{.name = "metrics", .port = 9100});
  return service;
}

EndpointSlice Slice(const std::string& name, std::vector<SliceEndpoint> endpoints,
                    std::vector<SlicePort> ports) {
  EndpointSlice slice;
  slice.meta.ns = "shop";
  slice.meta.name = name;
  slice.meta.labels[kServiceNameLabel] = "db";
  slice.address_type = "IPv4";
  slice.endpoints = std::move(endpoints);
  slice.ports = std::move(ports);
  return slice;
}

SliceEndpoint At(const std::string& address) {
  SliceEndpoint e;
  e.addresses = {address};
  return e;
}

TEST(EndpointSliceTest, EachServicePortTakesTheSlicePortOfTheSameName) {
  const Service service = Selectorless();
  const EndpointSlice slice = Slice(
      "db-1", {At("192.0.2.10"), At("192.0.2.11")},
      {SlicePort{"sql", 15432}, SlicePort{"unrelated", 1}, SlicePort{"metrics", 9101, "UDP"}});
  std::vector<PortEndpoints> ports = SliceEndpoints(service, {&slice}, {});
  ASSERT_THAT(ports, SizeIs(2));
  EXPECT_EQ(ports[0].service_port, 5432);
  ASSERT_THAT(ports[0].endpoints, SizeIs(2));
  EXPECT_EQ(ports[0].endpoints[0].address, "192.0.2.10");
  EXPECT_EQ(ports[0].endpoints[0].port, 15432);  // the slice's port, not the service's
  EXPECT_EQ(ports[0].endpoints[1].address, "192.0.2.11");
  // The only "metrics" slice port is UDP, which is not meshed.
  EXPECT_THAT(ports[1].endpoints, IsEmpty());
}

TEST(EndpointSliceTest, AnAddressOutsideTheMeshGetsAKeyNoWorkloadCanHave) {
  const Service service = Selectorless();
  const EndpointSlice slice = Slice("db-1", {At("192.0.2.10")}, {SlicePort{"sql", 5432}});
  const Endpoint e = SliceEndpoints(service, {&slice}, {})[0].endpoints.at(0);
  EXPECT_EQ(e.workload, ExternalEndpointKey(slice, "192.0.2.10"));
  EXPECT_EQ(e.workload.ToString(), "shop/endpointslice/db-1/192.0.2.10");
  EXPECT_EQ(e.service_account, "");
}

TEST(EndpointSliceTest, AWorkloadNamedByTargetRefOrByAddressLendsItsIdentity) {
  const Service service = Selectorless();
  Workload by_ref;
  by_ref.meta = ObjectMeta{.ns = "shop", .name = "db-0"};
  by_ref.address = "10.0.0.7";
  by_ref.service_account = "postgres";
  by_ref.locality.zone = "a";
  Workload by_address;
  by_address.meta = ObjectMeta{.ns = "shop", .name = "db-1"};
  by_address.address = "10.0.0.8";
  by_address.service_account = "replica";
  SliceEndpoint ref = At("10.0.0.70");  // the slice's address wins over the workload's
  ref.target_workload = "db-0";
  SliceEndpoint elsewhere = At("10.0.0.9");
  elsewhere.target_workload = "no-such-pod";
  const EndpointSlice slice =
      Slice("db-1", {ref, At("10.0.0.8"), elsewhere}, {SlicePort{"sql", 5432}});

  const std::vector<Endpoint> e =
      SliceEndpoints(service, {&slice}, {{by_ref.meta.key(), by_ref},
                                         {by_address.meta.key(), by_address}})[0]
          .endpoints;
  ASSERT_THAT(e, SizeIs(3));
  EXPECT_EQ(e[0].workload.name, "db-0");
  EXPECT_EQ(e[0].address, "10.0.0.70");
  EXPECT_EQ(e[0].service_account, "postgres");
  EXPECT_EQ(e[0].locality.zone, "a");
  EXPECT_EQ(e[1].workload.name, "db-1");
  EXPECT_EQ(e[1].service_account, "replica");
  EXPECT_EQ(e[2].workload, ExternalEndpointKey(slice, "10.0.0.9"));
}

TEST(EndpointSliceTest, TerminatingEndpointsServeOnlyWhileNoneIsReady) {
  const Service service = Selectorless();
  SliceEndpoint leaving = At("192.0.2.1");
  leaving.ready = false;
  leaving.terminating = true;  // serving absent: as ready, so not serving
  SliceEndpoint draining = At("192.0.2.2");
  draining.ready = false;
  draining.serving = true;
  draining.terminating = true;
  SliceEndpoint broken = At("192.0.2.3");
  broken.ready = false;
  EndpointSlice slice = Slice("db-1", {leaving, draining, broken}, {SlicePort{"sql", 5432}});
  std::vector<Endpoint> e = SliceEndpoints(service, {&slice}, {})[0].endpoints;
  ASSERT_THAT(e, SizeIs(1));
  EXPECT_EQ(e[0].address, "192.0.2.2");

  SliceEndpoint fresh = At("192.0.2.4");  // conditions absent: ready
  slice.endpoints.push_back(fresh);
  e = SliceEndpoints(service, {&slice}, {})[0].endpoints;
  ASSERT_THAT(e, SizeIs(1));
  EXPECT_EQ(e[0].address, "192.0.2.4");
}

TEST(EndpointSliceTest, SlicesAddUpAndAnAddressListedTwiceCountsOnce) {
  const Service service = Selectorless();
  SliceEndpoint two_addresses = At("192.0.2.1");
  two_addresses.addresses.push_back("192.0.2.99");  // only the first is used
  const EndpointSlice a = Slice("db-a", {two_addresses, At("192.0.2.2")}, {SlicePort{"sql", 5432}});
  const EndpointSlice b =
      Slice("db-b", {At("192.0.2.2"), At("192.0.2.3")}, {SlicePort{"sql", 5432}});
  EndpointSlice fqdn = Slice("db-c", {At("db.example")}, {SlicePort{"sql", 5432}});
  fqdn.address_type = "FQDN";
  const std::vector<Endpoint> e = SliceEndpoints(service, {&a, &b, &fqdn}, {})[0].endpoints;
  std::vector<std::string> addresses;
  for (const Endpoint& endpoint : e) addresses.push_back(endpoint.address);
  EXPECT_THAT(addresses, ::testing::ElementsAre("192.0.2.1", "192.0.2.2", "192.0.2.3"));
}

TEST(EndpointSliceTest, AnUnnamedServicePortMatchesAnUnnamedSlicePort) {
  Service service;
  service.meta = ObjectMeta{.ns = "shop", .name = "db"};
  service.ports.push_back(ServicePort{.port = 80});
  const EndpointSlice slice = Slice("db-1", {At("192.0.2.1")}, {SlicePort{"", 8080}});
  const std::vector<Endpoint> e = SliceEndpoints(service, {&slice}, {})[0].endpoints;
  ASSERT_THAT(e, SizeIs(1));
  EXPECT_EQ(e[0].port, 8080);
}

}  // namespace
}  // namespace weft::control_plane
