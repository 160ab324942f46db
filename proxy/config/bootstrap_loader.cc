#include "proxy/config/bootstrap_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exception>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "proxy/config/env_expansion.h"
#include "proxy/config/problem_list.h"
#include "proxy/config/resilience_yaml.h"
#include "proxy/config/tls_yaml.h"
#include "proxy/config/validate.h"
#include "proxy/config/yaml_documents.h"
#include "proxy/config/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace weft::config {
namespace {

// Beyond this many problems the message only says how many more there are.
constexpr size_t kMaxListedProblems = 100;

// A string with ${NAME} references expanded from the environment (xds.node_id
// and metadata values: one bootstrap for every replica, env_expansion.h).
bool ReadExpandedString(YamlReader& r, const YAML::Node& node, const std::string& path,
                        std::string& out) {
  std::string text;
  if (!r.ReadString(node, path, text)) return false;
  absl::StatusOr<std::string> expanded = ExpandEnvironment(text, LookupProcessEnvironment);
  if (!expanded.ok()) {
    r.Problem(node, path, std::string(expanded.status().message()));
    return false;
  }
  out = *std::move(expanded);
  return true;
}

void ReadEndpoint(YamlReader& r, const YAML::Node& node, const std::string& path,
                  Endpoint& endpoint) {
  r.ReadMapping(node, path,
                {r.StringField("address", endpoint.address),
                 r.PortField("port", endpoint.port),
                 r.Uint32Field("weight", "a weight", kMinEndpointWeight, kMaxEndpointWeight,
                               endpoint.weight)});
}

void ReadCluster(YamlReader& r, const YAML::Node& node, const std::string& path,
                 Cluster& cluster) {
  std::vector<YamlReader::Field> extra = ClusterResilienceFields(r, cluster);
  std::vector<YamlReader::Field> tls = ClusterTlsFields(r, cluster);
  extra.insert(extra.end(), tls.begin(), tls.end());
  std::vector<YamlReader::Field> fields = {r.StringField("name", cluster.name),
       r.EnumField<Cluster::Type>("type", "a cluster type",
                                  {{"static", Cluster::Type::kStatic},
                                   {"original_dst", Cluster::Type::kOriginalDst}},
                                  cluster.type),
       r.DurationField("connect_timeout", cluster.connect_timeout),
       r.Uint32Field("max_idle_connections", "a connection count", 0, UINT32_MAX,
                     cluster.max_idle_connections),
       r.DurationField("idle_timeout", cluster.idle_timeout),
       r.ListField<Endpoint>("endpoints", cluster.endpoints,
                             [&r](const YAML::Node& n, const std::string& p, Endpoint& e) {
                               ReadEndpoint(r, n, p, e);
                             })};
  fields.insert(fields.end(), extra.begin(), extra.end());
  r.ReadMapping(node, path, fields);
}

// Reads a mapping in which exactly one of several keys says what kind of thing
// it is (a path match: prefix, path or regex). Reports none or several.
class OneOf {
 public:
  OneOf(YamlReader& r, std::string what) : r_(r), what_(std::move(what)) {}

  // A field that, when present, sets `kind` and reads its value with `read`.
  template <typename Kind>
  YamlReader::Field Option(absl::string_view key, Kind& target, Kind kind,
                           YamlReader::ValueReader read) {
    return YamlReader::Field{std::string(key),
                             [this, key = std::string(key), &target, kind, read](
                                 const YAML::Node& n, const std::string& p) {
                               seen_.push_back(key);
                               target = kind;
                               read(n, p);
                             }};
  }

  // Reports when more than one option was given (none is allowed when `required`
  // is false).
  void Check(const YAML::Node& node, const std::string& path, bool required) {
    if (seen_.size() > 1) {
      r_.Problem(node, path,
                 absl::StrCat("give only one of ", what_, " (got ", absl::StrJoin(seen_, ", "),
                              ")"));
    } else if (seen_.empty() && required) {
      r_.Problem(node, path, absl::StrCat("needs one of ", what_));
    }
  }

