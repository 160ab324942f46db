#include "tools/meshctl/observe_commands.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/meshctl/cert_checks.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/table.h"

namespace weft::meshctl {
namespace {

constexpr char kDefaultMonitoring[] = "127.0.0.1:15014";
constexpr char kDefaultMetricsPort[] = "15020";

const FlagSpec kOutputFlag = {"output", "o", true, "FORMAT", "table (default), json or yaml"};
const FlagSpec kAddressFlag = {"address", "", true, "IP:PORT",
                               "a proxy's metrics address (repeatable); default: every proxy "
                               "the control plane lists"};
const FlagSpec kMonitoringFlag = {"monitoring", "", true, "IP:PORT",
                                  "control plane monitoring address (default 127.0.0.1:15014)"};
const FlagSpec kMetricsPortFlag = {"metrics_port", "", true, "PORT",
                                   "proxies' metrics port (default 15020)"};

int Usage(const CommandEnv& env, const std::string& command, absl::string_view message) {
  *env.err << "meshctl " << command << ": " << message << "\n"
           << "Run 'meshctl " << command << " --help' for usage.\n";
  return kExitUsage;
}

bool ValidOutput(const std::string& o) { return o == "table" || o == "json" || o == "yaml"; }

void PrintStructured(const CommandEnv& env, const std::string& output, const Json& value) {
  *env.out << (output == "yaml" ? value.DumpYaml() : value.Dump());
}

// "ipv4:10.77.0.2:40000" / "ipv6:[fd00::2]:40000" -> "10.77.0.2" / "[fd00::2]".
std::string PeerHost(const std::string& peer) {
  std::string rest = peer;
  const size_t scheme = rest.find(':');
  if (absl::StartsWith(rest, "ipv4:") || absl::StartsWith(rest, "ipv6:")) rest = rest.substr(scheme + 1);
  const size_t colon = rest.rfind(':');
  return colon == std::string::npos ? rest : rest.substr(0, colon);
}

struct ProxyTarget {
  std::string name;     // node id, or the address when given by hand
  std::string address;  // IP:PORT of the metrics port
};

absl::StatusOr<Json> FetchJson(const CommandEnv& env, const std::string& address,
                               const std::string& path) {
  absl::StatusOr<std::string> body = env.http->Get(address, path);
  if (!body.ok()) return body.status();
  absl::StatusOr<Json> json = Json::Parse(*body);
  if (!json.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("http://", address, path, ": ", json.status().message()));
  }
  return json;
}

// The proxies to read: --address flags, else the control plane's list.
absl::StatusOr<std::vector<ProxyTarget>> Targets(const CommandEnv& env, const ParsedArgs& args) {
  std::vector<ProxyTarget> out;
  for (const std::string& a : args.GetAll("address")) out.push_back({a, a});
  if (!out.empty()) return out;
  const std::string monitoring = args.Get("monitoring", kDefaultMonitoring);
  absl::StatusOr<Json> proxies = FetchJson(env, monitoring, "/debug/proxies");
  if (!proxies.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot list proxies from the control plane at ",
                                               monitoring, ": ", proxies.status().message()));
  }
  const std::string port = args.Get("metrics_port", kDefaultMetricsPort);
  for (const Json& p : (*proxies)["proxies"].items()) {
    out.push_back({p.Text("node_id"), absl::StrCat(PeerHost(p.Text("peer")), ":", port)});
  }
  return out;
}

std::string Ms(double seconds) {
  if (std::isnan(seconds)) return "-";
  return absl::StrFormat("%.1fms", seconds * 1000);
}

// Scrapes every target; unreachable ones are reported on stderr and skipped.
std::vector<PromSample> ScrapeAll(const CommandEnv& env, const std::vector<ProxyTarget>& targets,
                                  int* failures) {
  std::vector<PromSample> all;
  for (const ProxyTarget& t : targets) {
    absl::StatusOr<std::string> body = env.http->Get(t.address, "/metrics");
    absl::StatusOr<std::vector<PromSample>> samples =
        body.ok() ? ParsePrometheusText(*body) : absl::StatusOr<std::vector<PromSample>>(body.status());
    if (!samples.ok()) {
      ++*failures;
      *env.err << "warning: " << t.name << " (" << t.address << "): "
               << samples.status().message() << "\n";
      continue;
    }
    // Keep per-proxy series apart so that summing over proxies is right.
    for (PromSample& s : *samples) {
      s.labels["__proxy"] = t.address;
      all.push_back(std::move(s));
    }
  }
  return all;
}

