#include "proxy/config/bootstrap_loader.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/config/model.h"

namespace weft::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Parses `yaml`, expects failure and returns the problem lines (without the
// header line).
std::vector<std::string> ProblemsOf(const std::string& yaml) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(yaml, "test.yaml");
  EXPECT_FALSE(config.ok()) << "unexpectedly valid:\n" << yaml;
  if (config.ok()) return {};
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> lines = absl::StrSplit(config.status().message(), '\n');
  EXPECT_THAT(lines.front(), HasSubstr("test.yaml: invalid bootstrap config"));
  lines.erase(lines.begin());
  return lines;
}

// The one problem line containing `needle`; fails the test unless exactly one does.
std::string LineWith(const std::vector<std::string>& lines, const std::string& needle) {
  std::string found;
  int count = 0;
  for (const std::string& line : lines) {
    if (line.find(needle) != std::string::npos) {
      found = line;
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << "lines containing \"" << needle << "\" in:\n"
                      << absl::StrJoin(lines, "\n");
  return found;
}

constexpr char kMinimal[] = R"(
listeners:
  - name: l
    port: 15001
    default_cluster: c
clusters:
  - name: c
    endpoints: [{address: 10.0.0.1, port: 80}]
)";

TEST(BootstrapLoaderTest, FullDocumentRoundTrips) {
  absl::StatusOr<ProxyConfig> config = LoadBootstrapFile("proxy/config/testdata/full.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, "file:proxy/config/testdata/full.yaml");
  EXPECT_EQ(config->admin.address, "127.0.0.1");
  EXPECT_EQ(config->admin.port, 15000);

  ASSERT_EQ(config->listeners.size(), 2u);
  const Listener& outbound = config->listeners[0];
  EXPECT_EQ(outbound.name, "outbound");
  EXPECT_EQ(outbound.address, "0.0.0.0");
  EXPECT_EQ(outbound.port, 15001);
  EXPECT_TRUE(outbound.original_dst);
  EXPECT_EQ(outbound.protocol, Listener::Protocol::kAuto);
  EXPECT_THAT(outbound.opaque_ports, ElementsAre(3306, 5432));
  EXPECT_EQ(outbound.detection_timeout, absl::Milliseconds(500));
  EXPECT_EQ(outbound.route_config, "outbound_routes");
  EXPECT_EQ(outbound.default_cluster, "passthrough");
  EXPECT_EQ(outbound.idle_timeout, absl::Seconds(300));
  EXPECT_EQ(outbound.max_request_headers_bytes, 61440u);
  EXPECT_EQ(outbound.buffer_limit_bytes, 1048576u);
  const Listener& inbound = config->listeners[1];
  EXPECT_EQ(inbound.address, "::");
  EXPECT_EQ(inbound.protocol, Listener::Protocol::kTcp);
  EXPECT_EQ(inbound.idle_timeout, absl::Hours(1));

  ASSERT_EQ(config->route_configs.size(), 1u);
  const RouteConfig& routes = config->route_configs[0];
  EXPECT_EQ(routes.name, "outbound_routes");
  ASSERT_EQ(routes.virtual_hosts.size(), 1u);
  const VirtualHost& vhost = routes.virtual_hosts[0];
  EXPECT_EQ(vhost.name, "backend");
  EXPECT_THAT(vhost.domains, ElementsAre("backend", "backend:8080", "10.77.0.3:8080", "*"));
  ASSERT_EQ(vhost.routes.size(), 2u);
  EXPECT_EQ(vhost.routes[0].match.path_prefix, "/api");
  EXPECT_EQ(vhost.routes[0].cluster, "backend");
  EXPECT_EQ(vhost.routes[0].timeout, absl::Seconds(10));
  EXPECT_EQ(vhost.routes[1].match.path_prefix, "/");
  EXPECT_EQ(vhost.routes[1].timeout, absl::ZeroDuration());

  ASSERT_EQ(config->clusters.size(), 3u);
  const Cluster& backend = config->clusters[0];
  EXPECT_EQ(backend.name, "backend");
  EXPECT_EQ(backend.type, Cluster::Type::kStatic);
  EXPECT_EQ(backend.connect_timeout, absl::Seconds(1));
  EXPECT_EQ(backend.max_idle_connections, 64u);
  EXPECT_EQ(backend.idle_timeout, absl::Seconds(60));
  ASSERT_EQ(backend.endpoints.size(), 2u);
  EXPECT_EQ(backend.endpoints[0].address, "10.77.0.3");
  EXPECT_EQ(backend.endpoints[0].port, 8080);
  EXPECT_EQ(backend.endpoints[0].weight, 1u);
  EXPECT_EQ(backend.endpoints[1].address, "fd00::3");
  EXPECT_EQ(backend.endpoints[1].weight, 3u);
  EXPECT_EQ(config->clusters[1].type, Cluster::Type::kOriginalDst);
  EXPECT_TRUE(config->clusters[1].endpoints.empty());
  EXPECT_EQ(config->clusters[2].connect_timeout, absl::Milliseconds(250));
  EXPECT_EQ(config->clusters[2].max_idle_connections, 0u);
  EXPECT_EQ(config->FindCluster("local_app"), &config->clusters[2]);
}

TEST(BootstrapLoaderTest, AbsentKeysTakeTheModelDefaults) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(kMinimal, "inline");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, "inline");
  const Admin admin_defaults;
  EXPECT_EQ(config->admin.address, admin_defaults.address);
  EXPECT_EQ(config->admin.port, admin_defaults.port);
  EXPECT_TRUE(config->route_configs.empty());

  ASSERT_EQ(config->listeners.size(), 1u);
  const Listener& listener = config->listeners[0];
  const Listener defaults;
  EXPECT_EQ(listener.address, defaults.address);
  EXPECT_EQ(listener.original_dst, defaults.original_dst);
  EXPECT_EQ(listener.protocol, defaults.protocol);
  EXPECT_TRUE(listener.opaque_ports.empty());
  EXPECT_EQ(listener.detection_timeout, defaults.detection_timeout);
  EXPECT_EQ(listener.route_config, "");
  EXPECT_EQ(listener.idle_timeout, defaults.idle_timeout);
  EXPECT_EQ(listener.max_request_headers_bytes, defaults.max_request_headers_bytes);
  EXPECT_EQ(listener.buffer_limit_bytes, defaults.buffer_limit_bytes);

  ASSERT_EQ(config->clusters.size(), 1u);
  const Cluster& cluster = config->clusters[0];
  const Cluster cluster_defaults;
  EXPECT_EQ(cluster.type, Cluster::Type::kStatic);
  EXPECT_EQ(cluster.connect_timeout, cluster_defaults.connect_timeout);
  EXPECT_EQ(cluster.max_idle_connections, cluster_defaults.max_idle_connections);
  EXPECT_EQ(cluster.idle_timeout, cluster_defaults.idle_timeout);
  ASSERT_EQ(cluster.endpoints.size(), 1u);
  EXPECT_EQ(cluster.endpoints[0].weight, 1u);
}

