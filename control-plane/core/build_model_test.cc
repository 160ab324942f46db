#include "control-plane/core/build_model.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::control_plane {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

Resource Make(ResourceObject object, const std::string& file = "m.yaml", int doc = 0) {
  return Resource{ResourceOrigin{file, doc, nullptr}, std::move(object)};
}

Service MakeService(const std::string& name, int32_t port = 8080) {
  Service s;
  s.meta.ns = "shop";
  s.meta.name = name;
  s.selector = {{"app", name}};
  s.ports.push_back(ServicePort{.name = "http", .port = port});
  return s;
}

HttpRoute MakeRoute(const std::string& parent, const std::string& backend) {
  HttpRoute r;
  r.meta.ns = "shop";
  r.meta.name = "r";
  r.parent_refs.push_back(ParentRef{.name = parent});
  HttpRouteRule rule;
  rule.matches.emplace_back();
  rule.backend_refs.push_back(BackendRef{.name = backend, .port = 8080});
  r.rules.push_back(rule);
  return r;
}

std::string Problems(const std::vector<Resource>& resources) {
  config::ProblemList problems;
  absl::StatusOr<Model> model = BuildModel(resources, problems);
  EXPECT_EQ(model.ok(), problems.empty());
  if (!model.ok()) {
    EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  }
  std::vector<std::string> lines;
  for (const auto& p : problems.problems()) lines.push_back(p.ToString());
  return absl::StrJoin(lines, "\n");
}

TEST(BuildModelTest, EmptySetIsAValidEmptyModel) {
  absl::StatusOr<Model> model = BuildModel({});
  ASSERT_TRUE(model.ok());
  EXPECT_THAT(model->services, IsEmpty());
}

TEST(BuildModelTest, FilterConsistency) {
  HttpRoute route = MakeRoute("a", "a");
  HttpFilter missing;
  missing.type = HttpFilter::Type::kUrlRewrite;  // but no url_rewrite
  HttpFilter both;
  both.type = HttpFilter::Type::kRequestHeaderModifier;
  both.request_header_modifier = HeaderModifier{{{"x-a", "1"}}, {}, {}};
  both.response_header_modifier = HeaderModifier{{}, {}, {"bad header"}};
  HttpFilter redirect;
  redirect.type = HttpFilter::Type::kRequestRedirect;
  redirect.request_redirect = RequestRedirect{.scheme = "ftp", .status_code = 200};
  route.rules[0].filters = {missing, both, redirect};
  route.rules[0].matches[0].path = PathMatch{PathMatchType::kExact, "/x"};
  route.rules[0].filters[0].url_rewrite =
      UrlRewrite{"", PathModifier{PathModifier::Type::kReplacePrefixMatch, "/y"}};
  route.rules[0].filters[0].type = HttpFilter::Type::kUrlRewrite;
  const std::string problems = Problems({Make(MakeService("a")), Make(route, "r.yaml")});
  EXPECT_THAT(problems, HasSubstr("r.yaml[0] spec.rules[0].filters[1]: sets fields of other "
                                  "filter types besides requestHeaderModifier"));
  EXPECT_THAT(problems, HasSubstr("r.yaml[0] spec.rules[0].filters[2].requestRedirect.scheme: "
                                  "\"ftp\" is not http or https"));
  EXPECT_THAT(problems, HasSubstr("requestRedirect.statusCode: 200 is not a redirect status"));
  EXPECT_THAT(problems, HasSubstr("filters[0].urlRewrite.path.replacePrefixMatch: "
                                  "ReplacePrefixMatch needs every match of the rule to be a "
                                  "PathPrefix match"));
  EXPECT_THAT(problems, HasSubstr("spec.rules[0].filters: a rule cannot both redirect and "
                                  "rewrite the URL"));
  EXPECT_THAT(problems, HasSubstr("a rule with a RequestRedirect answers itself and cannot have "
                                  "backendRefs"));
}