absl::StatusOr<absl::Duration> ParseWindow(const ParsedArgs& args, const char* fallback) {
  absl::Duration window;
  const std::string text = args.Get("window", fallback);
  if (!absl::ParseDuration(text, &window) || window <= absl::ZeroDuration() ||
      window > absl::Minutes(5)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--window: \"", text, "\" is not a duration in (0, 5m], e.g. 5s"));
  }
  return window;
}

const std::vector<FlagSpec>& StatFlags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      kOutputFlag, kAddressFlag, kMonitoringFlag, kMetricsPortFlag,
      {"window", "", true, "DURATION", "sampling window between the two scrapes (default 5s)"},
      {"direction", "", true, "DIR",
       "outbound (default: the callers' view), inbound, or any"},
  };
  return *flags;
}

constexpr char kStatUsage[] =
    "Usage: meshctl stat <service|workload> [--window=5s] [-o table|json|yaml]\n"
    "\n"
    "Scrapes the proxies' /metrics twice, --window apart, and prints per destination\n"
    "service: requests/s, success rate (non-5xx share) and p50/p95/p99 latency\n"
    "(interpolated in the request-duration histogram buckets, as PromQL's\n"
    "histogram_quantile does). A service is matched by name (reviews,\n"
    "reviews.default) or a workload by the source_workload label; `all` shows every\n"
    "service. Exit 1 when no request matched in the window.\n"
    "\n"
    "Flags:\n";

constexpr char kTopUsage[] =
    "Usage: meshctl top [--iterations=3] [--window=2s] [--limit=10] [-o table|json|yaml]\n"
    "\n"
    "The busiest routes across the proxies (requests/s, success rate, latency),\n"
    "refreshed every --window, --iterations times (bounded; at most 100).\n"
    "\n"
    "Flags:\n";

int RunGolden(const std::vector<std::string>& argv, const CommandEnv& env, bool top) {
  const std::string command = top ? "top" : "stat";
  std::vector<FlagSpec> specs = StatFlags();
  if (top) {
    specs.push_back({"iterations", "", true, "N", "refreshes before exiting (default 3)"});
    specs.push_back({"limit", "", true, "N", "routes shown (default 10)"});
  }
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, specs);
  if (!args.ok()) return Usage(env, command, args.status().message());
  if (args->help) {
    *env.out << (top ? kTopUsage : kStatUsage) << FlagsHelp(specs);
    return kExitOk;
  }
  GoldenQuery query;
  if (top) {
    if (!args->positionals.empty()) return Usage(env, command, "top takes no arguments");
    query.group_by = "route";
  } else {
    if (args->positionals.size() != 1) {
      return Usage(env, command, "expected one service or workload name (or `all`)");
    }
    query.target = args->positionals[0] == "all" ? "" : args->positionals[0];
  }
  const std::string direction = args->Get("direction", "outbound");
  if (direction != "outbound" && direction != "inbound" && direction != "any") {
    return Usage(env, command, "--direction: expected outbound, inbound or any");
  }
  query.direction = direction == "any" ? "" : direction;
  const std::string output = args->Get("output", "table");
  if (!ValidOutput(output)) return Usage(env, command, "-o: expected table, json or yaml");
  absl::StatusOr<absl::Duration> window = ParseWindow(*args, top ? "2s" : "5s");
  if (!window.ok()) return Usage(env, command, window.status().message());
  int iterations = 1;
  int limit = 1000;
  if (top) {
    if (!absl::SimpleAtoi(args->Get("iterations", "3"), &iterations) || iterations < 1 ||
        iterations > 100) {
      return Usage(env, command, "--iterations: expected 1-100");
    }
    if (!absl::SimpleAtoi(args->Get("limit", "10"), &limit) || limit < 1) {
      return Usage(env, command, "--limit: expected a positive number");
    }
  }
  absl::StatusOr<std::vector<ProxyTarget>> targets = Targets(env, *args);
  if (!targets.ok()) {
    *env.err << "error: " << targets.status().message() << "\n";
    return kExitUsage;
  }
  if (targets->empty()) {
    *env.err << "error: no proxies to scrape (none connected to the control plane)\n";
    return kExitInvalid;
  }
  int failures = 0;
  std::vector<PromSample> before = ScrapeAll(env, *targets, &failures);
  if (failures == static_cast<int>(targets->size())) {
    *env.err << "error: no proxy could be scraped\n";
    return kExitUsage;
  }
  bool any = false;
  for (int i = 0; i < iterations; ++i) {
    if (env.sleep) env.sleep(*window);
    int unused = 0;
    std::vector<PromSample> after = ScrapeAll(env, *targets, &unused);
    std::vector<GoldenRow> rows = ComputeGoldenStats(before, after, *window, query);
    if (static_cast<int>(rows.size()) > limit) rows.resize(limit);
    any |= !rows.empty();
    const std::string key_name = top ? "route" : "destination_service";
    if (output == "table") {
      if (top && iterations > 1) *env.out << "--- " << (i + 1) << "/" << iterations << "\n";
      if (rows.empty()) {
        *env.out << "No requests in the last " << absl::FormatDuration(*window) << ".\n";
      } else {
        *env.out << FormatGoldenTable(top ? "ROUTE" : "SERVICE", rows);
      }
    } else {
      PrintStructured(env, output, GoldenJson(key_name, rows, *window));
    }
    before = std::move(after);
  }
  return top || any ? kExitOk : kExitInvalid;
}