TEST(BootstrapLoaderTest, NullListsAndMappingsAreEmpty) {
  absl::StatusOr<ProxyConfig> config =
      ParseBootstrapYaml("admin:\nlisteners:\nroute_configs: []\nclusters:\n", "inline");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->listeners.empty());
  EXPECT_EQ(config->admin.port, 15000);
}

TEST(BootstrapLoaderTest, ReportsEveryMistakeAtOnce) {
  const std::vector<std::string> lines = ProblemsOf(R"(
admin: {address: localhost, port: 15000}
listeners:
  - name: outbound
    port: 15001
    protocol: htp
    default_cluster: nowhere
  - name: outbound
    port: 70000
    route_config: missing_routes
    detection_timeout: 500
    original_dst: yes
route_configs:
  - name: r
    virtual_hosts:
      - name: v
        domains: ["a", "b*c"]
        routes:
          - match: {prefix: api}
            cluster: ghost
clusters:
  - name: s
    type: static
  - name: s
    type: roundrobin
    endpoints:
      - {address: 10.0.0.1, port: 80, weight: 0}
)");
  EXPECT_THAT(LineWith(lines, "admin.address:"),
              HasSubstr("\"localhost\" is not an IP address"));
  EXPECT_THAT(LineWith(lines, "listeners[0].protocol:"),
              HasSubstr("\"htp\" is not a protocol (auto, http, tcp)"));
  EXPECT_THAT(LineWith(lines, "listeners[0].default_cluster:"),
              HasSubstr("unknown cluster \"nowhere\""));
  EXPECT_THAT(LineWith(lines, "listeners[1].name:"),
              HasSubstr("duplicate listener name \"outbound\" (also listeners[0])"));
  EXPECT_THAT(LineWith(lines, "listeners[1].port:"),
              HasSubstr("listeners[1].port: 70000 is not a port (1-65535)"));
  EXPECT_THAT(LineWith(lines, "listeners[1].route_config:"),
              HasSubstr("unknown route config \"missing_routes\""));
  EXPECT_THAT(LineWith(lines, "listeners[1].detection_timeout:"), HasSubstr("needs a unit"));
  EXPECT_THAT(LineWith(lines, "listeners[1].original_dst:"),
              HasSubstr("\"yes\" is not true or false"));
  EXPECT_THAT(LineWith(lines, "listeners[1].default_cluster:"), HasSubstr("required"));
  EXPECT_THAT(LineWith(lines, "domains[1]:"), HasSubstr("\"*\" may only be the whole domain"));
  EXPECT_THAT(LineWith(lines, "routes[0].match.prefix:"), HasSubstr("must start with \"/\""));
  EXPECT_THAT(LineWith(lines, "routes[0].cluster:"), HasSubstr("unknown cluster \"ghost\""));
  EXPECT_THAT(LineWith(lines, "clusters[0].endpoints:"),
              HasSubstr("a static cluster needs at least one endpoint"));
  EXPECT_THAT(LineWith(lines, "clusters[1].name:"), HasSubstr("duplicate cluster name \"s\""));
  EXPECT_THAT(LineWith(lines, "clusters[1].type:"),
              HasSubstr("\"roundrobin\" is not a cluster type (static, original_dst)"));
  EXPECT_THAT(LineWith(lines, "clusters[1].endpoints[0].weight:"),
              HasSubstr("0 is not a weight (1-1000000)"));
  EXPECT_EQ(lines.size(), 16u) << absl::StrJoin(lines, "\n");
  // Problems come in document order, with their position.
  EXPECT_THAT(lines.front(), HasSubstr("admin.address"));
  EXPECT_THAT(lines.front(), HasSubstr("(line 2, column 18)"));
  EXPECT_THAT(LineWith(lines, "listeners[1].port:"), HasSubstr("(line 9, column 11)"));
}

