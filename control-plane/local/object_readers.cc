// Metadata, Service, Workload, EndpointSlice and TrafficPolicy readers (routes:
// route_readers.cc).

#include "control-plane/local/object_readers.h"

#include "control-plane/local/manifest_fields.h"

namespace weft::control_plane::local {

using config::YamlReader;

void ReadMetadata(YamlReader& reader, const YAML::Node& node, const std::string& path,
                  ObjectMeta& meta) {
  reader.ReadMapping(
      node, path,
      {reader.StringField("name", meta.name), reader.StringField("namespace", meta.ns),
       LabelsField(reader, "labels", meta.labels),
       LabelsField(reader, "annotations", meta.annotations),
       // Written by the API server; harmless in a manifest.
       IgnoredField("uid"), IgnoredField("resourceVersion"), IgnoredField("generation"),
       IgnoredField("creationTimestamp"), IgnoredField("managedFields"),
       IgnoredField("ownerReferences"), IgnoredField("finalizers"), IgnoredField("selfLink"),
       IgnoredField("generateName"), IgnoredField("deletionTimestamp"),
       IgnoredField("deletionGracePeriodSeconds")});
}

void ReadServiceSpec(YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Service& service) {
  auto read_port = [&reader](const YAML::Node& n, const std::string& p, ServicePort& port) {
    reader.ReadMapping(
        n, p,
        {reader.StringField("name", port.name), Int32Field(reader, "port", port.port),
         IntOrStringField(reader, "targetPort", port.target_port, port.target_port_name),
         reader.StringField("protocol", port.transport),
         reader.StringField("appProtocol", port.app_protocol), IgnoredField("nodePort")});
  };
  reader.ReadMapping(node, path,
                     {reader.ListField<ServicePort>("ports", service.ports, read_port),
                      LabelsField(reader, "selector", service.selector),
                      reader.StringField("clusterIP", service.cluster_ip),
                      // Standard fields that do not change how the mesh routes.
                      IgnoredField("type"), IgnoredField("clusterIPs"), IgnoredField("ipFamilies"),
                      IgnoredField("ipFamilyPolicy"), IgnoredField("sessionAffinity"),
                      IgnoredField("sessionAffinityConfig"), IgnoredField("externalTrafficPolicy"),
                      IgnoredField("internalTrafficPolicy"), IgnoredField("externalIPs"),
                      IgnoredField("externalName"), IgnoredField("loadBalancerIP"),
                      IgnoredField("loadBalancerSourceRanges"), IgnoredField("loadBalancerClass"),
                      IgnoredField("publishNotReadyAddresses"), IgnoredField("healthCheckNodePort"),
                      IgnoredField("allocateLoadBalancerNodePorts")});
}

void ReadWorkloadSpec(YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Workload& workload) {
  auto read_port = [&reader](const YAML::Node& n, const std::string& p, WorkloadPort& port) {
    reader.ReadMapping(
        n, p, {reader.StringField("name", port.name), Int32Field(reader, "port", port.port)});
  };
  auto read_locality = [&reader](const YAML::Node& n, const std::string& p, Locality& l) {
    reader.ReadMapping(
        n, p, {reader.StringField("region", l.region), reader.StringField("zone", l.zone)});
  };
  reader.ReadMapping(node, path,
                     {reader.StringField("address", workload.address),
                      reader.StringField("serviceAccount", workload.service_account),
                      StructField<Locality>("locality", workload.locality, read_locality),
                      reader.BoolField("ready", workload.ready),
                      reader.BoolField("sidecar", workload.sidecar),
                      reader.ListField<WorkloadPort>("ports", workload.ports, read_port)});
}

std::vector<YamlReader::Field> EndpointSliceFields(YamlReader& reader, EndpointSlice& slice) {
  auto optional_bool = [&reader](absl::string_view key, std::optional<bool>& out) {
    return YamlReader::Field{std::string(key),
                             [&reader, &out](const YAML::Node& n, const std::string& p) {
                               bool value = false;
                               if (reader.ReadBool(n, p, value)) out = value;
                             }};
  };
  auto read_target = [&reader](const YAML::Node& n, const std::string& p, SliceEndpoint& e) {
    std::string kind, name;
    reader.ReadMapping(n, p,
                       {reader.StringField("kind", kind), reader.StringField("name", name),
                        IgnoredField("namespace"), IgnoredField("apiVersion"), IgnoredField("uid"),
                        IgnoredField("resourceVersion"), IgnoredField("fieldPath")});
    if (kind == "Pod" || kind == "Workload") e.target_workload = name;
  };
  auto read_endpoint = [&reader, optional_bool, read_target](
                           const YAML::Node& n, const std::string& p, SliceEndpoint& e) {
    auto read_conditions = [&reader, &e, optional_bool](const YAML::Node& c,
                                                        const std::string& cp) {
      reader.ReadMapping(c, cp,
                         {optional_bool("ready", e.ready), optional_bool("serving", e.serving),
                          reader.BoolField("terminating", e.terminating)});
    };
    reader.ReadMapping(
        n, p,
        {reader.StringListField("addresses", e.addresses),
         YamlReader::Field{"conditions", read_conditions}, reader.StringField("zone", e.zone),
         YamlReader::Field{"targetRef",
                           [&e, read_target](const YAML::Node& t, const std::string& tp) {
                             read_target(t, tp, e);
                           }},
         // Standard fields that do not change how the mesh routes.
         IgnoredField("hostname"), IgnoredField("nodeName"), IgnoredField("hints"),
         IgnoredField("deprecatedTopology")});
  };
  auto read_port = [&reader](const YAML::Node& n, const std::string& p, SlicePort& port) {
    reader.ReadMapping(
        n, p,
        {reader.StringField("name", port.name), Int32Field(reader, "port", port.port),
         reader.StringField("protocol", port.transport), IgnoredField("appProtocol")});
  };
  return {reader.StringField("addressType", slice.address_type),
          reader.ListField<SliceEndpoint>("endpoints", slice.endpoints, read_endpoint),
          reader.ListField<SlicePort>("ports", slice.ports, read_port)};
}

// Field names and enum values are those of api/crds/trafficpolicy.yaml (see also
// docs/control-plane.md); keep the three in step.
void ReadTrafficPolicySpec(YamlReader& reader, const YAML::Node& node, const std::string& path,
                           TrafficPolicy& policy) {
  auto read_target = [&reader](const YAML::Node& n, const std::string& p, PolicyTargetRef& t) {
    reader.ReadMapping(n, p,
                       {reader.StringField("group", t.group), reader.StringField("kind", t.kind),
                        reader.StringField("name", t.name)});
  };
  auto read_hash_key = [&reader](const YAML::Node& n, const std::string& p, HashKey& key) {
    reader.ReadMapping(n, p,
                       {reader.StringField("header", key.header),
                        reader.StringField("cookie", key.cookie),
                        reader.BoolField("sourceIP", key.source_ip)});
  };
  auto read_lb = [&reader, read_hash_key](const YAML::Node& n, const std::string& p,
                                          LoadBalancerPolicy& lb) {
    reader.ReadMapping(
        n, p,
        {reader.EnumField<LoadBalancerType>("type", "a load balancer type", LoadBalancerTypeNames(),
                                            lb.type),
         OptionalStructField<HashKey>("hashKey", lb.hash_key, read_hash_key),
         OptionalInt64Field(reader, "minimumRingSize", lb.minimum_ring_size),
         OptionalStructField<ZoneAwarePolicy>(
             "zoneAware", lb.zone_aware,
             [&reader](const YAML::Node& zn, const std::string& zp, ZoneAwarePolicy& zone) {
               reader.ReadMapping(
                   zn, zp, {Int64Field(reader, "minHealthyPercent", zone.min_healthy_percent)});
             })});
  };
  auto read_retries = [&reader](const YAML::Node& n, const std::string& p, RetryPolicy& r) {
    auto read_backoff = [&reader](const YAML::Node& bn, const std::string& bp, RetryPolicy& rr) {
      reader.ReadMapping(bn, bp,
                         {reader.DurationField("baseInterval", rr.backoff_base_interval),
                          reader.DurationField("maxInterval", rr.backoff_max_interval)});
    };
    auto read_budget = [&reader](const YAML::Node& bn, const std::string& bp,
                                 RetryBudgetPolicy& b) {
      reader.ReadMapping(
          bn, bp,
          {reader.DoubleField("percent", "a percentage", 0, 100, b.percent),
           Int32Field(reader, "minRetryConcurrency", b.min_retry_concurrency)});
    };
    reader.ReadMapping(n, p,
                       {Int32Field(reader, "attempts", r.attempts),
                        OptionalDurationField(reader, "perTryTimeout", r.per_try_timeout),
                        reader.StringListField("retryOn", r.retry_on),
                        StructField<RetryPolicy>("backoff", r, read_backoff),
                        OptionalStructField<RetryBudgetPolicy>("budget", r.budget, read_budget)});
  };
  auto read_timeouts = [&reader](const YAML::Node& n, const std::string& p, TimeoutPolicy& t) {
    reader.ReadMapping(n, p,
                       {OptionalDurationField(reader, "request", t.request),
                        OptionalDurationField(reader, "connect", t.connect),
                        OptionalDurationField(reader, "idle", t.idle)});
  };
  auto read_cb = [&reader](const YAML::Node& n, const std::string& p, CircuitBreakerPolicy& c) {
    reader.ReadMapping(n, p,
                       {OptionalInt32Field(reader, "maxConnections", c.max_connections),
                        OptionalInt32Field(reader, "maxPendingRequests", c.max_pending_requests),
                        OptionalInt32Field(reader, "maxRequests", c.max_requests),
                        OptionalInt32Field(reader, "maxRetries", c.max_retries)});
  };
  auto read_od = [&reader](const YAML::Node& n, const std::string& p, OutlierDetectionPolicy& o) {
    reader.ReadMapping(
        n, p,
        {Int32Field(reader, "consecutive5xx", o.consecutive_5xx),
         OptionalInt32Field(reader, "consecutiveGatewayErrors", o.consecutive_gateway_errors),
         reader.DurationField("interval", o.interval),
         reader.DurationField("baseEjectionTime", o.base_ejection_time),
         reader.DurationField("maxEjectionTime", o.max_ejection_time),
         Int32Field(reader, "maxEjectionPercent", o.max_ejection_percent)});
  };
  auto read_rate = [&reader](const YAML::Node& n, const std::string& p, RateLimitPolicy& r) {
    reader.ReadMapping(n, p,
                       {Int64Field(reader, "requestsPerUnit", r.requests_per_unit),
                        reader.EnumField<absl::Duration>("unit", "a rate limit unit",
                                                         {{"Second", absl::Seconds(1)},
                                                          {"Minute", absl::Minutes(1)},
                                                          {"Hour", absl::Hours(1)}},
                                                         r.unit),
                        reader.BoolField("perSource", r.per_source)});
  };
  auto read_fault = [&reader](const YAML::Node& n, const std::string& p,
                              FaultInjectionPolicy& f) {
    auto read_delay = [&reader](const YAML::Node& dn, const std::string& dp,
                                FaultDelayPolicy& d) {
      reader.ReadMapping(dn, dp,
                         {reader.DoubleField("percent", "a percentage", 0, 100, d.percent),
                          reader.DurationField("fixedDelay", d.fixed_delay)});
    };
    auto read_abort = [&reader](const YAML::Node& an, const std::string& ap,
                                FaultAbortPolicy& a) {
      reader.ReadMapping(an, ap,
                         {reader.DoubleField("percent", "a percentage", 0, 100, a.percent),
                          OptionalInt32Field(reader, "httpStatus", a.http_status),
                          OptionalInt32Field(reader, "grpcStatus", a.grpc_status)});
    };
    reader.ReadMapping(n, p,
                       {OptionalStructField<FaultDelayPolicy>("delay", f.delay, read_delay),
                        OptionalStructField<FaultAbortPolicy>("abort", f.abort, read_abort)});
  };
  reader.ReadMapping(
      node, path,
      {StructField<PolicyTargetRef>("targetRef", policy.target_ref, read_target),
       OptionalStructField<LoadBalancerPolicy>("loadBalancer", policy.load_balancer, read_lb),
       OptionalStructField<RetryPolicy>("retries", policy.retries, read_retries),
       OptionalStructField<TimeoutPolicy>("timeouts", policy.timeouts, read_timeouts),
       OptionalStructField<CircuitBreakerPolicy>("circuitBreaker", policy.circuit_breaker, read_cb),
       OptionalStructField<OutlierDetectionPolicy>("outlierDetection", policy.outlier_detection,
                                                   read_od),
       OptionalStructField<RateLimitPolicy>("rateLimit", policy.rate_limit, read_rate),
       OptionalStructField<FaultInjectionPolicy>("faultInjection", policy.fault_injection,
                                                 read_fault)});
}

}  // namespace weft::control_plane::local