// ----- proxy-config -----

const std::vector<FlagSpec>& ProxyConfigFlags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      kOutputFlag,
      {"address", "", true, "IP:PORT", "the pod's metrics address (skips the lookup)"},
      kMonitoringFlag,
      kMetricsPortFlag,
  };
  return *flags;
}

constexpr char kProxyConfigUsage[] =
    "Usage: meshctl proxy-config <pod> [listeners|routes|clusters|endpoints|secrets]\n"
    "                            [-o table|json|yaml] [--address=IP:PORT]\n"
    "\n"
    "Reads the pod's active configuration (/config_dump on its metrics port, 15020)\n"
    "and prints one section (default: clusters). `secrets` reads /certs instead: the\n"
    "workload certificate's SPIFFE ID and expiry, and the trust bundle's roots\n"
    "(SHA-256 fingerprints; public data, no keys). The pod is looked up by node id\n"
    "(<namespace>/<name>, or just <name>) among the proxies connected to the\n"
    "control plane; --address skips the lookup. -o json prints the section as the\n"
    "proxy reports it.\n"
    "\n"
    "Flags:\n";

const char* const kSections[] = {"listeners", "routes", "clusters", "endpoints", "secrets"};

std::string Joined(const Json& array) {
  std::vector<std::string> parts;
  for (const Json& v : array.items()) {
    parts.push_back(v.type() == Json::Type::kString ? v.as_string() : FormatNumber(v.as_number()));
  }
  return parts.empty() ? "*" : absl::StrJoin(parts, ",");
}

std::string Or(const std::string& s, const char* fallback) { return s.empty() ? fallback : s; }

}  // namespace

std::string FormatGoldenTable(const std::string& key_header, const std::vector<GoldenRow>& rows) {
  std::vector<std::vector<std::string>> cells;
  for (const GoldenRow& r : rows) {
    cells.push_back({r.key, absl::StrFormat("%.2f", r.rps),
                     absl::StrFormat("%.2f%%", r.success_rate * 100), Ms(r.p50), Ms(r.p95),
                     Ms(r.p99)});
  }
  return FormatTable({key_header, "RPS", "SUCCESS", "P50", "P95", "P99"}, cells);
}

Json GoldenJson(const std::string& key_name, const std::vector<GoldenRow>& rows,
                absl::Duration window) {
  Json out = Json::Object();
  out.Set("window_seconds", Json::Number(absl::ToDoubleSeconds(window)));
  Json items = Json::Array();
  auto ms = [](double s) { return std::isnan(s) ? Json() : Json::Number(std::round(s * 1e6) / 1e3); };
  for (const GoldenRow& r : rows) {
    Json row = Json::Object();
    row.Set(key_name, Json::String(r.key));
    row.Set("requests", Json::Number(r.requests));
    row.Set("rps", Json::Number(std::round(r.rps * 1000) / 1000));
    row.Set("success_rate", Json::Number(std::round(r.success_rate * 1e6) / 1e6));
    row.Set("p50_ms", ms(r.p50));
    row.Set("p95_ms", ms(r.p95));
    row.Set("p99_ms", ms(r.p99));
    items.Push(std::move(row));
  }
  out.Set("rows", std::move(items));
  return out;
}