TEST(BootstrapLoaderTest, RejectedValueIsReportedOnce) {
  // The reader rejects 70000; the validator, seeing no port, must not add a second
  // line about the same field.
  const std::vector<std::string> lines = ProblemsOf(R"(
listeners: [{name: l, port: 70000, default_cluster: c, opaque_ports: [0, 80, abc]}]
clusters: [{name: c, endpoints: [{address: 10.0.0.1, port: 80}]}]
)");
  EXPECT_THAT(LineWith(lines, "listeners[0].port:"), HasSubstr("70000 is not a port"));
  EXPECT_THAT(LineWith(lines, "opaque_ports[0]:"), HasSubstr("0 is not a port (1-65535)"));
  EXPECT_THAT(LineWith(lines, "opaque_ports[2]:"), HasSubstr("\"abc\" is not a port"));
  EXPECT_EQ(lines.size(), 3u) << absl::StrJoin(lines, "\n");
}

TEST(BootstrapLoaderTest, BrokenClusterListDoesNotCascadeIntoUnknownReferences) {
  const std::vector<std::string> lines = ProblemsOf(R"(
listeners: [{name: l, port: 15001, default_cluster: c}]
clusters: c
)");
  ASSERT_EQ(lines.size(), 1u) << absl::StrJoin(lines, "\n");
  EXPECT_THAT(lines[0], HasSubstr("clusters: expected a list, got a single value"));
}

TEST(BootstrapLoaderTest, UnknownKeysNameTheKeyAndPath) {
  const std::vector<std::string> lines = ProblemsOf(R"(
listners: []
listeners:
  - name: l
    port: 15001
    default_cluster: c
    protocl: http
clusters:
  - name: c
    endpoints: [{address: 10.0.0.1, port: 80, wieght: 2}]
)");
  EXPECT_THAT(LineWith(lines, "listners:"), HasSubstr("unknown key \"listners\" (known keys: "
                                                      "admin, observability, xds, listeners, "
                                                      "route_configs, clusters)"));
  EXPECT_THAT(LineWith(lines, "listeners[0].protocl:"), HasSubstr("unknown key \"protocl\""));
  EXPECT_THAT(LineWith(lines, "clusters[0].endpoints[0].wieght:"),
              HasSubstr("known keys: address, port, weight"));
  EXPECT_EQ(lines.size(), 3u);
}

