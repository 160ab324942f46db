#include "proxy/http/router.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace weft::http {
namespace {

using config::HeaderMatch;
using config::PathMatchType;
using config::QueryParamMatch;
using config::ValueMatchType;

config::Route MakeRoute(std::string prefix, std::string cluster) {
  config::Route r;
  r.match.path_prefix = std::move(prefix);
  r.cluster = std::move(cluster);
  return r;
}

config::RouteConfig MakeConfig() {
  config::RouteConfig rc;
  rc.name = "test";
  config::VirtualHost exact{"exact", {"api.example.com", "api.example.com:8443"}, {}};
  exact.routes = {MakeRoute("/v2", "api-v2"), MakeRoute("/", "api")};
  config::VirtualHost wildcard{"wild", {"*.example.com"}, {MakeRoute("/", "wild")}};
  config::VirtualHost deeper{"deeper", {"*.eu.example.com"}, {MakeRoute("/", "eu")}};
  config::VirtualHost fallback{"any", {"*"}, {MakeRoute("/only", "fallback")}};
  rc.virtual_hosts = {exact, wildcard, deeper, fallback};
  return rc;
}

const std::string* ClusterOf(const RouteTable& t, absl::string_view host, absl::string_view path) {
  const config::Route* r = t.Match(host, path);
  return r == nullptr ? nullptr : &r->cluster;
}

TEST(RouteTableTest, ExactHostBeatsWildcardAndFirstRouteWins) {
  RouteTable t(MakeConfig());
  EXPECT_EQ(*ClusterOf(t, "api.example.com", "/v2/users"), "api-v2");
  EXPECT_EQ(*ClusterOf(t, "API.Example.com", "/v1"), "api");
  EXPECT_EQ(*ClusterOf(t, "api.example.com:8443", "/x"), "api");
  EXPECT_EQ(*ClusterOf(t, "api.example.com:9999", "/x"), "api");  // port stripped
}

TEST(RouteTableTest, LongestWildcardSuffixWins) {
  RouteTable t(MakeConfig());
  EXPECT_EQ(*ClusterOf(t, "www.example.com", "/"), "wild");
  EXPECT_EQ(*ClusterOf(t, "fr.eu.example.com", "/"), "eu");
  // A wildcard needs at least one label before the suffix.
  EXPECT_EQ(ClusterOf(t, "example.com", "/"), nullptr);
}

TEST(RouteTableTest, FallbackHostAndNoMatchingRoute) {
  RouteTable t(MakeConfig());
  EXPECT_EQ(*ClusterOf(t, "10.0.0.1:80", "/only/this"), "fallback");
  EXPECT_EQ(ClusterOf(t, "10.0.0.1:80", "/other"), nullptr);
  EXPECT_EQ(ClusterOf(t, "", "/other"), nullptr);
  EXPECT_EQ(*ClusterOf(t, "", "/only"), "fallback");
  EXPECT_EQ(ClusterOf(t, "", "/onlyx"), nullptr);  // Gateway prefix: whole segments
}

TEST(RouteTableTest, OnlyAWildcardHostTakesEveryAuthority) {
  config::RouteConfig rc;
  rc.name = "inbound";
  rc.virtual_hosts = {config::VirtualHost{"any", {"*"}, {MakeRoute("/", "local")}}};
  RouteTable t(rc);
  EXPECT_EQ(*ClusterOf(t, "Backend.NS.svc:8080", "/x"), "local");
  EXPECT_EQ(*ClusterOf(t, "", "/"), "local");
  EXPECT_EQ(*ClusterOf(t, std::string(1000, 'h'), "/"), "local");
  config::RouteConfig none;
  none.name = "empty";
  EXPECT_EQ(ClusterOf(RouteTable(none), "a.b", "/"), nullptr);
}

// --- One route's conditions, table-driven. ---

struct MatchCase {
  const char* what;
  config::RouteMatch match;
  const char* method;
  const char* path;
  std::vector<std::pair<const char*, const char*>> headers;
  bool want;
};

config::RouteMatch Prefix(std::string p) {
  config::RouteMatch m;
  m.path_prefix = std::move(p);
  return m;
}
config::RouteMatch StringPrefix(std::string p) {
  config::RouteMatch m = Prefix(std::move(p));
  m.path_type = PathMatchType::kStringPrefix;
  return m;
}
config::RouteMatch Path(PathMatchType type, std::string p) {
  config::RouteMatch m;
  m.path_type = type;
  m.path = std::move(p);
  return m;
}
config::RouteMatch WithHeader(config::RouteMatch m, std::string name, ValueMatchType type,
                              std::string value = "") {
  m.headers.push_back(HeaderMatch{std::move(name), type, std::move(value)});
  return m;
}
config::RouteMatch WithQuery(config::RouteMatch m, std::string name, ValueMatchType type,
                             std::string value = "") {
  m.query_params.push_back(QueryParamMatch{std::move(name), type, std::move(value)});
  return m;
}
config::RouteMatch WithMethod(config::RouteMatch m, std::string method) {
  m.method = std::move(method);
  return m;
}

TEST(RouteMatcherTest, Conditions) {
  const auto kExact = ValueMatchType::kExact;
  const auto kRegex = ValueMatchType::kRegex;
  const auto kPresent = ValueMatchType::kPresent;
  const std::vector<MatchCase> cases = {
      {"prefix equal", Prefix("/foo"), "GET", "/foo", {}, true},
      {"prefix segment", Prefix("/foo"), "GET", "/foo/bar", {}, true},
      {"prefix trailing slash path", Prefix("/foo"), "GET", "/foo/", {}, true},
      {"prefix not mid-segment", Prefix("/foo"), "GET", "/foobar", {}, false},
      {"prefix with trailing slash", Prefix("/foo/"), "GET", "/foo", {}, true},
      {"prefix ignores query", Prefix("/foo"), "GET", "/foo?x=/y", {}, true},
      {"root prefix", Prefix("/"), "GET", "/anything", {}, true},
      {"string prefix mid-segment", StringPrefix("/foo"), "GET", "/foobar", {}, true},
      {"exact", Path(PathMatchType::kExact, "/a/b"), "GET", "/a/b?q=1", {}, true},
      {"exact longer", Path(PathMatchType::kExact, "/a/b"), "GET", "/a/b/", {}, false},
      {"regex full", Path(PathMatchType::kRegex, "/items/[0-9]+"), "GET", "/items/42", {}, true},
      {"regex partial", Path(PathMatchType::kRegex, "/items/[0-9]+"), "GET", "/items/42/x", {},
       false},
      {"bad regex never matches", Path(PathMatchType::kRegex, "(unclosed"), "GET", "(unclosed",
       {}, false},
      {"method", WithMethod(Prefix("/"), "POST"), "POST", "/", {}, true},
      {"method differs", WithMethod(Prefix("/"), "POST"), "GET", "/", {}, false},
      {"header exact, name case-insensitive", WithHeader(Prefix("/"), "X-Env", kExact, "canary"),
       "GET", "/", {{"x-env", "canary"}}, true},
      {"header exact value differs", WithHeader(Prefix("/"), "x-env", kExact, "canary"), "GET",
       "/", {{"x-env", "Canary"}}, false},
      {"header missing", WithHeader(Prefix("/"), "x-env", kExact, "canary"), "GET", "/", {},
       false},
      {"header regex", WithHeader(Prefix("/"), "x-user", kRegex, "u[0-9]+"), "GET", "/",
       {{"x-user", "u17"}}, true},
      {"header regex is a full match", WithHeader(Prefix("/"), "x-user", kRegex, "u[0-9]+"),
       "GET", "/", {{"x-user", "u17x"}}, false},
      {"header present", WithHeader(Prefix("/"), "x-debug", kPresent), "GET", "/",
       {{"x-debug", ""}}, true},
      {"header first value", WithHeader(Prefix("/"), "x-a", kExact, "1"), "GET", "/",
       {{"x-a", "1"}, {"x-a", "2"}}, true},
      {"pseudo-header :method", WithHeader(Prefix("/"), ":method", kRegex, "GET|HEAD"), "HEAD",
       "/", {}, true},
      {"query exact", WithQuery(Prefix("/"), "v", kExact, "2"), "GET", "/p?a=1&v=2", {}, true},
      {"query exact differs", WithQuery(Prefix("/"), "v", kExact, "2"), "GET", "/p?v=3", {},
       false},
      {"query name case-sensitive", WithQuery(Prefix("/"), "v", kExact, "2"), "GET", "/p?V=2",
       {}, false},
      {"query regex", WithQuery(Prefix("/"), "id", kRegex, "[a-f]+"), "GET", "/p?id=beef", {},
       true},
      {"query missing", WithQuery(Prefix("/"), "id", kPresent), "GET", "/p", {}, false},
      {"query present without value", WithQuery(Prefix("/"), "debug", kPresent), "GET",
       "/p?debug", {}, true},
      {"all ANDed", WithQuery(WithHeader(WithMethod(Prefix("/api"), "GET"), "x-v", kExact, "1"),
                              "q", kExact, "z"),
       "GET", "/api/x?q=z", {{"x-v", "1"}}, true},
      {"all ANDed, one fails",
       WithQuery(WithHeader(WithMethod(Prefix("/api"), "GET"), "x-v", kExact, "1"), "q", kExact,
                 "z"),
       "GET", "/api/x?q=y", {{"x-v", "1"}}, false},
  };
  for (const MatchCase& c : cases) {
    RouteMatcher matcher(c.match);
    RequestHeaders request;
    request.method = c.method;
    request.authority = "svc";
    request.path = c.path;
    for (const auto& [name, value] : c.headers) request.headers.Add(name, value);
    EXPECT_EQ(matcher.Matches(RequestView::Of(request)), c.want) << c.what;
  }
}

// --- First match wins; the control plane's order is kept. ---

TEST(RouteTableTest, FirstMatchWinsInConfigOrder) {
  config::RouteConfig rc;
  config::VirtualHost vh{"vh", {"*"}, {}};
  config::Route exact;
  exact.match = Path(PathMatchType::kExact, "/api/login");
  exact.cluster = "login";
  config::Route canary;
  canary.match = WithHeader(Prefix("/api"), "x-canary", ValueMatchType::kPresent);
  canary.cluster = "canary";
  config::Route api = MakeRoute("/api", "api");
  config::Route root = MakeRoute("/", "root");
  vh.routes = {exact, canary, api, root};
  rc.virtual_hosts = {vh};
  RouteTable t(rc);
  auto cluster = [&t](const char* method, const char* path, bool canary_header) {
    RequestHeaders r;
    r.method = method;
    r.authority = "x";
    r.path = path;
    if (canary_header) r.headers.Add("x-canary", "1");
    const config::Route* route = t.Match(r);
    return route == nullptr ? std::string("<none>") : route->cluster;
  };
  EXPECT_EQ(cluster("POST", "/api/login", true), "login");
  EXPECT_EQ(cluster("GET", "/api/users", true), "canary");
  EXPECT_EQ(cluster("GET", "/api/users", false), "api");
  EXPECT_EQ(cluster("GET", "/apix", false), "root");
  // The host-and-path form cannot see header fields.
  EXPECT_EQ(t.Match("x", "/api/users")->cluster, "api");
}

// --- Mutations. ---

TEST(RouteActionsTest, HeaderMutationsRemoveThenAddSetAddIfAbsent) {
  config::Route route = MakeRoute("/", "c");
  route.request_headers.remove = {"x-drop"};
  route.request_headers.add = {
      {"x-add", "2", config::HeaderToAdd::Action::kAppend},
      {"x-set", "new", config::HeaderToAdd::Action::kOverwrite},
      {"x-keep", "ignored", config::HeaderToAdd::Action::kAddIfAbsent},
      {"x-fresh", "yes", config::HeaderToAdd::Action::kAddIfAbsent},
  };
  RequestHeaders request;
  request.path = "/";
  request.headers.Add("x-drop", "a");
  request.headers.Add("X-Drop", "b");
  request.headers.Add("x-add", "1");
  request.headers.Add("x-set", "old1");
  request.headers.Add("x-set", "old2");
  request.headers.Add("x-keep", "mine");
  ApplyRequestMutations(route, request);
  std::vector<std::string> fields;
  request.headers.ForEach([&fields](absl::string_view n, absl::string_view v) {
    fields.push_back(absl::StrCat(n, "=", v));
  });
  EXPECT_EQ(fields, (std::vector<std::string>{"x-add=1", "x-keep=mine", "x-add=2", "x-set=new",
                                              "x-fresh=yes"}));

  config::Route response_route = MakeRoute("/", "c");
  response_route.response_headers.remove = {"server"};
  response_route.response_headers.add = {{"x-mesh", "weft", config::HeaderToAdd::Action::kAppend}};
  ResponseHeaders response;
  response.status = 200;
  response.headers.Add("server", "backend");
  ApplyResponseMutations(response_route, response);
  EXPECT_FALSE(response.headers.Has("server"));
  EXPECT_EQ(response.headers.Get("x-mesh").value_or(""), "weft");
}

struct RewriteCase {
  config::RouteMatch match;
  std::string prefix_rewrite;
  std::string path_rewrite;
  std::string path;
  std::string want;
};

TEST(RouteActionsTest, PathRewrites) {
  const std::vector<RewriteCase> cases = {
      {Prefix("/foo"), "/bar", "", "/foo/x?q=1", "/bar/x?q=1"},
      {Prefix("/foo"), "/bar", "", "/foo", "/bar"},
      {Prefix("/foo/"), "/bar", "", "/foo/x", "/bar/x"},
      {Prefix("/foo"), "/", "", "/foo/x", "/x"},
      {Prefix("/foo"), "/", "", "/foo", "/"},
      {Prefix("/"), "/v2", "", "/x", "/v2/x"},
      {StringPrefix("/foo"), "/bar", "", "/foox", "/barx"},
      {Path(PathMatchType::kExact, "/old"), "/new", "", "/old?a", "/new?a"},
      {Path(PathMatchType::kRegex, "/i/.*"), "", "/all", "/i/7?z=1", "/all?z=1"},
      {Prefix("/foo"), "", "/full", "/foo/deep/er", "/full"},
  };
  for (const RewriteCase& c : cases) {
    config::Route route;
    route.match = c.match;
    route.cluster = "c";
    route.prefix_rewrite = c.prefix_rewrite;
    route.path_rewrite = c.path_rewrite;
    RequestHeaders request;
    request.path = c.path;
    ApplyRequestMutations(route, request);
    EXPECT_EQ(request.path, c.want) << c.path << " with " << c.prefix_rewrite << c.path_rewrite;
  }
}

TEST(RouteActionsTest, HostRewrite) {
  config::Route route = MakeRoute("/", "c");
  route.host_rewrite = "backend.internal";
  RequestHeaders request;
  request.authority = "front:8080";
  request.path = "/";
  ApplyRequestMutations(route, request);
  EXPECT_EQ(request.authority, "backend.internal");
}

struct RedirectCase {
  const char* what;
  config::RedirectAction redirect;
  config::RouteMatch match;
  const char* scheme;
  const char* authority;
  const char* path;
  const char* want;
};

config::RedirectAction Redirect(std::string scheme, std::string host, uint16_t port,
                                std::string path = "", std::string prefix = "",
                                bool strip_query = false) {
  config::RedirectAction r;
  r.scheme = std::move(scheme);
  r.host = std::move(host);
  r.port = port;
  r.path = std::move(path);
  r.prefix_rewrite = std::move(prefix);
  r.strip_query = strip_query;
  return r;
}

TEST(RouteActionsTest, RedirectLocations) {
  const std::vector<RedirectCase> cases = {
      {"scheme only drops the port", Redirect("https", "", 0), Prefix("/"), "http",
       "example.com:8080", "/a?b=1", "https://example.com/a?b=1"},
      {"host keeps the request port", Redirect("", "new.example", 0), Prefix("/"), "http",
       "old:8080", "/a", "http://new.example:8080/a"},
      {"default port not written", Redirect("", "", 80), Prefix("/"), "http", "h:9090", "/",
       "http://h/"},
      {"explicit port", Redirect("https", "", 8443), Prefix("/"), "http", "h", "/",
       "https://h:8443/"},
      {"full path, query kept", Redirect("", "", 0, "/new"), Prefix("/old"), "http", "h",
       "/old/x?q=1", "http://h/new?q=1"},
      {"prefix replaced", Redirect("", "", 0, "", "/v2"), Prefix("/v1"), "http", "h", "/v1/x",
       "http://h/v2/x"},
      {"strip query", Redirect("", "", 0, "", "", true), Prefix("/"), "http", "h", "/a?b=1",
       "http://h/a"},
      {"ipv6 authority", Redirect("https", "", 0), Prefix("/"), "http", "[::1]:8080", "/",
       "https://[::1]/"},
  };
  for (const RedirectCase& c : cases) {
    config::Route route;
    route.match = c.match;
    route.redirect = c.redirect;
    route.redirect->status = 301;
    RequestHeaders request;
    request.scheme = c.scheme;
    request.authority = c.authority;
    request.path = c.path;
    LocalResponse local = MakeLocalResponse(route, request);
    EXPECT_EQ(local.headers.status, 301) << c.what;
    EXPECT_EQ(local.headers.headers.Get("location").value_or(""), c.want) << c.what;
    EXPECT_TRUE(local.body.empty()) << c.what;
  }
}

TEST(RouteActionsTest, DirectResponseWithResponseHeaders) {
  config::Route route;
  route.direct_response = config::DirectResponseAction{503, "down for maintenance"};
  route.response_headers.add = {{"retry-after", "60", config::HeaderToAdd::Action::kOverwrite}};
  EXPECT_FALSE(route.forwards());
  RequestHeaders request;
  request.path = "/";
  LocalResponse local = MakeLocalResponse(route, request);
  EXPECT_EQ(local.headers.status, 503);
  EXPECT_EQ(local.body, "down for maintenance");
  EXPECT_EQ(local.headers.headers.Get("content-type").value_or(""), "text/plain");
  EXPECT_EQ(local.headers.headers.Get("retry-after").value_or(""), "60");
}

TEST(PickWeightedClusterTest, SplitFollowsWeightsExactlyOverTheRandomRange) {
  std::vector<config::WeightedCluster> split = {{"v1", 90}, {"v2", 10}};
  std::vector<uint64_t> all(100);
  for (uint64_t i = 0; i < 100; ++i) all[i] = i;
  FixedRandom random(all);
  int v1 = 0, v2 = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string& c = PickWeightedCluster(split, random);
    if (c == "v1") ++v1;
    if (c == "v2") ++v2;
  }
  EXPECT_EQ(v1, 90);
  EXPECT_EQ(v2, 10);
  FixedRandom edge({89, 90, 99});
  EXPECT_EQ(PickWeightedCluster(split, edge), "v1");
  EXPECT_EQ(PickWeightedCluster(split, edge), "v2");
  EXPECT_EQ(PickWeightedCluster(split, edge), "v2");
}

}  // namespace
}  // namespace weft::http