absl::StatusOr<Json> ConfigSectionJson(const Json& dump, const std::string& section) {
  if (section == "listeners") return dump["listeners"];
  if (section == "routes") return dump["route_configs"];
  if (section == "clusters") return dump["clusters"];
  if (section == "secrets") return dump;  // already the proxy's /certs view
  if (section == "endpoints") {
    Json out = Json::Array();
    for (const Json& c : dump["clusters"].items()) {
      for (const Json& e : c["endpoints"].items()) {
        Json row = Json::Object();
        row.Set("cluster", Json::String(c.Text("name")));
        row.Set("address", Json::String(e.Text("address")));
        row.Set("port", e["port"]);
        row.Set("weight", e["weight"]);
        out.Push(std::move(row));
      }
    }
    return out;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown section \"", section, "\" (listeners, routes, clusters, endpoints or secrets)"));
}

absl::StatusOr<std::string> FormatConfigSection(const Json& dump, const std::string& section) {
  absl::StatusOr<Json> items = ConfigSectionJson(dump, section);
  if (!items.ok()) return items.status();
  std::vector<std::vector<std::string>> rows;
  if (section == "listeners") {
    for (const Json& l : items->items()) {
      const std::string address = absl::StrCat(l.Text("address"), ":", l.Text("port"));
      rows.push_back({l.Text("name"), address, "-", "-", l.Text("protocol"),
                      Or(l.Text("route_config"), Or(l.Text("default_cluster"), "-").c_str())});
      for (const Json& fc : l["filter_chains"].items()) {
        rows.push_back({l.Text("name"), address, Joined(fc["destination_prefixes"]),
                        fc.Text("destination_port") == "0" ? "*" : fc.Text("destination_port"),
                        fc.Text("protocol"),
                        Or(fc.Text("route_config"), Or(fc.Text("cluster"), "-").c_str())});
      }
    }
    return FormatTable({"NAME", "ADDRESS", "DESTINATION", "PORT", "PROTOCOL", "ROUTES/CLUSTER"},
                       rows);
  }
  if (section == "routes") {
    for (const Json& rc : items->items()) {
      for (const Json& vh : rc["virtual_hosts"].items()) {
        for (const Json& r : vh["routes"].items()) {
          const Json& match = r["match"];
          std::string path = match.Text("prefix");
          if (path.empty()) path = match.Text("path");
          if (path.empty()) path = match.Text("regex");
          std::string target = r.Text("cluster");
          if (target.empty() && !r["weighted_clusters"].items().empty()) {
            std::vector<std::string> parts;
            for (const Json& w : r["weighted_clusters"].items()) {
              parts.push_back(absl::StrCat(w.Text("name"), "=", w.Text("weight")));
            }
            target = absl::StrJoin(parts, ",");
          }
          rows.push_back({rc.Text("name"), Joined(vh["domains"]), Or(path, "/"),
                          Or(r.Text("name"), "-"), Or(target, "-")});
        }
      }
    }
    return FormatTable({"NAME", "DOMAINS", "MATCH", "ROUTE", "CLUSTERS"}, rows);
  }
  if (section == "clusters") {
    for (const Json& c : items->items()) {
      rows.push_back({c.Text("name"), c.Text("type"),
                      std::to_string(c["endpoints"].items().size()),
                      Or(c["load_balancing"].Text("policy"), "-")});
    }
    return FormatTable({"NAME", "TYPE", "ENDPOINTS", "LB"}, rows);
  }
  if (section == "endpoints") {
    for (const Json& e : items->items()) {
      rows.push_back({e.Text("address") + ":" + e.Text("port"), e.Text("cluster"),
                      e.Text("weight")});
    }
    return FormatTable({"ENDPOINT", "CLUSTER", "WEIGHT"}, rows);
  }
  return FormatSecrets(*items);
}