TEST(BootstrapLoaderTest, DuplicateKeysAreErrors) {
  const std::vector<std::string> lines = ProblemsOf(std::string(kMinimal) + "listeners: []\n");
  EXPECT_THAT(LineWith(lines, "listeners:"), HasSubstr("duplicate key"));
}

TEST(BootstrapLoaderTest, MalformedYamlGivesPositionAndNeverThrows) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad indentation", "listeners:\n  - name: a\n     port: 1\n    x: y\n"},
      {"tab", "listeners:\n\t- name: a\n"},
      {"unclosed bracket", "listeners: [{name: a, port: 1\nclusters: []\n"},
      {"unclosed quote", "admin: {address: \"127.0.0.1}\n"},
      // yaml-cpp 0.7's LoadAll loops forever on these (found by bootstrap_fuzz).
      {"stray comma", ",a"},
      {"stray comma after a document", "admin: {}\n---\n,\n"},
  };
  for (const auto& [name, yaml] : cases) {
    SCOPED_TRACE(name);
    const std::vector<std::string> lines = ProblemsOf(yaml);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_THAT(lines[0], HasSubstr("YAML syntax error"));
    EXPECT_THAT(lines[0], HasSubstr("(line "));
  }
}

TEST(BootstrapLoaderTest, TabIndentationIsExplained) {
  const std::vector<std::string> lines = ProblemsOf("listeners:\n\t- name: a\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("this line is indented with a tab (line 2, column 2)"));
}

TEST(BootstrapLoaderTest, EmptyDocumentsAreErrors) {
  for (const char* yaml : {"", "# just a comment\n", "---\n", "~\n", "\n\n"}) {
    SCOPED_TRACE(yaml);
    const std::vector<std::string> lines = ProblemsOf(yaml);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_THAT(lines[0], HasSubstr("the document is empty"));
  }
}

TEST(BootstrapLoaderTest, RootMustBeOneMapping) {
  EXPECT_THAT(ProblemsOf("- a\n- b\n")[0], HasSubstr("the document must be a mapping"));
  EXPECT_THAT(ProblemsOf("just text\n")[0], HasSubstr("the document must be a mapping"));
  EXPECT_THAT(ProblemsOf(std::string(kMinimal) + "---\n" + kMinimal)[0],
              HasSubstr("found 2 YAML documents"));
}

TEST(BootstrapLoaderTest, WrongTypesAreNamed) {
  const std::vector<std::string> lines = ProblemsOf(R"(
admin: [127.0.0.1, 15000]
listeners:
  - name: [a, b]
    port: abc
    opaque_ports: 3306
    default_cluster: c
    max_request_headers_bytes: -1
    buffer_limit_bytes: 1e9
route_configs: "routes"
clusters:
  - name: c
    max_idle_connections: -3
    connect_timeout: {s: 1}
    endpoints:
      - {address: 10.0.0.1, port: -80, weight: 1e9}
      - {address: 10.0.0.2, port: 80, weight: 1000000000}
      - {address: 10.0.0.3, port: 80.5, weight: 99999999999999999999999}
      - just-a-string
)");
  EXPECT_THAT(LineWith(lines, "admin:"), HasSubstr("expected a mapping (key: value), got a list"));
  EXPECT_THAT(LineWith(lines, "listeners[0].name:"),
              HasSubstr("expected a string, got a list"));
  EXPECT_THAT(LineWith(lines, "listeners[0].port:"), HasSubstr("\"abc\" is not a port"));
  EXPECT_THAT(LineWith(lines, "opaque_ports:"), HasSubstr("expected a list, got a single value"));
  EXPECT_THAT(LineWith(lines, "max_request_headers_bytes:"),
              HasSubstr("-1 is not a byte count (1024-1048576)"));
  EXPECT_THAT(LineWith(lines, "buffer_limit_bytes:"), HasSubstr("\"1e9\" is not a byte count"));
  EXPECT_THAT(LineWith(lines, "route_configs:"), HasSubstr("expected a list, got a single value"));
  EXPECT_THAT(LineWith(lines, "max_idle_connections:"),
              HasSubstr("-3 is not a connection count (0-4294967295)"));
  EXPECT_THAT(LineWith(lines, "connect_timeout:"),
              HasSubstr("expected a duration (e.g. \"250ms\", \"1s\", \"5m\"), got a mapping"));
  EXPECT_THAT(LineWith(lines, "endpoints[0].port:"), HasSubstr("-80 is not a port"));
  EXPECT_THAT(LineWith(lines, "endpoints[0].weight:"),
              HasSubstr("\"1e9\" is not a weight (1-1000000)"));
  EXPECT_THAT(LineWith(lines, "endpoints[1].weight:"), HasSubstr("1000000000 is not a weight"));
  EXPECT_THAT(LineWith(lines, "endpoints[2].port:"), HasSubstr("\"80.5\" is not a port"));
  EXPECT_THAT(LineWith(lines, "endpoints[2].weight:"),
              HasSubstr("\"99999999999999999999999\" is not a weight"));
  EXPECT_THAT(LineWith(lines, "endpoints[3]:"), HasSubstr("expected a mapping"));
  EXPECT_EQ(lines.size(), 15u) << absl::StrJoin(lines, "\n");
}

TEST(BootstrapLoaderTest, DurationsNeedUnits) {
  const std::vector<std::string> lines = ProblemsOf(R"(
listeners:
  - {name: a, port: 1, default_cluster: c, detection_timeout: 250ms, idle_timeout: 1h30m}
  - {name: b, port: 2, default_cluster: c, detection_timeout: 10, idle_timeout: -1s}
  - {name: c, port: 3, default_cluster: c, detection_timeout: soon, idle_timeout: 0}
  - {name: d, port: 4, default_cluster: c, detection_timeout: inf}
clusters: [{name: c, type: original_dst, connect_timeout: 1.5s}]
)");
  EXPECT_THAT(LineWith(lines, "listeners[1].detection_timeout:"),
              HasSubstr("10 needs a unit: write e.g. \"10s\" or \"10ms\""));
  EXPECT_THAT(LineWith(lines, "listeners[1].idle_timeout:"),
              HasSubstr("must not be negative (got -1s)"));
  EXPECT_THAT(LineWith(lines, "listeners[2].detection_timeout:"),
              HasSubstr("\"soon\" is not a duration"));
  EXPECT_THAT(LineWith(lines, "listeners[2].idle_timeout:"),
              HasSubstr("must be greater than zero"));
  EXPECT_THAT(LineWith(lines, "listeners[3].detection_timeout:"),
              HasSubstr("must be a finite duration"));
  EXPECT_EQ(lines.size(), 5u) << absl::StrJoin(lines, "\n");
}

TEST(BootstrapLoaderTest, AliasExpansionIsBounded) {
  // 300 aliases of a listener holding 1000 ports: 300k values from a few KB.
  std::string ports;
  for (int i = 1; i <= 1000; ++i) absl::StrAppend(&ports, i == 1 ? "" : ", ", i);
  std::string yaml = absl::StrCat("listeners:\n  - &l {name: a, port: 1, opaque_ports: [",
                                  ports, "]}\n");
  for (int i = 0; i < 300; ++i) yaml += "  - *l\n";
  const std::vector<std::string> lines = ProblemsOf(yaml);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("more than 100000 values"));
}