 private:
  YamlReader& r_;
  std::string what_;
  std::vector<std::string> seen_;
};

// A header or query parameter condition: name plus one of exact, regex, present.
template <typename T>
void ReadValueMatch(YamlReader& r, const YAML::Node& node, const std::string& path, T& match) {
  OneOf kind(r, "exact, regex or present");
  bool present = false;
  if (!r.ReadMapping(
          node, path,
          {r.StringField("name", match.name),
           kind.Option("exact", match.type, ValueMatchType::kExact,
                       [&r, &match](const YAML::Node& n, const std::string& p) {
                         r.ReadString(n, p, match.value);
                       }),
           kind.Option("regex", match.type, ValueMatchType::kRegex,
                       [&r, &match](const YAML::Node& n, const std::string& p) {
                         r.ReadString(n, p, match.value);
                       }),
           kind.Option("present", match.type, ValueMatchType::kPresent,
                       [&r, &present](const YAML::Node& n, const std::string& p) {
                         if (r.ReadBool(n, p, present) && !present) {
                           r.Problem(n, p, "only \"present: true\" is supported");
                         }
                       })})) {
    return;
  }
  kind.Check(node, path, /*required=*/true);
}

void ReadRouteMatch(YamlReader& r, const YAML::Node& node, const std::string& path,
                    RouteMatch& match) {
  OneOf kind(r, "prefix, path or regex");
  if (!r.ReadMapping(
          node, path,
          {kind.Option("prefix", match.path_type, PathMatchType::kPrefix,
                       [&r, &match](const YAML::Node& n, const std::string& p) {
                         r.ReadString(n, p, match.path_prefix);
                       }),
           kind.Option("path", match.path_type, PathMatchType::kExact,
                       [&r, &match](const YAML::Node& n, const std::string& p) {
                         r.ReadString(n, p, match.path);
                       }),
           kind.Option("regex", match.path_type, PathMatchType::kRegex,
                       [&r, &match](const YAML::Node& n, const std::string& p) {
                         r.ReadString(n, p, match.path);
                       }),
           r.StringField("method", match.method),
           r.ListField<HeaderMatch>(
               "headers", match.headers,
               [&r](const YAML::Node& n, const std::string& p, HeaderMatch& h) {
                 ReadValueMatch(r, n, p, h);
               }),
           r.ListField<QueryParamMatch>(
               "query_params", match.query_params,
               [&r](const YAML::Node& n, const std::string& p, QueryParamMatch& q) {
                 ReadValueMatch(r, n, p, q);
               })})) {
    return;
  }
  kind.Check(node, path, /*required=*/false);  // none: prefix "/"
}

// Gateway-style header modifier: set (overwrite), add (append), add_if_absent,
// remove.
void ReadHeaderMutation(YamlReader& r, const YAML::Node& node, const std::string& path,
                        HeaderMutation& mutation) {
  auto list = [&r, &mutation](absl::string_view key, HeaderToAdd::Action action) {
    return YamlReader::Field{
        std::string(key), [&r, &mutation, action](const YAML::Node& n, const std::string& p) {
          r.ReadList(n, p, [&](const YAML::Node& item, const std::string& item_path) {
            HeaderToAdd header;
            header.action = action;
            r.ReadMapping(item, item_path,
                          {r.StringField("name", header.name),
                           r.StringField("value", header.value)});
            mutation.add.push_back(std::move(header));
          });
        }};
  };
  r.ReadMapping(node, path,
                {list("set", HeaderToAdd::Action::kOverwrite),
                 list("add", HeaderToAdd::Action::kAppend),
                 list("add_if_absent", HeaderToAdd::Action::kAddIfAbsent),
                 r.StringListField("remove", mutation.remove)});
}

void ReadRedirect(YamlReader& r, const YAML::Node& node, const std::string& path,
                  RedirectAction& redirect) {
  uint32_t status = static_cast<uint32_t>(redirect.status);
  r.ReadMapping(node, path,
                {r.StringField("scheme", redirect.scheme), r.StringField("host", redirect.host),
                 r.PortField("port", redirect.port), r.StringField("path", redirect.path),
                 r.StringField("prefix_rewrite", redirect.prefix_rewrite),
                 r.BoolField("strip_query", redirect.strip_query),
                 r.Uint32Field("status", "a redirect status", 301, 308, status)});
  redirect.status = static_cast<int>(status);
}

void ReadDirectResponse(YamlReader& r, const YAML::Node& node, const std::string& path,
                        DirectResponseAction& direct) {
  uint32_t status = static_cast<uint32_t>(direct.status);
  r.ReadMapping(node, path,
                {r.Uint32Field("status", "an HTTP status", 200, 599, status),
                 r.StringField("body", direct.body)});
  direct.status = static_cast<int>(status);
}

void ReadRoute(YamlReader& r, const YAML::Node& node, const std::string& path, Route& route) {
  std::vector<YamlReader::Field> extra = RouteResilienceFields(r, route);
  std::vector<YamlReader::Field> fields = {r.StringField("name", route.name),
       YamlReader::Field{"match",
                         [&r, &route](const YAML::Node& n, const std::string& p) {
                           ReadRouteMatch(r, n, p, route.match);
                         }},
       r.StringField("cluster", route.cluster),
       r.ListField<WeightedCluster>(
           "weighted_clusters", route.weighted_clusters,
           [&r](const YAML::Node& n, const std::string& p, WeightedCluster& w) {
             r.ReadMapping(n, p,
                           {r.StringField("name", w.name),
                            r.Uint32Field("weight", "a weight", 1, 1'000'000, w.weight)});
           }),
       r.DurationField("timeout", route.timeout),
       r.DurationField("per_try_timeout", route.per_try_timeout),
       r.StringField("host_rewrite", route.host_rewrite),
       r.StringField("prefix_rewrite", route.prefix_rewrite),
       r.StringField("path_rewrite", route.path_rewrite),
       YamlReader::Field{"request_headers",
                         [&r, &route](const YAML::Node& n, const std::string& p) {
                           ReadHeaderMutation(r, n, p, route.request_headers);
                         }},
       YamlReader::Field{"response_headers",
                         [&r, &route](const YAML::Node& n, const std::string& p) {
                           ReadHeaderMutation(r, n, p, route.response_headers);
                         }},
       YamlReader::Field{"redirect",
                         [&r, &route](const YAML::Node& n, const std::string& p) {
                           ReadRedirect(r, n, p, route.redirect.emplace());
                         }},
       YamlReader::Field{"direct_response",
                         [&r, &route](const YAML::Node& n, const std::string& p) {
                           ReadDirectResponse(r, n, p, route.direct_response.emplace());
                         }}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  r.ReadMapping(node, path, fields);
}

void ReadVirtualHost(YamlReader& r, const YAML::Node& node, const std::string& path,
                     VirtualHost& vhost) {
  r.ReadMapping(node, path,
                {r.StringField("name", vhost.name), r.StringListField("domains", vhost.domains),
                 r.ListField<Route>("routes", vhost.routes,
                                    [&r](const YAML::Node& n, const std::string& p, Route& x) {
                                      ReadRoute(r, n, p, x);
                                    })});
}

void ReadRouteConfig(YamlReader& r, const YAML::Node& node, const std::string& path,
                     RouteConfig& route_config) {
  r.ReadMapping(node, path,
                {r.StringField("name", route_config.name),
                 r.ListField<VirtualHost>(
                     "virtual_hosts", route_config.virtual_hosts,
                     [&r](const YAML::Node& n, const std::string& p, VirtualHost& v) {
                       ReadVirtualHost(r, n, p, v);
                     })});
}

const std::vector<std::pair<absl::string_view, Protocol>>& ProtocolNames() {
  static const auto* names = new std::vector<std::pair<absl::string_view, Protocol>>{
      {"auto", Protocol::kAuto}, {"http", Protocol::kHttp}, {"tcp", Protocol::kTcp}};
  return *names;
}

void ReadFilterChain(YamlReader& r, const YAML::Node& node, const std::string& path,
                     FilterChain& chain) {
  std::vector<YamlReader::Field> fields = {
      r.StringField("name", chain.name),
      r.CidrListField("destination_prefixes", chain.destination_prefixes),
      r.PortField("destination_port", chain.destination_port),
      r.EnumField<Protocol>("protocol", "a protocol", ProtocolNames(), chain.protocol),
      r.StringField("route_config", chain.route_config),
      r.StringField("cluster", chain.cluster)};
  std::vector<YamlReader::Field> tls = FilterChainTlsFields(r, chain);
  fields.insert(fields.end(), tls.begin(), tls.end());
  r.ReadMapping(node, path, fields);
}

void ReadListener(YamlReader& r, const YAML::Node& node, const std::string& path,
                  Listener& listener) {
  r.ReadMapping(
      node, path,
      {r.StringField("name", listener.name),
       r.StringField("address", listener.address),
       r.PortField("port", listener.port),
       r.BoolField("original_dst", listener.original_dst),
       r.EnumField<Protocol>("protocol", "a protocol", ProtocolNames(), listener.protocol),
       r.PortListField("opaque_ports", listener.opaque_ports),
       r.DurationField("detection_timeout", listener.detection_timeout),
       r.StringField("route_config", listener.route_config),
       r.StringField("default_cluster", listener.default_cluster),
       r.ListField<FilterChain>("filter_chains", listener.filter_chains,
                                [&r](const YAML::Node& n, const std::string& p, FilterChain& c) {
                                  ReadFilterChain(r, n, p, c);
                                }),
       r.DurationField("idle_timeout", listener.idle_timeout),
       r.DurationField("stream_idle_timeout", listener.stream_idle_timeout),
       r.Uint32Field("max_request_headers_bytes", "a byte count", kMinRequestHeadersBytes,
                     kMaxRequestHeadersBytes, listener.max_request_headers_bytes),
       r.Uint32Field("buffer_limit_bytes", "a byte count", kMinBufferLimitBytes,
                     kMaxBufferLimitBytes, listener.buffer_limit_bytes)});
}

void ReadRoot(YamlReader& r, const YAML::Node& root, ProxyConfig& config) {
  r.ReadMapping(
      root, "",
      {YamlReader::Field{"admin",
                         [&r, &config](const YAML::Node& n, const std::string& p) {
                           r.ReadMapping(n, p,
                                         {r.StringField("address", config.admin.address),
                                          r.PortField("port", config.admin.port)});
                         }},
       YamlReader::Field{
           "observability",
           [&r, &config](const YAML::Node& n, const std::string& p) {
             Observability& o = config.observability;
             r.ReadMapping(
                 n, p,
                 {r.StringField("metrics_address", o.metrics_address),
                  YamlReader::Field{"metrics_port",
                                    [&r, &o](const YAML::Node& v, const std::string& vp) {
                                      uint32_t port = 0;
                                      if (r.ReadUint32(v, vp, "a port (0 turns it off)", 0,
                                                       65535, port)) {
                                        o.metrics_port = static_cast<uint16_t>(port);
                                      }
                                    }},
                  r.StringField("access_log_path", o.access_log_path),
                  r.DoubleField("access_log_sample_ratio", "a ratio", 0, 1,
                                o.access_log_sample_ratio),
                  r.BoolField("tracing", o.tracing),
                  r.BoolField("request_metrics", o.request_metrics)});
           }},
       YamlReader::Field{
           "xds",
           [&r, &config](const YAML::Node& n, const std::string& p) {
             r.ReadMapping(
                 n, p,
                 {r.StringField("server", config.xds.server),
                  YamlReader::Field{"node_id",
                                    [&r, &config](const YAML::Node& v, const std::string& vp) {
                                      ReadExpandedString(r, v, vp, config.xds.node_id);
                                    }},
                  r.StringField("node_cluster", config.xds.node_cluster),
                  YamlReader::Field{"zone",
                                    [&r, &config](const YAML::Node& v, const std::string& vp) {
                                      ReadExpandedString(r, v, vp, config.xds.zone);
                                    }},
                  YamlReader::Field{"metadata",
                                    [&r, &config](const YAML::Node& m, const std::string& mp) {
                                      if (!m.IsMap()) {
                                        r.ReadMapping(m, mp, {});
                                        return;
                                      }
                                      for (const auto& kv : m) {
                                        std::string key, value;
                                        if (r.ReadString(kv.first, mp, key) &&
                                            ReadExpandedString(r, kv.second, mp + "." + key,
                                                               value)) {
                                          config.xds.metadata.emplace_back(key, value);
                                        }
                                      }
                                    }}});
           }},
       r.ListField<Listener>("listeners", config.listeners,
                             [&r](const YAML::Node& n, const std::string& p, Listener& l) {
                               ReadListener(r, n, p, l);
                             }),
       r.ListField<RouteConfig>("route_configs", config.route_configs,
                                [&r](const YAML::Node& n, const std::string& p, RouteConfig& c) {
                                  ReadRouteConfig(r, n, p, c);
                                }),
       r.ListField<Cluster>("clusters", config.clusters,
                            [&r](const YAML::Node& n, const std::string& p, Cluster& c) {
                              ReadCluster(r, n, p, c);
                            })});
}

// True when the name of some item of `list` could not be read, so references to
// that kind of item cannot be checked without false "unknown" reports.
template <typename T>
bool NamesIncomplete(const std::vector<T>& items, absl::string_view list,
                     const absl::flat_hash_set<std::string>& problem_paths) {
  if (problem_paths.contains(list)) return true;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string item = IndexPath(list, i);
    if (problem_paths.contains(item) || problem_paths.contains(ChildPath(item, "name"))) {
      return true;
    }
  }
  return false;
}

// True when `path` or one of its ancestors is in `paths`.
bool CoveredBy(absl::string_view path, const absl::flat_hash_set<std::string>& paths) {
  while (!path.empty()) {
    if (paths.contains(path)) return true;
    const size_t cut = path.find_last_of(".[");
    if (cut == absl::string_view::npos) return false;
    path = path.substr(0, cut);
  }
  return false;
}

// Runs the validator and keeps what it finds, except problems with fields the
// reader already reported (a port the reader rejected reads as "missing" to the
// validator). Positions come from the reader.
void AppendValidationProblems(const ProxyConfig& config, const YamlReader& reader,
                              ProblemList& problems) {
  absl::flat_hash_set<std::string> problem_paths;
  for (const ConfigProblem& problem : problems.problems()) problem_paths.insert(problem.path);

  ValidationScope scope;
  scope.check_cluster_references = !NamesIncomplete(config.clusters, "clusters", problem_paths);
  scope.check_route_config_references =
      !NamesIncomplete(config.route_configs, "route_configs", problem_paths);
  ProblemList found;
  AppendProxyConfigProblems(config, scope, found);
  for (ConfigProblem& problem : found.mutable_problems()) {
    if (CoveredBy(problem.path, problem_paths)) continue;
    std::tie(problem.line, problem.column) = reader.PositionOf(problem.path);
    problems.Add(std::move(problem));
  }
}

// Fills `config` from the document, adding every problem to `problems`. May throw
// whatever yaml-cpp throws.
void ParseInto(absl::string_view yaml_text, ProxyConfig& config, ProblemList& problems) {
  const std::vector<YAML::Node> documents =
      LoadYamlDocuments(std::string(yaml_text), problems);
  if (!problems.empty()) return;
  std::vector<YAML::Node> non_empty;
  for (const YAML::Node& document : documents) {
    if (document.Type() != YAML::NodeType::Null) non_empty.push_back(document);
  }
  if (non_empty.empty()) {
    problems.Add("", "the document is empty; a bootstrap file is a mapping with admin, "
                     "listeners, route_configs and clusters");
    return;
  }
  if (non_empty.size() > 1) {
    const YAML::Mark mark = non_empty[1].Mark();
    problems.Add("",
                 absl::StrFormat("found %d YAML documents (separated by \"---\"); a "
                                 "bootstrap file holds exactly one",
                                 non_empty.size()),
                 mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0);
    return;
  }
  const YAML::Node& root = non_empty[0];
  if (root.Type() != YAML::NodeType::Map) {
    const YAML::Mark mark = root.Mark();
    problems.Add("",
                 "the document must be a mapping with admin, listeners, route_configs and "
                 "clusters",
                 mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0);
    return;
  }
  YamlReader reader(problems);
  ReadRoot(reader, root, config);
  if (reader.budget_exceeded()) return;
  AppendValidationProblems(config, reader, problems);
}

// yaml-cpp reports a tab in indentation as an unrelated-sounding syntax error
// ("illegal block entry"); say what is actually wrong.
std::string TabHint(absl::string_view yaml_text, int line) {
  if (line <= 0) return "";
  std::vector<absl::string_view> lines = absl::StrSplit(yaml_text, '\n');
  if (static_cast<size_t>(line) > lines.size()) return "";
  const absl::string_view text = lines[line - 1];
  const size_t indent_end = text.find_first_not_of(" \t");
  const absl::string_view indent = text.substr(0, indent_end);
  if (indent.find('\t') == absl::string_view::npos) return "";
  return "; YAML indentation must use spaces, and this line is indented with a tab";
}

}  // namespace

