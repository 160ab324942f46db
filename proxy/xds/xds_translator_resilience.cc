#include "proxy/xds/xds_translator_resilience.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "envoy/extensions/filters/http/fault/v3/fault.pb.h"
#include "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.pb.h"
#include "envoy/extensions/upstreams/http/v3/http_protocol_options.pb.h"
#include "google/protobuf/struct.pb.h"

namespace weft::xds {
namespace {

namespace cluster_v3 = envoy::config::cluster::v3;
namespace route_v3 = envoy::config::route::v3;
using HttpProtocolOptions = envoy::extensions::upstreams::http::v3::HttpProtocolOptions;
using LocalRateLimit = envoy::extensions::filters::http::local_ratelimit::v3::LocalRateLimit;
using HTTPFault = envoy::extensions::filters::http::fault::v3::HTTPFault;

constexpr char kTypePrefix[] = "type.googleapis.com/";
constexpr char kWeftMetadata[] = "weft";

absl::Duration FromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

// numerator / denominator as a percentage, capped at 100 (as Envoy does).
double Percent(const envoy::type::v3::FractionalPercent& f) {
  double scale = 100;
  switch (f.denominator()) {
    case envoy::type::v3::FractionalPercent::TEN_THOUSAND: scale = 10'000; break;
    case envoy::type::v3::FractionalPercent::MILLION: scale = 1'000'000; break;
    default: break;
  }
  return std::min(100.0, f.numerator() * 100.0 / scale);
}

// filter_metadata["weft"] of a resource, or null.
const google::protobuf::Struct* WeftMetadata(const envoy::config::core::v3::Metadata& m) {
  auto it = m.filter_metadata().find(kWeftMetadata);
  return it == m.filter_metadata().end() ? nullptr : &it->second;
}

void ReadLoadBalancing(const cluster_v3::Cluster& c, const std::string& where,
                       const ProblemSink& problem, bool& ok, config::LoadBalancing& lb) {
  using Policy = config::LoadBalancing::Policy;
  switch (c.lb_policy()) {
    case cluster_v3::Cluster::ROUND_ROBIN: lb.policy = Policy::kRoundRobin; break;
    case cluster_v3::Cluster::LEAST_REQUEST: lb.policy = Policy::kLeastRequest; break;
    case cluster_v3::Cluster::RING_HASH: lb.policy = Policy::kRingHash; break;
    case cluster_v3::Cluster::RANDOM: lb.policy = Policy::kRandom; break;
    case cluster_v3::Cluster::MAGLEV: lb.policy = Policy::kMaglev; break;
    case cluster_v3::Cluster::CLUSTER_PROVIDED:
      // What Envoy requires of ORIGINAL_DST clusters: the destination is the
      // connection's, there is nothing to balance.
      if (c.type() == cluster_v3::Cluster::ORIGINAL_DST) break;
      [[fallthrough]];
    default:
      problem(where, absl::StrCat("lb_policy ", cluster_v3::Cluster::LbPolicy_Name(c.lb_policy()),
                                  " is not supported (ROUND_ROBIN, LEAST_REQUEST, RING_HASH, "
                                  "RANDOM, MAGLEV are; peak EWMA through metadata "
                                  "filter_metadata[\"weft\"].lb_policy)"));
      ok = false;
  }
  if (c.has_ring_hash_lb_config()) {
    const auto& rh = c.ring_hash_lb_config();
    if (rh.has_minimum_ring_size()) lb.ring_hash_min_size = rh.minimum_ring_size().value();
    if (rh.hash_function() != cluster_v3::Cluster::RingHashLbConfig::XX_HASH) {
      problem(where, "ring_hash_lb_config.hash_function: only XX_HASH is supported");
      ok = false;
    }
  }
  if (c.has_maglev_lb_config() && c.maglev_lb_config().has_table_size()) {
    lb.maglev_table_size = c.maglev_lb_config().table_size().value();
  }
  if (c.has_least_request_lb_config() && c.least_request_lb_config().has_choice_count() &&
      c.least_request_lb_config().choice_count().value() != 2) {
    problem(where, "least_request_lb_config.choice_count: only 2 (power of two choices) is "
                   "supported");
    ok = false;
  }
  if (c.has_original_dst_lb_config()) {
    problem(where, "original_dst_lb_config is not supported");
    ok = false;
  }
  const auto& common = c.common_lb_config();
  if (common.has_healthy_panic_threshold()) {
    const double v = common.healthy_panic_threshold().value();
    if (!(v >= 0 && v <= 100)) {
      problem(where, "common_lb_config.healthy_panic_threshold must be 0-100");
      ok = false;
    } else {
      lb.panic_threshold_percent = static_cast<uint32_t>(std::lround(v));
    }
  }
  if (common.has_zone_aware_lb_config()) lb.locality_min_healthy_percent = 70;
  if (common.has_locality_weighted_lb_config()) {
    problem(where, "common_lb_config.locality_weighted_lb_config is not supported (use "
                   "zone_aware_lb_config)");
    ok = false;
  }

  const google::protobuf::Struct* weft = WeftMetadata(c.metadata());
  if (weft == nullptr) return;
  for (const auto& [key, value] : weft->fields()) {
    const std::string mwhere = absl::StrCat(where, ": metadata.filter_metadata[\"weft\"].", key);
    if (key == "lb_policy") {
      if (value.string_value() != "peak_ewma") {
        problem(mwhere, "only \"peak_ewma\" is a Weft lb_policy (others use Cluster.lb_policy)");
        ok = false;
      } else {
        lb.policy = Policy::kPeakEwma;
      }
    } else if (key == "ewma_decay") {
      absl::Duration d;
      if (!absl::ParseDuration(value.string_value(), &d)) {
        problem(mwhere, "needs a duration string such as \"10s\"");
        ok = false;
      } else {
        lb.ewma_decay = d;
      }
    } else if (key == "locality_min_healthy_percent") {
      const double v = value.number_value();
      if (value.kind_case() != google::protobuf::Value::kNumberValue || !(v >= 0 && v <= 100)) {
        problem(mwhere, "needs a number 0-100");
        ok = false;
      } else {
        lb.locality_min_healthy_percent = static_cast<uint32_t>(std::lround(v));
      }
    }
    // Other keys belong to other Weft features.
  }
}

void ReadCircuitBreakers(const cluster_v3::CircuitBreakers& cb, const std::string& where,
                         const ProblemSink& problem, bool& ok, config::CircuitBreakers& out) {
  if (!cb.per_host_thresholds().empty()) {
    problem(where, "circuit_breakers.per_host_thresholds is not supported");
    ok = false;
  }
  // Only DEFAULT priority exists in Weft's routes; HIGH thresholds are unused.
  for (const auto& t : cb.thresholds()) {
    if (t.priority() != envoy::config::core::v3::DEFAULT) continue;
    if (t.has_max_connections()) out.max_connections = t.max_connections().value();
    if (t.has_max_pending_requests()) out.max_pending_requests = t.max_pending_requests().value();
    if (t.has_max_requests()) out.max_requests = t.max_requests().value();
    if (t.has_max_retries()) out.max_retries = t.max_retries().value();
    if (t.has_retry_budget()) {
      // Envoy's defaults: 20% and 3.
      out.retry_budget_percent =
          t.retry_budget().has_budget_percent() ? t.retry_budget().budget_percent().value() : 20;
      out.retry_budget_min_concurrency = t.retry_budget().has_min_retry_concurrency()
                                             ? t.retry_budget().min_retry_concurrency().value()
                                             : 3;
    }
  }
}

void ReadOutlierDetection(const cluster_v3::OutlierDetection& od, const std::string& where,
                          const ProblemSink& problem, bool& ok, config::OutlierDetection& out) {
  out.enabled = true;
  // An unset enforcing_* takes Envoy's default (100, except gateway failures: 0).
  auto enforced = [](const google::protobuf::UInt32Value& v, bool has, uint32_t dflt) {
    return (has ? v.value() : dflt) > 0;
  };
  out.consecutive_5xx = od.has_consecutive_5xx() ? od.consecutive_5xx().value() : 5;
  if (!enforced(od.enforcing_consecutive_5xx(), od.has_enforcing_consecutive_5xx(), 100)) {
    out.consecutive_5xx = 0;
  }
  out.consecutive_gateway_errors =
      od.has_consecutive_gateway_failure() ? od.consecutive_gateway_failure().value() : 5;
  if (!enforced(od.enforcing_consecutive_gateway_failure(),
                od.has_enforcing_consecutive_gateway_failure(), 0)) {
    out.consecutive_gateway_errors = 0;
  }
  out.success_rate = enforced(od.enforcing_success_rate(), od.has_enforcing_success_rate(), 100);
  if (od.has_interval()) out.interval = FromProto(od.interval());
  if (od.has_base_ejection_time()) out.base_ejection_time = FromProto(od.base_ejection_time());
  if (od.has_max_ejection_time()) out.max_ejection_time = FromProto(od.max_ejection_time());
  if (od.has_max_ejection_percent()) out.max_ejection_percent = od.max_ejection_percent().value();
  if (od.has_success_rate_minimum_hosts()) {
    out.success_rate_minimum_hosts = od.success_rate_minimum_hosts().value();
  }
  if (od.has_success_rate_request_volume()) {
    out.success_rate_request_volume = od.success_rate_request_volume().value();
  }
  if (od.has_success_rate_stdev_factor()) {
    out.success_rate_stdev_factor = od.success_rate_stdev_factor().value() / 1000.0;
  }
  if (od.split_external_local_origin_errors() ||
      od.enforcing_consecutive_local_origin_failure().value() > 0 ||
      od.enforcing_local_origin_success_rate().value() > 0) {
    problem(where, "outlier_detection: local-origin error splitting is not supported");
    ok = false;
  }
  if (od.enforcing_failure_percentage().value() > 0 ||
      od.enforcing_failure_percentage_local_origin().value() > 0) {
    problem(where, "outlier_detection: failure-percentage ejection is not supported (use "
                   "success rate or consecutive errors)");
    ok = false;
  }
}

void ReadHealthChecks(const cluster_v3::Cluster& c, const std::string& where,
                      const ProblemSink& problem, bool& ok, config::HealthCheck& out) {
  if (c.health_checks().empty()) return;
  if (c.health_checks_size() > 1) {
    problem(where, "health_checks: only one health check is supported");
    ok = false;
  }
  const envoy::config::core::v3::HealthCheck& hc = c.health_checks(0);
  const std::string hwhere = absl::StrCat(where, ": health_checks[0]");
  out.enabled = true;
  if (hc.has_timeout()) out.timeout = FromProto(hc.timeout());
  if (hc.has_interval()) out.interval = FromProto(hc.interval());
  if (hc.has_healthy_threshold()) out.healthy_threshold = hc.healthy_threshold().value();
  if (hc.has_unhealthy_threshold()) out.unhealthy_threshold = hc.unhealthy_threshold().value();
  switch (hc.health_checker_case()) {
    case envoy::config::core::v3::HealthCheck::kHttpHealthCheck:
      if (hc.http_health_check().path().empty()) {
        problem(hwhere, "http_health_check.path is required");
        ok = false;
      }
      out.http_path = hc.http_health_check().path();
      break;
    case envoy::config::core::v3::HealthCheck::kTcpHealthCheck:
      out.http_path.clear();  // connect only
      break;
    default:
      problem(hwhere, "only http_health_check and tcp_health_check are supported");
      ok = false;
  }
}

void ReadHttpProtocol(const cluster_v3::Cluster& c, const std::string& where,
                      const ProblemSink& problem, bool& ok, config::Cluster& out) {
  using Protocol = config::Cluster::HttpProtocol;
  // The deprecated fields first (senders still use them); the extension wins.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  if (c.has_http2_protocol_options()) {
    out.http_protocol = Protocol::kHttp2;
  } else if (c.has_http_protocol_options()) {
    out.http_protocol = Protocol::kHttp1;
  }
#pragma GCC diagnostic pop
  for (const auto& [key, any] : c.typed_extension_protocol_options()) {
    const std::string owhere =
        absl::StrCat(where, ": typed_extension_protocol_options[\"", key, "\"]");
    if (key != kHttpProtocolOptionsKey) {
      problem(owhere, absl::StrCat("unsupported (only ", kHttpProtocolOptionsKey, ")"));
      ok = false;
      continue;
    }
    HttpProtocolOptions options;
    if (!any.UnpackTo(&options)) {
      problem(owhere, "does not parse as HttpProtocolOptions");
      ok = false;
      continue;
    }
    switch (options.upstream_protocol_options_case()) {
      case HttpProtocolOptions::kExplicitHttpConfig:
        out.http_protocol = options.explicit_http_config().has_http2_protocol_options()
                                ? Protocol::kHttp2
                                : Protocol::kHttp1;
        break;
      case HttpProtocolOptions::kUseDownstreamProtocolConfig:
        out.http_protocol = Protocol::kUseDownstream;
        break;
      case HttpProtocolOptions::kAutoConfig:
        problem(owhere, "auto_config (ALPN) is not supported; use explicit_http_config or "
                        "use_downstream_protocol_config");
        ok = false;
        break;
      default:
        problem(owhere, "needs explicit_http_config or use_downstream_protocol_config");
        ok = false;
    }
  }
}

void ReadRetry(const route_v3::RetryPolicy& p, const std::string& where,
               const ProblemSink& problem, bool& ok, config::RetryPolicy& out) {
  for (absl::string_view name : absl::StrSplit(p.retry_on(), ',', absl::SkipWhitespace())) {
    out.retry_on.emplace_back(absl::StripAsciiWhitespace(name));
  }
  // Envoy: num_retries defaults to 1; no retry_on means no retries.
  out.num_retries = p.has_num_retries() ? p.num_retries().value() : 1;
  if (out.retry_on.empty()) out.num_retries = 0;
  out.retriable_status_codes.assign(p.retriable_status_codes().begin(),
                                    p.retriable_status_codes().end());
  if (p.has_retry_back_off()) {
    const auto& b = p.retry_back_off();
    if (!b.has_base_interval()) {
      problem(where, "retry_policy.retry_back_off.base_interval is required");
      ok = false;
    } else {
      out.backoff_base = FromProto(b.base_interval());
      out.backoff_max =
          b.has_max_interval() ? FromProto(b.max_interval()) : 10 * out.backoff_base;
    }
  }
}

bool ReadHashPolicy(const route_v3::RouteAction::HashPolicy& h, const std::string& where,
                    const ProblemSink& problem, config::HashPolicy& out) {
  using Kind = config::HashPolicy::Kind;
  switch (h.policy_specifier_case()) {
    case route_v3::RouteAction::HashPolicy::kHeader:
      out.kind = Kind::kHeader;
      out.name = h.header().header_name();
      return true;
    case route_v3::RouteAction::HashPolicy::kCookie:
      if (h.cookie().has_ttl()) {
        problem(where, "cookie.ttl (generating cookies) is not supported");
        return false;
      }
      out.kind = Kind::kCookie;
      out.name = h.cookie().name();
      return true;
    case route_v3::RouteAction::HashPolicy::kConnectionProperties:
      if (!h.connection_properties().source_ip()) {
        problem(where, "connection_properties needs source_ip: true");
        return false;
      }
      out.kind = Kind::kSourceIp;
      return true;
    default:
      problem(where, "only header, cookie and connection_properties.source_ip are supported");
      return false;
  }
}

// 0% (or unset): off; 100%: on; anything between is not supported.
bool ReadAllOrNothing(const envoy::config::core::v3::RuntimeFractionalPercent& f, bool has,
                      const std::string& where, const ProblemSink& problem, bool& ok) {
  if (!has) return false;
  const double p = Percent(f.default_value());
  if (p != 0 && p != 100) {
    problem(where, "only 0% or 100% is supported");
    ok = false;
  }
  return p == 100;
}

void ReadLocalRateLimit(const LocalRateLimit& l, const std::string& where,
                        const ProblemSink& problem, bool& ok, config::RateLimit& out) {
  const bool enabled = ReadAllOrNothing(l.filter_enabled(), l.has_filter_enabled(),
                                        absl::StrCat(where, ".filter_enabled"), problem, ok);
  const bool enforced = ReadAllOrNothing(l.filter_enforced(), l.has_filter_enforced(),
                                         absl::StrCat(where, ".filter_enforced"), problem, ok);
  if (l.local_rate_limit_per_downstream_connection()) {
    problem(where, "local_rate_limit_per_downstream_connection is not supported (Weft's "
                   "per-caller buckets: route metadata filter_metadata[\"weft\"]."
                   "rate_limit_per_source)");
    ok = false;
  }
  if (enabled != enforced) {
    problem(where, "filter_enabled and filter_enforced must both be 100% (shadow mode is not "
                   "supported) or both 0%");
    ok = false;
  }
  if (!enabled || !enforced) return;  // Envoy's default: limits nothing
  if (!l.has_token_bucket()) {
    problem(where, "token_bucket is required");
    ok = false;
    return;
  }
  const auto& b = l.token_bucket();
  out.max_tokens = b.max_tokens();
  out.tokens_per_fill = b.has_tokens_per_fill() ? b.tokens_per_fill().value() : 1;
  if (!b.has_fill_interval()) {
    problem(where, "token_bucket.fill_interval is required");
    ok = false;
  } else {
    out.fill_interval = FromProto(b.fill_interval());
  }
  if (out.max_tokens == 0) {
    problem(where, "token_bucket.max_tokens must be at least 1");
    ok = false;
  }
}

void ReadFault(const HTTPFault& f, const std::string& where, const ProblemSink& problem,
               bool& ok, config::FaultInjection& out) {
  if (!f.upstream_cluster().empty() || !f.downstream_nodes().empty() ||
      f.has_max_active_faults()) {
    problem(where, "upstream_cluster, downstream_nodes and max_active_faults are not supported");
    ok = false;
  }
  if (f.has_delay()) {
    if (!f.delay().has_fixed_delay()) {
      problem(where, "delay: only fixed_delay is supported");
      ok = false;
    } else {
      out.delay = FromProto(f.delay().fixed_delay());
      out.delay_percent = Percent(f.delay().percentage());
    }
  }
  if (f.has_abort()) {
    const auto& a = f.abort();
    out.abort_percent = Percent(a.percentage());
    switch (a.error_type_case()) {
      case envoy::extensions::filters::http::fault::v3::FaultAbort::kHttpStatus:
        out.abort_http_status = static_cast<int>(std::min<uint32_t>(a.http_status(), 1000));
        break;
      case envoy::extensions::filters::http::fault::v3::FaultAbort::kGrpcStatus:
        out.abort_grpc_status = static_cast<int>(std::min<uint32_t>(a.grpc_status(), 1000));
        break;
      default:
        problem(where, "abort: needs http_status or grpc_status (header_abort is not "
                       "supported)");
        ok = false;
    }
  }
}

// One typed_per_filter_config entry (possibly wrapped in a FilterConfig).
void ReadFilterConfig(const std::string& key, const google::protobuf::Any& any_in,
                      const std::string& where, const ProblemSink& problem, bool& ok,
                      config::Route& out) {
  const std::string fwhere = absl::StrCat(where, ": typed_per_filter_config[\"", key, "\"]");
  google::protobuf::Any any = any_in;
  bool optional = false;
  if (any.type_url() == absl::StrCat(kTypePrefix, route_v3::FilterConfig::descriptor()->full_name())) {
    route_v3::FilterConfig wrapper;
    if (!any.UnpackTo(&wrapper)) {
      problem(fwhere, "does not parse as FilterConfig");
      ok = false;
      return;
    }
    any = wrapper.config();
    optional = wrapper.is_optional();
  }
  if (any.Is<LocalRateLimit>()) {
    LocalRateLimit limit;
    if (!any.UnpackTo(&limit)) {
      problem(fwhere, "does not parse as LocalRateLimit");
      ok = false;
      return;
    }
    ReadLocalRateLimit(limit, fwhere, problem, ok, out.rate_limit);
  } else if (any.Is<HTTPFault>()) {
    HTTPFault fault;
    if (!any.UnpackTo(&fault)) {
      problem(fwhere, "does not parse as HTTPFault");
      ok = false;
      return;
    }
    ReadFault(fault, fwhere, problem, ok, out.fault);
  } else if (!optional) {
    problem(fwhere, absl::StrCat("unsupported filter config ", any.type_url(),
                                 " (LocalRateLimit and HTTPFault are supported)"));
    ok = false;
  }
}

}  // namespace

