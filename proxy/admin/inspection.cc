#include "proxy/admin/inspection.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "proxy/config/config_json.h"

namespace weft::admin {
namespace {

using config::JsonQuote;

int64_t Stat(const StatsSnapshot& stats, const std::string& cluster, absl::string_view name) {
  auto it = stats.find(absl::StrCat("cluster.", cluster, ".", name));
  return it == stats.end() ? 0 : it->second.value;
}

absl::string_view ClusterTypeName(config::Cluster::Type type) {
  switch (type) {
    case config::Cluster::Type::kStatic:
      return "static";
    case config::Cluster::Type::kOriginalDst:
      return "original_dst";
    case config::Cluster::Type::kEds:
      return "eds";
  }
  return "unknown";
}

absl::string_view LbPolicyName(config::LoadBalancing::Policy policy) {
  using P = config::LoadBalancing::Policy;
  switch (policy) {
    case P::kRoundRobin:
      return "round_robin";
    case P::kRandom:
      return "random";
    case P::kLeastRequest:
      return "least_request";
    case P::kPeakEwma:
      return "peak_ewma";
    case P::kRingHash:
      return "ring_hash";
    case P::kMaglev:
      return "maglev";
  }
  return "unknown";
}

absl::string_view ProtocolName(config::Protocol protocol) {
  switch (protocol) {
    case config::Protocol::kAuto:
      return "auto";
    case config::Protocol::kHttp:
      return "http";
    case config::Protocol::kTcp:
      return "tcp";
  }
  return "unknown";
}

std::vector<std::string> Prefixes(const config::FilterChain& chain) {
  std::vector<std::string> out;
  for (const config::CidrRange& r : chain.destination_prefixes) {
    out.push_back(absl::StrCat(r.address, "/", r.prefix_length));
  }
  return out;
}

}  // namespace

std::string HostPort(const std::string& address, uint16_t port) {
  if (address.find(':') != std::string::npos) return absl::StrCat("[", address, "]:", port);
  return absl::StrCat(address, ":", port);
}

bool WantsJson(const std::string& query) {
  for (absl::string_view part : absl::StrSplit(query, '&')) {
    if (part == "format=json") return true;
  }
  return false;
}

namespace {

EndpointState StateOf(const EndpointStates* states, const std::string& cluster,
                      const std::string& endpoint) {
  if (states == nullptr) return EndpointState{};
  auto c = states->find(cluster);
  if (c == states->end()) return EndpointState{};
  auto e = c->second.find(endpoint);
  return e == c->second.end() ? EndpointState{} : e->second;
}

}  // namespace

std::string ClustersJson(const config::ProxyConfig& config, const StatsSnapshot& stats,
                         const EndpointStates* states) {
  std::vector<std::string> clusters;
  for (const config::Cluster& c : config.clusters) {
    std::vector<std::string> endpoints;
    for (const config::Endpoint& e : c.endpoints) {
      const std::string address = HostPort(e.address, e.port);
      const EndpointState s = StateOf(states, c.name, address);
      endpoints.push_back(absl::StrCat(
          "{\"address\": ", JsonQuote(address), ", \"weight\": ", e.weight,
          ", \"health\": \"", s.healthy ? "healthy" : "unhealthy", "\", \"ejected\": ",
          s.ejected ? "true" : "false", ", \"active_requests\": ", s.active_requests,
          ", \"ejections_total\": ", s.ejections_total, "}"));
    }
    clusters.push_back(absl::StrCat(
        "    {\"name\": ", JsonQuote(c.name), ", \"type\": ", JsonQuote(ClusterTypeName(c.type)),
        ", \"lb_policy\": ", JsonQuote(LbPolicyName(c.load_balancing.policy)),
        ", \"active_requests\": ", Stat(stats, c.name, "upstream_rq_active"),
        ", \"requests_total\": ", Stat(stats, c.name, "upstream_rq_total"),
        ", \"connections_total\": ", Stat(stats, c.name, "upstream_cx_total"),
        ", \"connect_failures\": ", Stat(stats, c.name, "upstream_cx_connect_fail"),
        ", \"endpoints\": [", absl::StrJoin(endpoints, ", "), "]}"));
  }
  if (clusters.empty()) return "{\"clusters\": []}\n";
  return absl::StrCat("{\"clusters\": [\n", absl::StrJoin(clusters, ",\n"), "\n]}\n");
}

std::string ClustersText(const config::ProxyConfig& config, const StatsSnapshot& stats,
                         const EndpointStates* states) {
  std::string out;
  for (const config::Cluster& c : config.clusters) {
    const std::string& n = c.name;
    absl::StrAppend(&out, n, "::type::", ClusterTypeName(c.type), "\n", n,
                    "::lb_policy::", LbPolicyName(c.load_balancing.policy), "\n", n,
                    "::active_requests::", Stat(stats, n, "upstream_rq_active"), "\n", n,
                    "::requests_total::", Stat(stats, n, "upstream_rq_total"), "\n", n,
                    "::connect_failures::", Stat(stats, n, "upstream_cx_connect_fail"), "\n");
    for (const config::Endpoint& e : c.endpoints) {
      const std::string address = HostPort(e.address, e.port);
      const EndpointState s = StateOf(states, n, address);
      const std::string ep = absl::StrCat(n, "::", address);
      absl::StrAppend(&out, ep, "::weight::", e.weight, "\n", ep, "::health::",
                      s.healthy ? "healthy" : "unhealthy", "\n", ep, "::ejected::",
                      s.ejected ? "true" : "false", "\n", ep, "::active_requests::",
                      s.active_requests, "\n");
    }
  }
  return out;
}

std::string ListenersJson(const config::ProxyConfig& config) {
  std::vector<std::string> listeners;
  for (const config::Listener& l : config.listeners) {
    std::vector<std::string> chains;
    for (const config::FilterChain& fc : l.filter_chains) {
      std::vector<std::string> prefixes;
      for (const std::string& p : Prefixes(fc)) prefixes.push_back(JsonQuote(p));
      chains.push_back(absl::StrCat(
          "{\"name\": ", JsonQuote(fc.name), ", \"destination_prefixes\": [",
          absl::StrJoin(prefixes, ", "), "], \"destination_port\": ", fc.destination_port,
          ", \"protocol\": ", JsonQuote(ProtocolName(fc.protocol)),
          ", \"route_config\": ", JsonQuote(fc.route_config),
          ", \"cluster\": ", JsonQuote(fc.cluster), "}"));
    }
    listeners.push_back(absl::StrCat(
        "    {\"name\": ", JsonQuote(l.name), ", \"address\": ", JsonQuote(HostPort(l.address, l.port)),
        ", \"protocol\": ", JsonQuote(ProtocolName(l.protocol)),
        ", \"original_dst\": ", l.original_dst ? "true" : "false",
        ", \"route_config\": ", JsonQuote(l.route_config),
        ", \"default_cluster\": ", JsonQuote(l.default_cluster), ", \"filter_chains\": [",
        absl::StrJoin(chains, ", "), "]}"));
  }
  if (listeners.empty()) return "{\"listeners\": []}\n";
  return absl::StrCat("{\"listeners\": [\n", absl::StrJoin(listeners, ",\n"), "\n]}\n");
}

std::string ListenersText(const config::ProxyConfig& config) {
  std::string out;
  for (const config::Listener& l : config.listeners) {
    absl::StrAppend(&out, l.name, "::", HostPort(l.address, l.port), "::", ProtocolName(l.protocol),
                    "::filter_chains=", l.filter_chains.size(), "\n");
    for (const config::FilterChain& fc : l.filter_chains) {
      std::vector<std::string> prefixes = Prefixes(fc);
      absl::StrAppend(&out, l.name, "::chain::", fc.name.empty() ? "-" : fc.name, "::",
                      prefixes.empty() ? "*" : absl::StrJoin(prefixes, ","), ":",
                      fc.destination_port == 0 ? std::string("*") : absl::StrCat(fc.destination_port),
                      "::", ProtocolName(fc.protocol), "::",
                      fc.route_config.empty() ? fc.cluster : fc.route_config, "\n");
    }
  }
  return out;
}

namespace {

int64_t SecondsToExpiry(const CertsView& v) {
  return v.ready ? absl::ToInt64Seconds(v.not_after - v.now) : 0;
}

}  // namespace

std::string CertsJson(const CertsView& v) {
  std::string roots;
  for (const std::string& f : v.root_fingerprints) {
    absl::StrAppend(&roots, roots.empty() ? "" : ", ", config::JsonQuote(f));
  }
  return absl::StrCat(
      "{\"identity_enabled\": ", v.identity_enabled ? "true" : "false",
      ", \"ready\": ", v.ready ? "true" : "false",
      ", \"identity\": ", config::JsonQuote(v.identity),
      ", \"not_after\": ",
      config::JsonQuote(v.ready ? absl::FormatTime(absl::RFC3339_sec, v.not_after,
                                                   absl::UTCTimeZone())
                                : ""),
      ", \"seconds_to_expiry\": ", SecondsToExpiry(v),
      ", \"trust_bundle\": {\"source\": ", config::JsonQuote(v.bundle_from_sds ? "sds" : "ca"),
      ", \"roots\": [", roots, "]}, \"contexts_built\": ", v.swaps,
      ", \"last_error\": ", config::JsonQuote(v.last_error), "}\n");
}

std::string CertsText(const CertsView& v) {
  if (!v.identity_enabled) {
    return "no workload certificate: the proxy runs without --ca_address (no mTLS)\n";
  }
  if (!v.ready) {
    return absl::StrCat("no workload certificate yet", v.last_error.empty() ? "" : ": ",
                        v.last_error, "\n");
  }
  std::string out = absl::StrCat(
      "identity ", v.identity, "\nnot_after ",
      absl::FormatTime(absl::RFC3339_sec, v.not_after, absl::UTCTimeZone()),
      "\nseconds_to_expiry ", SecondsToExpiry(v), "\ntrust_bundle_source ",
      v.bundle_from_sds ? "sds" : "ca", "\n");
  for (const std::string& f : v.root_fingerprints) absl::StrAppend(&out, "root ", f, "\n");
  absl::StrAppend(&out, "contexts_built ", v.swaps, "\n");
  if (!v.last_error.empty()) absl::StrAppend(&out, "last_error ", v.last_error, "\n");
  return out;
}

}  // namespace weft::admin