absl::StatusOr<ProxyConfig> ParseBootstrapYaml(absl::string_view yaml_text,
                                               absl::string_view source_name) {
  const std::string header = absl::StrCat(source_name, ": invalid bootstrap config");
  if (yaml_text.size() > kMaxBootstrapBytes) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %d bytes is more than the limit of %d",
                                                      header, yaml_text.size(),
                                                      kMaxBootstrapBytes));
  }
  ProxyConfig config;
  config.source = std::string(source_name);
  ProblemList problems;
  try {
    ParseInto(yaml_text, config, problems);
  } catch (const YAML::Exception& e) {
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    const int column = e.mark.line >= 0 ? e.mark.column + 1 : 0;
    problems.Add("", absl::StrCat("YAML syntax error: ", e.msg, TabHint(yaml_text, line)), line,
                 column);
  } catch (const std::exception& e) {
    problems.Add("", absl::StrCat("cannot read the YAML document: ", e.what()));
  } catch (...) {
    problems.Add("", "cannot read the YAML document: unknown error");
  }
  problems.SortByPosition();
  if (!problems.empty()) return problems.ToStatus(header, kMaxListedProblems);
  return config;
}

absl::StatusOr<ProxyConfig> LoadBootstrapFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open bootstrap file ", path));
  }
  std::string text;
  absl::Status status;
  struct stat info;
  if (fstat(fd, &info) != 0) {
    status = absl::ErrnoToStatus(errno, absl::StrCat("cannot stat bootstrap file ", path));
  } else if (!S_ISREG(info.st_mode)) {
    status = absl::InvalidArgumentError(
        absl::StrCat("bootstrap file ", path, " is not a regular file"));
  } else if (static_cast<uint64_t>(info.st_size) > kMaxBootstrapBytes) {
    status = absl::InvalidArgumentError(absl::StrFormat(
        "bootstrap file %s: %d bytes is more than the limit of %d", path,
        static_cast<int64_t>(info.st_size), kMaxBootstrapBytes));
  } else {
    char buffer[64 * 1024];
    while (text.size() <= kMaxBootstrapBytes) {
      const ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = absl::ErrnoToStatus(errno, absl::StrCat("cannot read bootstrap file ", path));
        break;
      }
      if (n == 0) break;
      text.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  if (!status.ok()) return status;

  absl::StatusOr<ProxyConfig> config = ParseBootstrapYaml(text, path);
  if (config.ok()) config->source = absl::StrCat("file:", path);
  return config;
}

}  // namespace weft::config