TEST(BuildModelTest, CrossObjectProblems) {
  Service a = MakeService("a");
  a.cluster_ip = "10.96.0.10";
  Service b = MakeService("b");
  b.cluster_ip = "10.96.0.10";
  Service c = MakeService("c");
  c.cluster_ip = "not-an-ip";
  TrafficPolicy p1, p2;
  p1.meta = {"shop", "p1"};
  p1.target_ref.name = "a";
  p2.meta = {"shop", "p2"};
  p2.target_ref.name = "a";
  p2.outlier_detection = OutlierDetectionPolicy{};
  p2.outlier_detection->max_ejection_percent = 150;
  HttpRoute route = MakeRoute("a", "b");
  route.rules[0].backend_refs[0].port = 9999;
  route.parent_refs[0].kind = "Gateway";
  const std::string problems =
      Problems({Make(a, "s.yaml", 0), Make(b, "s.yaml", 1), Make(c, "s.yaml", 2),
                Make(p1, "p.yaml", 0), Make(p2, "p.yaml", 1), Make(route, "r.yaml")});
  EXPECT_THAT(problems, HasSubstr("s.yaml[1] spec.clusterIP: 10.96.0.10 is already the "
                                  "clusterIP of Service shop/a (s.yaml[0])"));
  EXPECT_THAT(problems, HasSubstr("s.yaml[2] spec.clusterIP: \"not-an-ip\" is not an IPv4"));
  EXPECT_THAT(problems, HasSubstr("p.yaml[1] spec.targetRef.name: Service shop/a already has a "
                                  "TrafficPolicy (shop/p1 in p.yaml[0])"));
  EXPECT_THAT(problems, HasSubstr("p.yaml[1] spec.outlierDetection.maxEjectionPercent: 150 is "
                                  "not a percentage (0-100)"));
  EXPECT_THAT(problems, HasSubstr("r.yaml[0] spec.parentRefs[0]: a parentRef of kind Gateway is "
                                  "not supported"));
  EXPECT_THAT(problems, HasSubstr("r.yaml[0] spec.rules[0].backendRefs[0].port: Service shop/b "
                                  "has no port 9999 (its ports: 8080)"));
}

TEST(BuildModelTest, NamesAndWorkloads) {
  Service bad = MakeService("Bad_Name");
  Workload w;
  w.meta = {"shop", "w"};
  w.address = "300.1.1.1";
  Workload dup;
  dup.meta = {"shop", "w2"};
  dup.address = "300.1.1.1";
  const std::string problems = Problems({Make(bad), Make(w, "w.yaml", 0), Make(dup, "w.yaml", 1)});
  EXPECT_THAT(problems, HasSubstr("m.yaml[0] metadata.name: \"Bad_Name\" is not a valid name"));
  EXPECT_THAT(problems, HasSubstr("w.yaml[0] spec.address: \"300.1.1.1\" is not an IP address"));
  EXPECT_THAT(problems, HasSubstr("w.yaml[1] spec.address: 300.1.1.1 is already the address of "
                                  "Workload shop/w"));
}

TEST(BuildModelTest, PositionsComeFromTheOrigin) {
  HttpRoute route = MakeRoute("a", "a");
  route.rules[0].backend_refs[0].weight = -5;
  Resource resource = Make(route, "routes/split.yaml");
  resource.origin.position_of = [](absl::string_view path) {
    return path == "spec.rules[0].backendRefs[0].weight" ? std::make_pair(14, 19)
                                                         : std::make_pair(0, 0);
  };
  EXPECT_EQ(Problems({Make(MakeService("a")), resource}),
            "routes/split.yaml[0] spec.rules[0].backendRefs[0].weight: -5 is negative "
            "(line 14, column 19)");
}

TEST(BuildModelTest, HeadlessServicesGetNoVipAndExplicitOnesAreKept) {
  Service headless = MakeService("h");
  headless.cluster_ip = "None";
  Service pinned = MakeService("p");
  pinned.cluster_ip = "10.96.1.1";
  absl::StatusOr<Model> model = BuildModel({Make(headless), Make(pinned), Make(MakeService("x"))});
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->services.at({"shop", "h"}).vip, "");
  EXPECT_EQ(model->services.at({"shop", "p"}).vip, "10.96.1.1");
  EXPECT_NE(model->services.at({"shop", "x"}).vip, "");
}