TEST(BootstrapLoaderTest, OversizedTextIsRefused) {
  const std::string yaml(kMaxBootstrapBytes + 1, '#');
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(yaml, "big.yaml");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("more than the limit"));
}

TEST(BootstrapLoaderTest, LongListsOfProblemsAreCapped) {
  std::string yaml = "listeners:\n";
  for (int i = 0; i < 150; ++i) yaml += "  - {name: l, port: 0, default_cluster: c}\n";
  yaml += "clusters: [{name: c, type: original_dst}]\n";
  const std::vector<std::string> lines = ProblemsOf(yaml);
  ASSERT_EQ(lines.size(), 101u);
  EXPECT_EQ(lines.back(), "... and 199 more");  // 150 ports + 149 duplicate names
}

TEST(BootstrapLoaderTest, MissingFileNamesThePath) {
  absl::StatusOr<ProxyConfig> config = LoadBootstrapFile("/nonexistent/weft/bootstrap.yaml");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(config.status().message(), HasSubstr("/nonexistent/weft/bootstrap.yaml"));
}

TEST(BootstrapLoaderTest, DirectoryIsNotABootstrapFile) {
  absl::StatusOr<ProxyConfig> config = LoadBootstrapFile("proxy/config/testdata");
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("proxy/config/testdata is not a regular file"));
}