bool ReadClusterResilience(const cluster_v3::Cluster& c, const std::string& where,
                           const ProblemSink& problem, config::Cluster& out) {
  bool ok = true;
  ReadLoadBalancing(c, where, problem, ok, out.load_balancing);
  if (c.has_circuit_breakers()) {
    ReadCircuitBreakers(c.circuit_breakers(), where, problem, ok, out.circuit_breakers);
  }
  if (c.has_outlier_detection()) {
    ReadOutlierDetection(c.outlier_detection(), where, problem, ok, out.outlier_detection);
  }
  ReadHealthChecks(c, where, problem, ok, out.health_check);
  ReadHttpProtocol(c, where, problem, ok, out);
  return ok;
}

bool ReadRouteResilience(const route_v3::Route& route, const route_v3::VirtualHost& vhost,
                         const std::string& where, const ProblemSink& problem,
                         config::Route& out) {
  bool ok = true;
  if (route.has_route()) {
    const route_v3::RouteAction& a = route.route();
    if (a.has_retry_policy()) {
      ReadRetry(a.retry_policy(), where, problem, ok, out.retry);
    } else if (vhost.has_retry_policy()) {
      ReadRetry(vhost.retry_policy(), where, problem, ok, out.retry);
      if (vhost.retry_policy().has_per_try_timeout() && out.per_try_timeout == absl::ZeroDuration()) {
        out.per_try_timeout = FromProto(vhost.retry_policy().per_try_timeout());
      }
    }
    for (int i = 0; i < a.hash_policy_size(); ++i) {
      config::HashPolicy hash;
      if (ReadHashPolicy(a.hash_policy(i), absl::StrCat(where, ": hash_policy[", i, "]"), problem,
                         hash)) {
        out.hash_policy.push_back(std::move(hash));
      } else {
        ok = false;
      }
    }
  }
  for (const auto& [key, any] : route.typed_per_filter_config()) {
    ReadFilterConfig(key, any, where, problem, ok, out);
  }
  const google::protobuf::Struct* weft = WeftMetadata(route.metadata());
  if (weft != nullptr) {
    auto it = weft->fields().find("rate_limit_per_source");
    if (it != weft->fields().end()) {
      if (it->second.kind_case() != google::protobuf::Value::kBoolValue) {
        problem(where, "metadata.filter_metadata[\"weft\"].rate_limit_per_source needs a bool");
        ok = false;
      } else {
        out.rate_limit.per_source = it->second.bool_value();
      }
    }
  }
  return ok;
}

}  // namespace weft::xds