// The workload certificate (SDS name "default") and each root of the trust
// bundle ("ROOTCA"), from the proxy's /certs view.
std::string FormatSecrets(const Json& certs) {
  if (certs["identity_enabled"].type() == Json::Type::kBool && !certs["identity_enabled"].as_bool()) {
    return "No secrets: the proxy runs without a workload identity (no mTLS).\n";
  }
  std::vector<std::vector<std::string>> rows;
  const bool ready = certs["ready"].type() == Json::Type::kBool && certs["ready"].as_bool();
  const std::string error = certs.Text("last_error");
  std::string state = ready ? "ACTIVE" : "PENDING";
  std::string expiry = "-";
  if (ready) {
    const double left = certs["seconds_to_expiry"].type() == Json::Type::kNumber
                            ? certs["seconds_to_expiry"].as_number()
                            : 0;
    expiry = absl::StrCat(certs.Text("not_after"), " (",
                          left > 0 ? absl::FormatDuration(absl::Seconds(left)) : "EXPIRED", ")");
    if (left <= 0) state = "EXPIRED";
  }
  rows.push_back({"default", "workload certificate", state, Or(certs.Text("identity"), "-"),
                  expiry});
  const std::string source = certs["trust_bundle"].Text("source");
  for (const Json& root : certs["trust_bundle"]["roots"].items()) {
    rows.push_back({"ROOTCA", "trust root", "ACTIVE",
                    root.type() == Json::Type::kString ? root.as_string() : root.DumpCompact(),
                    absl::StrCat("from ", Or(source, "?"))});
  }
  std::string out = FormatTable({"NAME", "TYPE", "STATE", "IDENTITY / FINGERPRINT", "EXPIRES"},
                                rows);
  if (!error.empty()) absl::StrAppend(&out, "last error: ", error, "\n");
  return out;
}

int RunStat(const std::vector<std::string>& args, const CommandEnv& env) {
  return RunGolden(args, env, /*top=*/false);
}

int RunTop(const std::vector<std::string>& args, const CommandEnv& env) {
  return RunGolden(args, env, /*top=*/true);
}

int RunProxyConfig(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, ProxyConfigFlags());
  if (!args.ok()) return Usage(env, "proxy-config", args.status().message());
  if (args->help) {
    *env.out << kProxyConfigUsage << FlagsHelp(ProxyConfigFlags());
    return kExitOk;
  }
  if (args->positionals.empty() || args->positionals.size() > 2) {
    return Usage(env, "proxy-config", "expected <pod> [section]");
  }
  const std::string pod = args->positionals[0];
  const std::string section = args->positionals.size() > 1 ? args->positionals[1] : "clusters";
  bool known = false;
  for (const char* s : kSections) known |= section == s;
  if (!known) {
    return Usage(env, "proxy-config",
                 absl::StrCat("unknown section \"", section,
                              "\" (listeners, routes, clusters, endpoints or secrets)"));
  }
  const std::string output = args->Get("output", "table");
  if (!ValidOutput(output)) return Usage(env, "proxy-config", "-o: expected table, json or yaml");

  std::string address = args->Get("address");
  if (address.empty()) {
    absl::StatusOr<std::vector<ProxyTarget>> targets = Targets(env, *args);
    if (!targets.ok()) {
      *env.err << "error: " << targets.status().message() << "\n";
      return kExitUsage;
    }
    std::vector<std::string> names;
    for (const ProxyTarget& t : *targets) {
      names.push_back(t.name);
      if (t.name == pod || absl::EndsWith(t.name, absl::StrCat("/", pod))) {
        address = t.address;
        break;
      }
    }
    if (address.empty()) {
      *env.err << "error: no connected proxy is named \"" << pod << "\""
               << (names.empty() ? std::string(" (none connected)")
                                 : absl::StrCat(" (connected: ", absl::StrJoin(names, ", "), ")"))
               << "\n";
      return kExitInvalid;
    }
  }
  absl::StatusOr<Json> dump =
      FetchJson(env, address, section == "secrets" ? "/certs?format=json" : "/config_dump");
  if (!dump.ok()) {
    *env.err << "error: " << pod << " (" << address << "): " << dump.status().message() << "\n";
    return absl::IsInvalidArgument(dump.status()) ? kExitInvalid : kExitUsage;
  }
  if (output != "table") {
    absl::StatusOr<Json> items = ConfigSectionJson(*dump, section);
    PrintStructured(env, output, *items);
    return kExitOk;
  }
  absl::StatusOr<std::string> table = FormatConfigSection(*dump, section);
  *env.out << *table;
  return kExitOk;
}