TEST(BootstrapLoaderTest, InvalidFileContentNamesThePath) {
  const std::string path = absl::StrCat(testing::TempDir(), "/bad_bootstrap.yaml");
  FILE* file = fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  fputs("listeners: [", file);
  fclose(file);
  absl::StatusOr<ProxyConfig> config = LoadBootstrapFile(path);
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr(path + ": invalid bootstrap config"));
  EXPECT_THAT(config.status().message(), Not(HasSubstr("file:")));
}

constexpr char kChains[] = R"(
listeners:
  - name: outbound
    port: 15001
    original_dst: true
    default_cluster: passthrough
    filter_chains:
      - name: backend-http
        destination_prefixes: ["10.96.0.7", "10.96.1.0/24"]
        destination_port: 8080
        protocol: http
        route_config: backend
      - name: db
        destination_prefixes: ["fd00::5/128"]
        protocol: tcp
        cluster: db
route_configs:
  - name: backend
    virtual_hosts:
      - name: backend
        domains: ["*"]
        routes:
          - match: {prefix: /}
            cluster: backend
clusters:
  - name: passthrough
    type: original_dst
  - name: backend
    endpoints: [{address: 10.0.0.5, port: 8080}]
  - name: db
    endpoints: [{address: 10.0.0.6, port: 5432}]
)";

TEST(BootstrapLoaderTest, FilterChainsParse) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(kChains, "chains.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  const Listener& l = config->listeners[0];
  ASSERT_EQ(l.filter_chains.size(), 2u);
  EXPECT_EQ(l.filter_chains[0].name, "backend-http");
  EXPECT_EQ(l.filter_chains[0].destination_prefixes,
            (std::vector<CidrRange>{{"10.96.0.7", 32}, {"10.96.1.0", 24}}));
  EXPECT_EQ(l.filter_chains[0].destination_port, 8080);
  EXPECT_EQ(l.filter_chains[0].protocol, Protocol::kHttp);
  EXPECT_EQ(l.filter_chains[0].route_config, "backend");
  EXPECT_TRUE(l.filter_chains[0].cluster.empty());
  EXPECT_EQ(l.filter_chains[1].destination_prefixes, (std::vector<CidrRange>{{"fd00::5", 128}}));
  EXPECT_EQ(l.filter_chains[1].cluster, "db");
}

TEST(BootstrapLoaderTest, FilterChainMistakesAreAllReported) {
  std::string yaml = kChains;
  yaml = absl::StrReplaceAll(yaml, {{"\"10.96.1.0/24\"", "\"10.96.1.0/40\""},
                                    {"cluster: db\n", "cluster: nope\n"},
                                    {"- name: db\n", "- name: backend-http\n"}});
  std::vector<std::string> problems = ProblemsOf(yaml);
  EXPECT_THAT(LineWith(problems, "filter_chains[0].destination_prefixes[1]"),
              HasSubstr("10.96.1.0/40"));
  EXPECT_THAT(LineWith(problems, "filter_chains[1].cluster"), HasSubstr("nope"));
  EXPECT_THAT(LineWith(problems, "filter_chains[1].name"), HasSubstr("duplicate"));
}

}  // namespace
}  // namespace weft::config

