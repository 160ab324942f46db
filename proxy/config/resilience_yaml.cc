#include "proxy/config/resilience_yaml.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::config {
namespace {

using Field = YamlReader::Field;

// Counts are read in their full range; the validator knows the meaningful one.
constexpr uint32_t kAny = UINT32_MAX;

Field MappingField(absl::string_view key, std::function<void(const YAML::Node&,
                                                             const std::string&)> read) {
  return Field{std::string(key), std::move(read)};
}

void ReadLoadBalancing(YamlReader& r, const YAML::Node& node, const std::string& path,
                       LoadBalancing& lb) {
  using Policy = LoadBalancing::Policy;
  r.ReadMapping(
      node, path,
      {r.EnumField<Policy>("policy", "a load balancing policy",
                           {{"round_robin", Policy::kRoundRobin},
                            {"random", Policy::kRandom},
                            {"least_request", Policy::kLeastRequest},
                            {"peak_ewma", Policy::kPeakEwma},
                            {"ring_hash", Policy::kRingHash},
                            {"maglev", Policy::kMaglev}},
                           lb.policy),
       r.Uint64Field("ring_hash_min_size", "a ring size", 0, UINT64_MAX, lb.ring_hash_min_size),
       r.Uint64Field("maglev_table_size", "a table size", 0, UINT64_MAX, lb.maglev_table_size),
       r.DurationField("ewma_decay", lb.ewma_decay),
       r.Uint32Field("panic_threshold_percent", "a percentage", 0, kAny,
                     lb.panic_threshold_percent),
       r.Uint32Field("locality_min_healthy_percent", "a percentage", 0, kAny,
                     lb.locality_min_healthy_percent)});
}

void ReadCircuitBreakers(YamlReader& r, const YAML::Node& node, const std::string& path,
                         CircuitBreakers& cb) {
  r.ReadMapping(node, path,
                {r.Uint32Field("max_connections", "a count", 0, kAny, cb.max_connections),
                 r.Uint32Field("max_pending_requests", "a count", 0, kAny,
                               cb.max_pending_requests),
                 r.Uint32Field("max_requests", "a count", 0, kAny, cb.max_requests),
                 r.Uint32Field("max_retries", "a count", 0, kAny, cb.max_retries),
                 r.DoubleField("retry_budget_percent", "a percentage", 0, 1e9,
                               cb.retry_budget_percent),
                 r.Uint32Field("retry_budget_min_concurrency", "a count", 0, kAny,
                               cb.retry_budget_min_concurrency)});
}

// The mapping's presence turns the detector on; "enabled: false" keeps the
// settings but turns it off.
void ReadOutlierDetection(YamlReader& r, const YAML::Node& node, const std::string& path,
                          OutlierDetection& od) {
  od.enabled = true;
  r.ReadMapping(
      node, path,
      {r.BoolField("enabled", od.enabled),
       r.Uint32Field("consecutive_5xx", "a count", 0, kAny, od.consecutive_5xx),
       r.Uint32Field("consecutive_gateway_errors", "a count", 0, kAny,
                     od.consecutive_gateway_errors),
       r.DurationField("interval", od.interval),
       r.DurationField("base_ejection_time", od.base_ejection_time),
       r.DurationField("max_ejection_time", od.max_ejection_time),
       r.Uint32Field("max_ejection_percent", "a percentage", 0, kAny, od.max_ejection_percent),
       r.BoolField("success_rate", od.success_rate),
       r.Uint32Field("success_rate_minimum_hosts", "a count", 0, kAny,
                     od.success_rate_minimum_hosts),
       r.Uint32Field("success_rate_request_volume", "a count", 0, kAny,
                     od.success_rate_request_volume),
       r.DoubleField("success_rate_stdev_factor", "a factor", 0, 1e6,
                     od.success_rate_stdev_factor)});
}

void ReadHealthCheck(YamlReader& r, const YAML::Node& node, const std::string& path,
                     HealthCheck& hc) {
  hc.enabled = true;
  r.ReadMapping(node, path,
                {r.BoolField("enabled", hc.enabled), r.StringField("http_path", hc.http_path),
                 r.DurationField("interval", hc.interval), r.DurationField("timeout", hc.timeout),
                 r.Uint32Field("healthy_threshold", "a count", 0, kAny, hc.healthy_threshold),
                 r.Uint32Field("unhealthy_threshold", "a count", 0, kAny,
                               hc.unhealthy_threshold)});
}

void ReadRetry(YamlReader& r, const YAML::Node& node, const std::string& path,
               RetryPolicy& retry) {
  r.ReadMapping(
      node, path,
      {r.Uint32Field("num_retries", "a retry count", 0, kAny, retry.num_retries),
       r.StringListField("retry_on", retry.retry_on),
       r.ListField<uint32_t>("retriable_status_codes", retry.retriable_status_codes,
                             [&r](const YAML::Node& n, const std::string& p, uint32_t& code) {
                               r.ReadUint32(n, p, "an HTTP status", 100, 599, code);
                             }),
       r.DurationField("backoff_base", retry.backoff_base),
       r.DurationField("backoff_max", retry.backoff_max),
       r.Uint32Field("max_replay_bytes", "a byte count", 0, kAny, retry.max_replay_bytes),
       r.BoolField("retry_non_idempotent", retry.retry_non_idempotent)});
}

// {header: name} | {cookie: name} | {source_ip: true}
void ReadHashPolicy(YamlReader& r, const YAML::Node& node, const std::string& path,
                    HashPolicy& hash) {
  std::vector<std::string> seen;
  auto option = [&](absl::string_view key, HashPolicy::Kind kind) {
    return Field{std::string(key), [&r, &hash, &seen, kind, key = std::string(key)](
                                       const YAML::Node& n, const std::string& p) {
                   seen.push_back(key);
                   hash.kind = kind;
                   if (kind != HashPolicy::Kind::kSourceIp) {
                     r.ReadString(n, p, hash.name);
                     return;
                   }
                   bool on = false;
                   if (r.ReadBool(n, p, on) && !on) {
                     r.Problem(n, p, "only \"source_ip: true\" is meaningful");
                   }
                 }};
  };
  if (!r.ReadMapping(node, path,
                     {option("header", HashPolicy::Kind::kHeader),
                      option("cookie", HashPolicy::Kind::kCookie),
                      option("source_ip", HashPolicy::Kind::kSourceIp)})) {
    return;
  }
  if (seen.size() != 1) {
    r.Problem(node, path,
              seen.empty() ? "needs one of header, cookie or source_ip"
                           : absl::StrCat("give only one of header, cookie or source_ip (got ",
                                          absl::StrJoin(seen, ", "), ")"));
  }
}

void ReadRateLimit(YamlReader& r, const YAML::Node& node, const std::string& path,
                   RateLimit& limit) {
  r.ReadMapping(node, path,
                {r.Uint32Field("max_tokens", "a token count", 0, kAny, limit.max_tokens),
                 r.Uint32Field("tokens_per_fill", "a token count", 0, kAny,
                               limit.tokens_per_fill),
                 r.DurationField("fill_interval", limit.fill_interval),
                 r.BoolField("per_source", limit.per_source)});
}

void ReadFault(YamlReader& r, const YAML::Node& node, const std::string& path,
               FaultInjection& fault) {
  auto status_field = [&r](absl::string_view key, int& out) {
    return Field{std::string(key), [&r, &out](const YAML::Node& n, const std::string& p) {
                   uint32_t value = 0;
                   if (r.ReadUint32(n, p, "a status code", 0, 999, value)) {
                     out = static_cast<int>(value);
                   }
                 }};
  };
  r.ReadMapping(node, path,
                {r.DoubleField("delay_percent", "a percentage", 0, 1e9, fault.delay_percent),
                 r.DurationField("delay", fault.delay),
                 r.DoubleField("abort_percent", "a percentage", 0, 1e9, fault.abort_percent),
                 status_field("abort_http_status", fault.abort_http_status),
                 status_field("abort_grpc_status", fault.abort_grpc_status)});
}

}  // namespace