// ----- check -----

namespace {

const std::vector<FlagSpec>& CheckFlags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      kOutputFlag,
      kMonitoringFlag,
      kMetricsPortFlag,
      {"cert_min_validity", "", true, "DURATION",
       "fail when a workload certificate expires sooner (default 1h)"},
      {"root_min_validity", "", true, "DURATION",
       "fail when a signing root expires sooner (default 24h)"},
      {"no_proxy_certs", "", false, "",
       "skip reading each proxy's certificate expiry from its metrics port"},
  };
  return *flags;
}

// The CA's roots and workload certificates, then each proxy's own certificate.
void CheckCertificates(const CommandEnv& env, const ParsedArgs& args, const std::string& monitoring,
                       const Json& proxies, const CertLimits& limits, CheckReport* report) {
  absl::StatusOr<std::string> body = env.http->Get(monitoring, "/debug/certs");
  if (absl::IsFailedPrecondition(body.status())) {
    report->passed.push_back("certificates: the control plane runs without a CA (no mTLS)");
    return;
  }
  absl::StatusOr<Json> certs = body.ok() ? Json::Parse(*body) : absl::StatusOr<Json>(body.status());
  if (!certs.ok()) {
    report->problems.push_back(absl::StrCat("certificates: /debug/certs: ", certs.status().message()));
    return;
  }
  if (env.time == nullptr) {
    report->problems.push_back("certificates: not checked (no clock)");
    return;
  }
  CheckCaCertificates(*certs, env.time->SystemNow(), limits, report);
  if (args.Has("no_proxy_certs")) return;
  const std::string port = args.Get("metrics_port", kDefaultMetricsPort);
  size_t read = 0;
  for (const Json& p : proxies["proxies"].items()) {
    const std::string address = absl::StrCat(PeerHost(p.Text("peer")), ":", port);
    absl::StatusOr<std::string> metrics = env.http->Get(address, "/metrics");
    absl::StatusOr<std::vector<PromSample>> samples =
        metrics.ok() ? ParsePrometheusText(*metrics)
                     : absl::StatusOr<std::vector<PromSample>>(metrics.status());
    if (!samples.ok()) {
      report->problems.push_back(absl::StrCat("proxy ", p.Text("node_id"),
                                              ": certificate not checked: ", address, ": ",
                                              samples.status().message(),
                                              " (--no_proxy_certs skips this)"));
      continue;
    }
    ++read;
    CheckProxyCertificate(p.Text("node_id"), *samples, limits, report);
  }
  if (read > 0) report->passed.push_back(absl::StrCat("certificates of ", read, " proxies read"));
}

constexpr char kCheckUsage[] =
    "Usage: meshctl check [--monitoring=IP:PORT] [--root_min_validity=24h]\n"
    "                     [--cert_min_validity=1h] [--no_proxy_certs] [-o table|json|yaml]\n"
    "\n"
    "Checks the mesh: the control plane answers on its monitoring port and has a\n"
    "valid model (its manifests are not currently rejected), every connected proxy\n"
    "has ACKed its latest config (SYNCED) and has no NACK outstanding, and, when the\n"
    "control plane runs a CA, no certificate has expired or expires soon: its roots\n"
    "(/debug/certs, --root_min_validity), the newest certificate of every workload\n"
    "identity it issued, and each proxy's own certificate (metrics port\n"
    "weft_workload_cert_expiry_seconds; --cert_min_validity). Run it where the\n"
    "proxies' IPs are reachable, or pass --no_proxy_certs.\n"
    "Exit 0 when all is well, 1 with the list of problems, 2 when the control\n"
    "plane cannot be reached.\n"
    "\n"
    "Flags:\n";

}  // namespace