namespace weft::config {
namespace {

constexpr char kL7[] = R"(
listeners:
  - name: l
    port: 15001
    protocol: http
    route_config: rc
clusters:
  - name: api
    endpoints: [{address: 10.0.0.1, port: 80}]
route_configs:
  - name: rc
    virtual_hosts:
      - name: vh
        domains: ["*"]
        routes:
          - name: login
            match:
              path: /login
              method: POST
              headers:
                - {name: x-env, exact: canary}
                - {name: x-user, regex: "u[0-9]+"}
                - {name: x-debug, present: true}
              query_params:
                - {name: v, exact: "2"}
            cluster: api
            timeout: 2s
            per_try_timeout: 500ms
            host_rewrite: api.internal
            prefix_rewrite: /v2/login
            request_headers:
              set: [{name: x-a, value: "1"}]
              add: [{name: x-b, value: "2"}]
              add_if_absent: [{name: x-c, value: "3"}]
              remove: [x-d]
            response_headers:
              remove: [server]
          - match: {regex: "/items/[0-9]+"}
            cluster: api
            path_rewrite: /items
          - match: {prefix: /old}
            redirect: {scheme: https, host: new.example, port: 8443, prefix_rewrite: /new, status: 301, strip_query: true}
          - match: {prefix: /down}
            direct_response: {status: 503, body: maintenance}
)";

TEST(BootstrapLoaderL7Test, FullRouteFeatureSetParses) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(kL7, "l7.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  const std::vector<Route>& routes = config->route_configs[0].virtual_hosts[0].routes;
  ASSERT_EQ(routes.size(), 4u);
  const Route& login = routes[0];
  EXPECT_EQ(login.name, "login");
  EXPECT_EQ(login.match.path_type, PathMatchType::kExact);
  EXPECT_EQ(login.match.path, "/login");
  EXPECT_EQ(login.match.method, "POST");
  ASSERT_EQ(login.match.headers.size(), 3u);
  EXPECT_EQ(login.match.headers[1].type, ValueMatchType::kRegex);
  EXPECT_EQ(login.match.headers[1].value, "u[0-9]+");
  EXPECT_EQ(login.match.headers[2].type, ValueMatchType::kPresent);
  ASSERT_EQ(login.match.query_params.size(), 1u);
  EXPECT_EQ(login.match.query_params[0].value, "2");
  EXPECT_EQ(login.timeout, absl::Seconds(2));
  EXPECT_EQ(login.per_try_timeout, absl::Milliseconds(500));
  EXPECT_EQ(login.host_rewrite, "api.internal");
  EXPECT_EQ(login.prefix_rewrite, "/v2/login");
  ASSERT_EQ(login.request_headers.add.size(), 3u);
  EXPECT_EQ(login.request_headers.add[0].action, HeaderToAdd::Action::kOverwrite);
  EXPECT_EQ(login.request_headers.add[1].action, HeaderToAdd::Action::kAppend);
  EXPECT_EQ(login.request_headers.add[2].action, HeaderToAdd::Action::kAddIfAbsent);
  EXPECT_EQ(login.request_headers.remove, std::vector<std::string>{"x-d"});
  EXPECT_EQ(login.response_headers.remove, std::vector<std::string>{"server"});
  EXPECT_EQ(routes[1].match.path_type, PathMatchType::kRegex);
  EXPECT_EQ(routes[1].path_rewrite, "/items");
  ASSERT_TRUE(routes[2].redirect.has_value());
  EXPECT_EQ(routes[2].redirect->scheme, "https");
  EXPECT_EQ(routes[2].redirect->port, 8443);
  EXPECT_EQ(routes[2].redirect->prefix_rewrite, "/new");
  EXPECT_EQ(routes[2].redirect->status, 301);
  EXPECT_TRUE(routes[2].redirect->strip_query);
  ASSERT_TRUE(routes[3].direct_response.has_value());
  EXPECT_EQ(routes[3].direct_response->status, 503);
  EXPECT_EQ(routes[3].direct_response->body, "maintenance");
  EXPECT_FALSE(routes[3].forwards());
}

TEST(BootstrapLoaderL7Test, RouteMistakesAreReportedWithPositions) {
  const std::string yaml = absl::StrReplaceAll(kL7, {{"path: /login", "path: /login\n              prefix: /x"},
                                                     {"exact: canary", "exact: canary, regex: x"},
                                                     {"{name: x-debug, present: true}", "{name: x-debug}"},
                                                     {"status: 301", "status: 300"},
                                                     {"/items/[0-9]+", "/items/[0-9"}});
  const std::vector<std::string> lines = ProblemsOf(yaml);
  EXPECT_THAT(LineWith(lines, "routes[0].match:"),
              HasSubstr("give only one of prefix, path or regex (got path, prefix)"));
  EXPECT_THAT(LineWith(lines, "routes[0].match.headers[0]:"),
              HasSubstr("give only one of exact, regex or present (got exact, regex)"));
  EXPECT_THAT(LineWith(lines, "routes[0].match.headers[2]:"),
              HasSubstr("needs one of exact, regex or present"));
  // The validator runs too (but says nothing more about fields the reader rejected).
  EXPECT_THAT(LineWith(lines, "routes[1].match.regex:"),
              HasSubstr("is not a valid RE2 regular expression: missing ]"));
  EXPECT_THAT(LineWith(lines, "routes[2].redirect.status:"), HasSubstr("(line "));
  EXPECT_EQ(lines.size(), 5u) << absl::StrJoin(lines, "\n");
}

}  // namespace
}  // namespace weft::config

