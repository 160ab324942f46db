#include "proxy/config/config_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json/json_value.h"

namespace weft::config {
namespace {

std::string Dur(absl::Duration d) { return JsonQuote(absl::FormatDuration(d)); }

absl::string_view ProtocolName(Listener::Protocol p) {
  switch (p) {
    case Listener::Protocol::kAuto: return "auto";
    case Listener::Protocol::kHttp: return "http";
    case Listener::Protocol::kTcp: return "tcp";
  }
  return "unknown";
}

template <typename T, typename F>
std::string Array(const std::vector<T>& items, F&& f) {
  std::vector<std::string> parts;
  for (const T& item : items) parts.push_back(f(item));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

absl::string_view ValueMatchKey(ValueMatchType type) {
  switch (type) {
    case ValueMatchType::kExact: return "exact";
    case ValueMatchType::kRegex: return "regex";
    case ValueMatchType::kPresent: return "present";
  }
  return "unknown";
}

template <typename T>
std::string ValueMatchJson(const T& m) {
  return absl::StrCat("{\"name\": ", JsonQuote(m.name), ", \"", ValueMatchKey(m.type), "\": ",
                      m.type == ValueMatchType::kPresent ? "true" : JsonQuote(m.value), "}");
}

std::string MatchJson(const RouteMatch& m) {
  std::string path;
  switch (m.path_type) {
    case PathMatchType::kPrefix: path = absl::StrCat("\"prefix\": ", JsonQuote(m.path_prefix)); break;
    case PathMatchType::kStringPrefix:
      path = absl::StrCat("\"string_prefix\": ", JsonQuote(m.path_prefix));
      break;
    case PathMatchType::kExact: path = absl::StrCat("\"path\": ", JsonQuote(m.path)); break;
    case PathMatchType::kRegex: path = absl::StrCat("\"regex\": ", JsonQuote(m.path)); break;
  }
  std::string out = absl::StrCat("{", path);
  if (!m.method.empty()) absl::StrAppend(&out, ", \"method\": ", JsonQuote(m.method));
  if (!m.headers.empty()) {
    absl::StrAppend(&out, ", \"headers\": ", Array(m.headers, ValueMatchJson<HeaderMatch>));
  }
  if (!m.query_params.empty()) {
    absl::StrAppend(&out, ", \"query_params\": ",
                    Array(m.query_params, ValueMatchJson<QueryParamMatch>));
  }
  return out + "}";
}

std::string MutationJson(const HeaderMutation& m) {
  auto added = [&m](HeaderToAdd::Action action) {
    std::vector<HeaderToAdd> some;
    for (const HeaderToAdd& h : m.add) {
      if (h.action == action) some.push_back(h);
    }
    return Array(some, [](const HeaderToAdd& h) {
      return absl::StrCat("{\"name\": ", JsonQuote(h.name), ", \"value\": ", JsonQuote(h.value),
                          "}");
    });
  };
  return absl::StrCat(
      "{\"set\": ", added(HeaderToAdd::Action::kOverwrite),
      ", \"add\": ", added(HeaderToAdd::Action::kAppend),
      ", \"add_if_absent\": ", added(HeaderToAdd::Action::kAddIfAbsent), ", \"remove\": ",
      Array(m.remove, [](const std::string& n) { return JsonQuote(n); }), "}");
}

absl::string_view Bool(bool b) { return b ? "true" : "false"; }

std::string LbJson(const LoadBalancing& lb) {
  absl::string_view policy = "round_robin";
  switch (lb.policy) {
    case LoadBalancing::Policy::kRoundRobin: policy = "round_robin"; break;
    case LoadBalancing::Policy::kRandom: policy = "random"; break;
    case LoadBalancing::Policy::kLeastRequest: policy = "least_request"; break;
    case LoadBalancing::Policy::kPeakEwma: policy = "peak_ewma"; break;
    case LoadBalancing::Policy::kRingHash: policy = "ring_hash"; break;
    case LoadBalancing::Policy::kMaglev: policy = "maglev"; break;
  }
  return absl::StrCat("{\"policy\": ", JsonQuote(policy),
                      ", \"ring_hash_min_size\": ", lb.ring_hash_min_size,
                      ", \"maglev_table_size\": ", lb.maglev_table_size,
                      ", \"ewma_decay\": ", Dur(lb.ewma_decay),
                      ", \"panic_threshold_percent\": ", lb.panic_threshold_percent,
                      ", \"locality_min_healthy_percent\": ", lb.locality_min_healthy_percent,
                      "}");
}

std::string CircuitBreakersJson(const CircuitBreakers& cb) {
  return absl::StrCat("{\"max_connections\": ", cb.max_connections,
                      ", \"max_pending_requests\": ", cb.max_pending_requests,
                      ", \"max_requests\": ", cb.max_requests,
                      ", \"max_retries\": ", cb.max_retries,
                      ", \"retry_budget_percent\": ", cb.retry_budget_percent,
                      ", \"retry_budget_min_concurrency\": ", cb.retry_budget_min_concurrency,
                      "}");
}

std::string OutlierJson(const OutlierDetection& od) {
  return absl::StrCat(
      "{\"enabled\": ", Bool(od.enabled), ", \"consecutive_5xx\": ", od.consecutive_5xx,
      ", \"consecutive_gateway_errors\": ", od.consecutive_gateway_errors,
      ", \"interval\": ", Dur(od.interval), ", \"base_ejection_time\": ",
      Dur(od.base_ejection_time), ", \"max_ejection_time\": ", Dur(od.max_ejection_time),
      ", \"max_ejection_percent\": ", od.max_ejection_percent,
      ", \"success_rate\": ", Bool(od.success_rate),
      ", \"success_rate_minimum_hosts\": ", od.success_rate_minimum_hosts,
      ", \"success_rate_request_volume\": ", od.success_rate_request_volume,
      ", \"success_rate_stdev_factor\": ", od.success_rate_stdev_factor, "}");
}

std::string HealthCheckJson(const HealthCheck& hc) {
  return absl::StrCat("{\"enabled\": ", Bool(hc.enabled), ", \"http_path\": ",
                      JsonQuote(hc.http_path), ", \"interval\": ", Dur(hc.interval),
                      ", \"timeout\": ", Dur(hc.timeout),
                      ", \"healthy_threshold\": ", hc.healthy_threshold,
                      ", \"unhealthy_threshold\": ", hc.unhealthy_threshold, "}");
}

absl::string_view HttpProtocolName(Cluster::HttpProtocol p) {
  switch (p) {
    case Cluster::HttpProtocol::kUseDownstream: return "use_downstream";
    case Cluster::HttpProtocol::kHttp1: return "http1";
    case Cluster::HttpProtocol::kHttp2: return "http2";
  }
  return "unknown";
}

std::string RetryJson(const RetryPolicy& r) {
  return absl::StrCat(
      "{\"num_retries\": ", r.num_retries, ", \"retry_on\": ",
      Array(r.retry_on, [](const std::string& s) { return JsonQuote(s); }),
      ", \"retriable_status_codes\": ",
      Array(r.retriable_status_codes, [](uint32_t c) { return absl::StrCat(c); }),
      ", \"backoff_base\": ", Dur(r.backoff_base), ", \"backoff_max\": ", Dur(r.backoff_max),
      ", \"max_replay_bytes\": ", r.max_replay_bytes,
      ", \"retry_non_idempotent\": ", Bool(r.retry_non_idempotent), "}");
}

std::string HashPolicyJson(const HashPolicy& h) {
  switch (h.kind) {
    case HashPolicy::Kind::kHeader: return absl::StrCat("{\"header\": ", JsonQuote(h.name), "}");
    case HashPolicy::Kind::kCookie: return absl::StrCat("{\"cookie\": ", JsonQuote(h.name), "}");
    case HashPolicy::Kind::kSourceIp: return "{\"source_ip\": true}";
  }
  return "{}";
}

std::string RateLimitJson(const RateLimit& l) {
  return absl::StrCat("{\"max_tokens\": ", l.max_tokens,
                      ", \"tokens_per_fill\": ", l.tokens_per_fill,
                      ", \"fill_interval\": ", Dur(l.fill_interval),
                      ", \"per_source\": ", Bool(l.per_source), "}");
}

std::string FaultJson(const FaultInjection& f) {
  return absl::StrCat("{\"delay_percent\": ", f.delay_percent, ", \"delay\": ", Dur(f.delay),
                      ", \"abort_percent\": ", f.abort_percent,
                      ", \"abort_http_status\": ", f.abort_http_status,
                      ", \"abort_grpc_status\": ", f.abort_grpc_status, "}");
}

std::string RouteJson(const Route& r) {
  std::string out = absl::StrCat("{\"name\": ", JsonQuote(r.name), ", \"match\": ", MatchJson(r.match));
  if (r.redirect.has_value()) {
    const RedirectAction& d = *r.redirect;
    absl::StrAppend(&out, ", \"redirect\": {\"scheme\": ", JsonQuote(d.scheme),
                    ", \"host\": ", JsonQuote(d.host), ", \"port\": ", d.port,
                    ", \"path\": ", JsonQuote(d.path), ", \"prefix_rewrite\": ",
                    JsonQuote(d.prefix_rewrite), ", \"strip_query\": ",
                    d.strip_query ? "true" : "false", ", \"status\": ", d.status, "}");
  } else if (r.direct_response.has_value()) {
    absl::StrAppend(&out, ", \"direct_response\": {\"status\": ", r.direct_response->status,
                    ", \"body\": ", JsonQuote(r.direct_response->body), "}");
  } else {
    absl::StrAppend(
        &out, ", \"cluster\": ", JsonQuote(r.cluster), ", \"weighted_clusters\": ",
        Array(r.weighted_clusters,
              [](const WeightedCluster& w) {
                return absl::StrCat("{\"name\": ", JsonQuote(w.name), ", \"weight\": ", w.weight,
                                    "}");
              }),
        ", \"timeout\": ", Dur(r.timeout), ", \"per_try_timeout\": ", Dur(r.per_try_timeout),
        ", \"host_rewrite\": ", JsonQuote(r.host_rewrite),
        ", \"prefix_rewrite\": ", JsonQuote(r.prefix_rewrite),
        ", \"path_rewrite\": ", JsonQuote(r.path_rewrite),
        ", \"retry\": ", RetryJson(r.retry),
        ", \"hash_policy\": ", Array(r.hash_policy, HashPolicyJson));
  }
  absl::StrAppend(&out, ", \"rate_limit\": ", RateLimitJson(r.rate_limit),
                  ", \"fault\": ", FaultJson(r.fault));
  absl::StrAppend(&out, ", \"request_headers\": ", MutationJson(r.request_headers),
                  ", \"response_headers\": ", MutationJson(r.response_headers), "}");
  return out;
}

}  // namespace

std::string JsonQuote(absl::string_view s) { return json::QuoteJson(s); }

std::string ToJson(const ProxyConfig& config) {
  std::string listeners = Array(config.listeners, [](const Listener& l) {
    return absl::StrCat(
        "{\"name\": ", JsonQuote(l.name), ", \"address\": ", JsonQuote(l.address),
        ", \"port\": ", l.port, ", \"original_dst\": ", l.original_dst ? "true" : "false",
        ", \"protocol\": ", JsonQuote(ProtocolName(l.protocol)),
        ", \"opaque_ports\": ", Array(l.opaque_ports, [](uint16_t p) { return absl::StrCat(p); }),
        ", \"detection_timeout\": ", Dur(l.detection_timeout),
        ", \"route_config\": ", JsonQuote(l.route_config),
        ", \"default_cluster\": ", JsonQuote(l.default_cluster),
        ", \"filter_chains\": ", Array(l.filter_chains, [](const FilterChain& fc) {
          return absl::StrCat(
              "{\"name\": ", JsonQuote(fc.name), ", \"destination_prefixes\": ",
              Array(fc.destination_prefixes,
                    [](const CidrRange& r) {
                      return JsonQuote(absl::StrCat(r.address, "/", r.prefix_length));
                    }),
              ", \"destination_port\": ", fc.destination_port,
              ", \"protocol\": ", JsonQuote(ProtocolName(fc.protocol)),
              ", \"route_config\": ", JsonQuote(fc.route_config),
              ", \"cluster\": ", JsonQuote(fc.cluster),
              ", \"transport\": ",
              JsonQuote(fc.transport == TransportMatch::kTls         ? "tls"
                        : fc.transport == TransportMatch::kPlaintext ? "plaintext"
                                                                     : "any"),
              fc.tls.has_value()
                  ? absl::StrCat(", \"mtls\": {\"require_client_certificate\": ",
                                 fc.tls->require_client_certificate ? "true" : "false", "}")
                  : std::string(),
              fc.refuse_plaintext ? ", \"refuse_plaintext\": true" : "", "}");
        }),
        ", \"idle_timeout\": ", Dur(l.idle_timeout),
        ", \"stream_idle_timeout\": ", Dur(l.stream_idle_timeout),
        ", \"max_request_headers_bytes\": ", l.max_request_headers_bytes,
        ", \"buffer_limit_bytes\": ", l.buffer_limit_bytes, "}");
  });
  std::string routes = Array(config.route_configs, [](const RouteConfig& rc) {
    return absl::StrCat(
        "{\"name\": ", JsonQuote(rc.name), ", \"virtual_hosts\": ",
        Array(rc.virtual_hosts, [](const VirtualHost& vh) {
          return absl::StrCat(
              "{\"name\": ", JsonQuote(vh.name), ", \"domains\": ",
              Array(vh.domains, [](const std::string& d) { return JsonQuote(d); }),
              ", \"routes\": ", Array(vh.routes, RouteJson),
              "}");
        }),
        "}");
  });
  std::string clusters = Array(config.clusters, [](const Cluster& c) {
    return absl::StrCat(
        "{\"name\": ", JsonQuote(c.name), ", \"type\": ",
        JsonQuote(c.type == Cluster::Type::kStatic        ? "static"
                  : c.type == Cluster::Type::kOriginalDst ? "original_dst"
                                                          : "eds"),
        ", \"connect_timeout\": ", Dur(c.connect_timeout),
        ", \"max_idle_connections\": ", c.max_idle_connections,
        ", \"idle_timeout\": ", Dur(c.idle_timeout), ", \"endpoints\": ",
        Array(c.endpoints,
              [](const Endpoint& e) {
                return absl::StrCat(
                    "{\"address\": ", JsonQuote(e.address), ", \"port\": ", e.port,
                    ", \"weight\": ", e.weight,
                    e.zone.empty() ? "" : absl::StrCat(", \"zone\": ", JsonQuote(e.zone)), "}");
              }),
        ", \"http_protocol\": ", JsonQuote(HttpProtocolName(c.http_protocol)),
        ", \"load_balancing\": ", LbJson(c.load_balancing),
        ", \"circuit_breakers\": ", CircuitBreakersJson(c.circuit_breakers),
        ", \"outlier_detection\": ", OutlierJson(c.outlier_detection),
        ", \"health_check\": ", HealthCheckJson(c.health_check),
        c.tls.has_value() ? absl::StrCat(", \"tls\": {\"expected_identities\": ",
                                         Array(c.tls->expected_identities,
                                               [](const std::string& id) { return JsonQuote(id); }),
                                         ", \"sni\": ", JsonQuote(c.tls->sni), "}")
                          : std::string(),
        "}");
  });
  return absl::StrCat("{\n  \"source\": ", JsonQuote(config.source),
                      ",\n  \"admin\": {\"address\": ", JsonQuote(config.admin.address),
                      ", \"port\": ", config.admin.port, "},\n  \"observability\": ",
                      absl::StrCat("{\"metrics_address\": ",
                                   JsonQuote(config.observability.metrics_address),
                                   ", \"metrics_port\": ", config.observability.metrics_port,
                                   ", \"access_log_path\": ",
                                   JsonQuote(config.observability.access_log_path),
                                   ", \"access_log_sample_ratio\": ",
                                   config.observability.access_log_sample_ratio,
                                   ", \"tracing\": ",
                                   config.observability.tracing ? "true" : "false",
                                   ", \"request_metrics\": ",
                                   config.observability.request_metrics ? "true" : "false", "}"),
                      ",\n  \"listeners\": ", listeners,
                      ",\n  \"route_configs\": ", routes, ",\n  \"clusters\": ", clusters,
                      "\n}\n");
}

}  // namespace weft::config