int RunCheck(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, CheckFlags());
  if (!args.ok()) return Usage(env, "check", args.status().message());
  if (args->help) {
    *env.out << kCheckUsage << FlagsHelp(CheckFlags());
    return kExitOk;
  }
  if (!args->positionals.empty()) return Usage(env, "check", "check takes no arguments");
  const std::string output = args->Get("output", "table");
  if (!ValidOutput(output)) return Usage(env, "check", "-o: expected table, json or yaml");
  absl::Duration min_validity;
  absl::Duration root_min_validity;
  if (!absl::ParseDuration(args->Get("cert_min_validity", "1h"), &min_validity)) {
    return Usage(env, "check", "--cert_min_validity: expected a duration such as 1h");
  }
  if (!absl::ParseDuration(args->Get("root_min_validity", "24h"), &root_min_validity)) {
    return Usage(env, "check", "--root_min_validity: expected a duration such as 24h");
  }
  const std::string monitoring = args->Get("monitoring", kDefaultMonitoring);

  std::vector<std::string> problems;
  std::vector<std::string> passed;
  absl::StatusOr<Json> model = FetchJson(env, monitoring, "/debug/model");
  absl::StatusOr<Json> proxies = FetchJson(env, monitoring, "/debug/proxies");
  if (!model.ok() || !proxies.ok()) {
    const absl::Status& s = model.ok() ? proxies.status() : model.status();
    problems.push_back(absl::StrCat("control plane: unreachable at ", monitoring, ": ", s.message()));
  } else {
    passed.push_back(absl::StrCat("control plane reachable at ", monitoring));
    if ((*model)["model"].is_null()) {
      problems.push_back("control plane: no valid model yet (see its log for the manifest errors)");
    } else {
      passed.push_back(absl::StrCat("model ", model->Text("version"), " in force"));
    }
    if ((*model)["in_error"].as_bool()) {
      std::string error = model->Text("last_error");
      if (error.size() > 200) error = error.substr(0, 200) + "...";
      problems.push_back(absl::StrCat(
          "control plane: the manifests are currently rejected (the last good model stays): ",
          error));
    }
    int synced = 0;
    const auto& list = (*proxies)["proxies"].items();
    for (const Json& p : list) {
      const std::string name = p.Text("node_id");
      bool ok = true;
      for (const Json& t : p["types"].items()) {
        const std::string state = t.Text("state");
        if (state == "NACKED") {
          ok = false;
          problems.push_back(absl::StrCat("proxy ", name, ": ", t.Text("type"), " NACKED version ",
                                          t.Text("version_sent"), ": ",
                                          t.Text("last_nack_error")));
        } else if (state != "SYNCED") {
          ok = false;
          problems.push_back(absl::StrCat("proxy ", name, ": ", t.Text("type"), " ", state,
                                          " (version ", t.Text("version_sent"),
                                          " sent, not yet ACKed)"));
        }
      }
      synced += ok ? 1 : 0;
    }
    if (list.empty()) {
      problems.push_back("proxies: none connected to the control plane");
    } else {
      passed.push_back(absl::StrCat(synced, "/", list.size(), " proxies connected and synced"));
    }
  }
  if (model.ok() && proxies.ok()) {
    CheckReport report;
    CheckCertificates(env, *args, monitoring, *proxies, {root_min_validity, min_validity},
                      &report);
    passed.insert(passed.end(), report.passed.begin(), report.passed.end());
    problems.insert(problems.end(), report.problems.begin(), report.problems.end());
  }

  if (output != "table") {
    Json out = Json::Object();
    out.Set("ok", Json::Bool(problems.empty()));
    Json p = Json::Array();
    for (const std::string& s : problems) p.Push(Json::String(s));
    Json g = Json::Array();
    for (const std::string& s : passed) g.Push(Json::String(s));
    out.Set("problems", std::move(p));
    out.Set("passed", std::move(g));
    PrintStructured(env, output, out);
  } else {
    for (const std::string& s : passed) *env.out << "ok   " << s << "\n";
    for (const std::string& s : problems) *env.out << "FAIL " << s << "\n";
    *env.out << (problems.empty() ? "No problems found.\n"
                                  : absl::StrCat(problems.size(), " problem(s) found.\n"));
  }
  if (!model.ok() || !proxies.ok()) return kExitUsage;
  return problems.empty() ? kExitOk : kExitInvalid;
}

}  // namespace weft::meshctl