namespace weft::config {
namespace {

TEST(BootstrapObservabilityTest, ReadsTheSectionAndReportsBadValues) {
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(R"(
observability:
  metrics_port: 0
  access_log_path: /var/log/weft/access.jsonl
  access_log_sample_ratio: 0.25
  tracing: false
  request_metrics: false
listeners: []
)", "inline");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->observability.metrics_port, 0);
  EXPECT_EQ(config->observability.access_log_path, "/var/log/weft/access.jsonl");
  EXPECT_DOUBLE_EQ(config->observability.access_log_sample_ratio, 0.25);
  EXPECT_FALSE(config->observability.tracing);
  EXPECT_FALSE(config->observability.request_metrics);

  absl::StatusOr<ProxyConfig> bad = ParseBootstrapYaml(R"(
observability:
  metrics_port: 70000
  access_log_sample_ratio: 2
  tracing: maybe
)", "inline");
  ASSERT_FALSE(bad.ok());
  const std::string m(bad.status().message());
  EXPECT_NE(m.find("observability.metrics_port"), std::string::npos) << m;
  EXPECT_NE(m.find("observability.access_log_sample_ratio"), std::string::npos) << m;
  EXPECT_NE(m.find("observability.tracing"), std::string::npos) << m;
}

// xds.node_id and metadata values expand ${NAME} from the environment, so that
// one injected bootstrap names every replica by its own pod (env_expansion.h).
TEST(BootstrapLoaderTest, XdsNodeIdZoneAndMetadataExpandEnvironmentVariables) {
  setenv("WEFT_TEST_POD_NAME", "web-7d4b9c-x2x7k", 1);
  setenv("WEFT_TEST_POD_NAMESPACE", "shop", 1);
  setenv("WEFT_TEST_ZONE", "eu-west-1a", 1);
  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(
      "admin: {address: 127.0.0.1, port: 15000}\n"
      "xds:\n"
      "  server: 127.0.0.1:15010\n"
      "  node_id: ${WEFT_TEST_POD_NAMESPACE}/${WEFT_TEST_POD_NAME}\n"
      "  zone: ${WEFT_TEST_ZONE}\n"
      "  metadata: {POD: \"${WEFT_TEST_POD_NAME}\", PRICE: \"$$5\"}\n",
      "test.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->xds.node_id, "shop/web-7d4b9c-x2x7k");
  EXPECT_EQ(config->xds.zone, "eu-west-1a");
  ASSERT_EQ(config->xds.metadata.size(), 2u);
  EXPECT_EQ(config->xds.metadata[0].second, "web-7d4b9c-x2x7k");
  EXPECT_EQ(config->xds.metadata[1].second, "$5");
}

TEST(BootstrapLoaderTest, XdsNodeIdWithAMissingVariableNamesIt) {
  unsetenv("WEFT_TEST_UNSET_VARIABLE");
  const std::vector<std::string> lines = ProblemsOf(
      "admin: {address: 127.0.0.1, port: 15000}\n"
      "xds:\n"
      "  server: 127.0.0.1:15010\n"
      "  node_id: shop/${WEFT_TEST_UNSET_VARIABLE}\n");
  EXPECT_THAT(LineWith(lines, "xds.node_id"),
              HasSubstr("WEFT_TEST_UNSET_VARIABLE is not set in the environment (line 4"));
}

}  // namespace
}  // namespace weft::config