EndpointSlice MakeSlice(const std::string& name, const std::string& service) {
  EndpointSlice slice;
  slice.meta.ns = "shop";
  slice.meta.name = name;
  slice.meta.labels[kServiceNameLabel] = service;
  slice.address_type = "IPv4";
  SliceEndpoint e;
  e.addresses = {"192.0.2.10"};
  slice.endpoints.push_back(e);
  slice.ports.push_back(SlicePort{"http", 5432});
  return slice;
}

TEST(BuildModelTest, AServiceWithoutSelectorTakesItsEndpointsFromSlices) {
  Service db = MakeService("db");
  db.selector.clear();
  EndpointSlice fqdn = MakeSlice("db-names", "db");
  fqdn.address_type = "FQDN";
  fqdn.endpoints[0].addresses = {"db.example"};
  absl::StatusOr<Model> model =
      BuildModel({Make(db), Make(MakeService("web")), Make(MakeSlice("db-1", "db")), Make(fqdn),
                  Make(MakeSlice("web-extra", "web")), Make(MakeSlice("gone", "nope"))});
  ASSERT_TRUE(model.ok()) << model.status();
  const std::vector<PortEndpoints>& endpoints = model->EndpointsOf({"shop", "db"});
  ASSERT_THAT(endpoints, SizeIs(1));
  ASSERT_THAT(endpoints[0].endpoints, SizeIs(1));
  EXPECT_EQ(endpoints[0].endpoints[0].address, "192.0.2.10");
  EXPECT_EQ(endpoints[0].endpoints[0].port, 5432);
  EXPECT_THAT(model->EndpointsOf({"shop", "web"})[0].endpoints, IsEmpty());
  const std::string warnings = absl::StrJoin(model->warnings, "\n");
  EXPECT_THAT(warnings, HasSubstr("EndpointSlice shop/db-names is not used: addressType FQDN"));
  EXPECT_THAT(warnings, HasSubstr("EndpointSlice shop/web-extra is not used: Service shop/web "
                                  "has a selector"));
  EXPECT_THAT(warnings,
              HasSubstr("EndpointSlice shop/gone is not used: there is no Service shop/nope"));
}

TEST(BuildModelTest, EveryEndpointSliceProblemIsReportedAtOnce) {
  EndpointSlice slice = MakeSlice("db-1", "");
  slice.address_type = "IPv6";
  slice.endpoints[0].addresses = {"192.0.2.10", "fd00::1"};
  slice.endpoints.emplace_back();  // no address
  slice.endpoints.back().target_workload = "Bad_Name";
  slice.ports = {SlicePort{"http", 0}, SlicePort{"http", 70000, "QUIC"}};
  EndpointSlice typo = MakeSlice("db-2", "db");
  typo.address_type = "ipv4";
  const std::string problems = Problems({Make(slice, "s.yaml"), Make(typo, "t.yaml")});
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] metadata.labels.kubernetes.io/service-name: "
                                  "required: the name of the Service"));
  EXPECT_THAT(problems,
              HasSubstr("s.yaml[0] endpoints[0].addresses[0]: \"192.0.2.10\" is not an IPv6"));
  EXPECT_THAT(problems, Not(HasSubstr("fd00::1")));
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] endpoints[1].addresses: needs at least one address"));
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] endpoints[1].targetRef.name: \"Bad_Name\""));
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] ports[0].port: required"));
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] ports[1].name: duplicate port name \"http\""));
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] ports[1].port: 70000 is not a port"));
  EXPECT_THAT(problems, HasSubstr("s.yaml[0] ports[1].protocol: \"QUIC\" is not TCP"));
  EXPECT_THAT(problems, HasSubstr("t.yaml[0] addressType: \"ipv4\": IPv4, IPv6 or FQDN"));
}

}  // namespace
}  // namespace weft::control_plane