std::vector<YamlReader::Field> ClusterResilienceFields(YamlReader& r, Cluster& cluster) {
  using Protocol = Cluster::HttpProtocol;
  return {
      r.EnumField<Protocol>("http_protocol", "an HTTP protocol",
                            {{"use_downstream", Protocol::kUseDownstream},
                             {"http1", Protocol::kHttp1},
                             {"http2", Protocol::kHttp2}},
                            cluster.http_protocol),
      MappingField("load_balancing",
                   [&r, &cluster](const YAML::Node& n, const std::string& p) {
                     ReadLoadBalancing(r, n, p, cluster.load_balancing);
                   }),
      MappingField("circuit_breakers",
                   [&r, &cluster](const YAML::Node& n, const std::string& p) {
                     ReadCircuitBreakers(r, n, p, cluster.circuit_breakers);
                   }),
      MappingField("outlier_detection",
                   [&r, &cluster](const YAML::Node& n, const std::string& p) {
                     ReadOutlierDetection(r, n, p, cluster.outlier_detection);
                   }),
      MappingField("health_check",
                   [&r, &cluster](const YAML::Node& n, const std::string& p) {
                     ReadHealthCheck(r, n, p, cluster.health_check);
                   }),
  };
}

std::vector<YamlReader::Field> RouteResilienceFields(YamlReader& r, Route& route) {
  return {
      MappingField("retry",
                   [&r, &route](const YAML::Node& n, const std::string& p) {
                     ReadRetry(r, n, p, route.retry);
                   }),
      r.ListField<HashPolicy>("hash_policy", route.hash_policy,
                              [&r](const YAML::Node& n, const std::string& p, HashPolicy& h) {
                                ReadHashPolicy(r, n, p, h);
                              }),
      MappingField("rate_limit",
                   [&r, &route](const YAML::Node& n, const std::string& p) {
                     ReadRateLimit(r, n, p, route.rate_limit);
                   }),
      MappingField("fault",
                   [&r, &route](const YAML::Node& n, const std::string& p) {
                     ReadFault(r, n, p, route.fault);
                   }),
  };
}

}  // namespace weft::config
