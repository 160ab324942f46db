#ifndef WEFT_PROXY_CONFIG_MODEL_H_
#define WEFT_PROXY_CONFIG_MODEL_H_

// The proxy's internal configuration model. Everything that configures the data
// plane (the static bootstrap file today, xDS later) is translated into these plain
// structs at the edge; the data plane never sees YAML or protobuf.
//
// A ProxyConfig is immutable once built: workers share it through
// std::shared_ptr<const ProxyConfig> and a new config replaces it whole.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "proxy/config/authz_model.h"
#include "proxy/config/tls_model.h"

namespace weft::config {

struct Endpoint {
  std::string address;  // an IPv4 or IPv6 literal
  uint16_t port = 0;
  uint32_t weight = 1;
  std::string zone;  // locality, for zone-aware balancing; empty when unknown

  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.address == b.address && a.port == b.port && a.weight == b.weight &&
           a.zone == b.zone;
  }
};

// How a cluster spreads requests over its endpoints.
struct LoadBalancing {
  enum class Policy {
    kRoundRobin,    // smooth weighted round robin
    kRandom,        // weighted random
    kLeastRequest,  // power of two choices on active requests / weight
    kPeakEwma,      // power of two choices on latency EWMA x load (Linkerd's default)
    kRingHash,      // consistent hashing (see Route::hash_policy)
    kMaglev,        // consistent hashing with an even spread
  };
  Policy policy = Policy::kRoundRobin;
  uint64_t ring_hash_min_size = 1024;
  uint64_t maglev_table_size = 65537;  // prime
  absl::Duration ewma_decay = absl::Seconds(10);
  // Below this share of available endpoints (percent), balance over all of
  // them rather than overload the few (0 disables).
  uint32_t panic_threshold_percent = 50;
  // Prefer endpoints in this proxy's zone while at least this share of them
  // (percent) is available; spill over to every zone otherwise. 0 disables.
  uint32_t locality_min_healthy_percent = 0;
};

// Per-cluster limits on one worker's concurrency; overflow fails fast with
// 503 circuit_open. 0 means no limit.
struct CircuitBreakers {
  uint32_t max_connections = 0;
  uint32_t max_pending_requests = 0;
  uint32_t max_requests = 0;
  uint32_t max_retries = 0;
  // Retries allowed while active retries < max(min_retry_concurrency,
  // budget_percent% of active requests). 0 percent: no budget (max_retries).
  double retry_budget_percent = 0;
  uint32_t retry_budget_min_concurrency = 3;
};

// Passive health: endpoints that fail are ejected for a while.
struct OutlierDetection {
  bool enabled = false;
  uint32_t consecutive_5xx = 5;              // 0 disables
  uint32_t consecutive_gateway_errors = 0;   // 502/503/504 and connect failures; 0 disables
  absl::Duration interval = absl::Seconds(10);
  absl::Duration base_ejection_time = absl::Seconds(30);
  absl::Duration max_ejection_time = absl::Seconds(300);
  uint32_t max_ejection_percent = 10;
  // Success-rate ejection (mean - stdev_factor * stdev), when enabled.
  bool success_rate = false;
  uint32_t success_rate_minimum_hosts = 5;
  uint32_t success_rate_request_volume = 100;
  double success_rate_stdev_factor = 1.9;
};

// Active health checking: an HTTP GET of `http_path` (2xx healthy) or, when
// empty, a TCP connect.
struct HealthCheck {
  bool enabled = false;
  std::string http_path;
  absl::Duration interval = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(1);
  uint32_t healthy_threshold = 2;
  uint32_t unhealthy_threshold = 3;
};

struct Cluster {
  enum class Type {
    kStatic,       // the listed endpoints
    kOriginalDst,  // the connection's original destination (captured traffic)
    kEds,          // endpoints assigned by the control plane; may be none for a while
  };
  std::string name;
  Type type = Type::kStatic;
  std::vector<Endpoint> endpoints;
  absl::Duration connect_timeout = absl::Seconds(1);
  // Idle keep-alive connections kept per endpoint and worker.
  uint32_t max_idle_connections = 64;
  absl::Duration idle_timeout = absl::Seconds(60);
  // The protocol of HTTP requests towards the endpoints. kUseDownstream keeps
  // the client's (an HTTP/1.1 request that another sidecar carried over HTTP/2
  // is turned back into HTTP/1.1). Upgrade requests (WebSocket) always use
  // HTTP/1.1.
  enum class HttpProtocol { kUseDownstream, kHttp1, kHttp2 };
  HttpProtocol http_protocol = HttpProtocol::kUseDownstream;
  LoadBalancing load_balancing;
  CircuitBreakers circuit_breakers;
  OutlierDetection outlier_detection;
  HealthCheck health_check;
  // Originate mTLS to the endpoints (they run sidecars); none: plaintext.
  std::optional<UpstreamTls> tls;
};

// How a route matches the request path (query string removed).
enum class PathMatchType {
  // Gateway API PathPrefix: whole segments, so "/foo" matches "/foo", "/foo/" and
  // "/foo/bar" but not "/foobar"; a trailing "/" in the prefix is ignored. This
  // is Envoy's `path_separated_prefix` (and its `prefix` when the value ends in "/").
  kPrefix,
  // Envoy's `prefix`: plain string prefix, "/foo" also matches "/foobar".
  kStringPrefix,
  kExact,  // the whole path equals `path`
  kRegex,  // RE2 `path` matches the whole path
};

// How a header or query parameter value is compared.
enum class ValueMatchType {
  kExact,    // equals `value` (case-sensitive)
  kRegex,    // RE2 `value` matches the whole value
  kPresent,  // present with any value; `value` unused
};

// One header of the request. Names are case-insensitive; the pseudo-header names
// ":method", ":authority" (also "host"), ":path" and ":scheme" match those parts of
// the request head. A header given more than once is matched by its first value.
struct HeaderMatch {
  std::string name;
  ValueMatchType type = ValueMatchType::kExact;
  std::string value;
};

// One query parameter. Names are case-sensitive, values are compared as they
// appear in the URL (not percent-decoded); a parameter given more than once is
// matched by its first value.
struct QueryParamMatch {
  std::string name;
  ValueMatchType type = ValueMatchType::kExact;
  std::string value;
};

// Everything a route asks of a request; all conditions must hold.
struct RouteMatch {
  PathMatchType path_type = PathMatchType::kPrefix;
  std::string path_prefix = "/";  // kPrefix, kStringPrefix
  std::string path;               // kExact: the path; kRegex: an RE2 pattern
  std::string method;             // empty: any method (case-sensitive, "GET")
  std::vector<HeaderMatch> headers;
  std::vector<QueryParamMatch> query_params;
};

struct WeightedCluster {
  std::string name;
  uint32_t weight = 1;
};

// One header a route adds or sets on the request or the response.
struct HeaderToAdd {
  enum class Action {
    kAppend,       // add another field even if one exists (Gateway "add")
    kOverwrite,    // replace every field of that name (Gateway "set")
    kAddIfAbsent,  // only when no field of that name exists
  };
  std::string name;
  std::string value;
  Action action = Action::kAppend;
};

// Header changes, applied in this order: remove, then add/set.
struct HeaderMutation {
  std::vector<std::string> remove;
  std::vector<HeaderToAdd> add;

  bool empty() const { return remove.empty() && add.empty(); }
};

// Answers the request with a redirect instead of forwarding it. Empty fields
// keep the request's value.
struct RedirectAction {
  std::string scheme;  // "http", "https"
  std::string host;    // without port
  // 0: the request's port, or none when `scheme` changes (the scheme's default);
  // 80 with http and 443 with https are never written into the Location.
  uint16_t port = 0;
  std::string path;            // replaces the whole path
  std::string prefix_rewrite;  // replaces the matched path prefix (prefix routes)
  bool strip_query = false;
  int status = 302;  // 301, 302, 303, 307 or 308
};

// Answers the request locally with a fixed response.
struct DirectResponseAction {
  int status = 200;
  std::string body;  // sent as text/plain when not empty
};

// When and how a route retries a failed attempt.
struct RetryPolicy {
  uint32_t num_retries = 0;  // 0: no retries
  // Envoy's retry_on names: "5xx", "gateway-error", "reset", "connect-failure",
  // "refused-stream", "retriable-status-codes", and gRPC's "cancelled",
  // "deadline-exceeded", "internal", "resource-exhausted", "unavailable".
  std::vector<std::string> retry_on;
  std::vector<uint32_t> retriable_status_codes;
  // (The per-try timeout is Route::per_try_timeout.)
  absl::Duration backoff_base = absl::Milliseconds(25);
  absl::Duration backoff_max = absl::Milliseconds(250);
  // Request bodies up to this size are kept for replay; larger ones are not retried.
  uint32_t max_replay_bytes = 64 * 1024;
  bool retry_non_idempotent = false;  // POST, PATCH... (gRPC is retried per retry_on)
};

// What a consistent-hash load balancer hashes for a request (first one present).
struct HashPolicy {
  enum class Kind { kHeader, kCookie, kSourceIp };
  Kind kind = Kind::kHeader;
  std::string name;  // header or cookie name
};

// Local rate limiting: a token bucket per worker and route (and, with
// per_source, per caller identity/address), 429 + retry-after when empty.
struct RateLimit {
  uint32_t max_tokens = 0;       // 0: no limit
  uint32_t tokens_per_fill = 0;
  absl::Duration fill_interval = absl::Seconds(1);
  bool per_source = false;
};

// Chaos testing: delay or abort a share of requests.
struct FaultInjection {
  double delay_percent = 0;
  absl::Duration delay = absl::ZeroDuration();
  double abort_percent = 0;
  int abort_http_status = 0;  // one of the two when abort_percent > 0
  int abort_grpc_status = -1;
};

struct Route {
  // For logs and /config_dump; may be empty.
  std::string name;
  RouteMatch match;

  // The action is the redirect if set, else the direct response if set, else
  // forwarding to the cluster(s) below.
  std::optional<RedirectAction> redirect;
  std::optional<DirectResponseAction> direct_response;

  // Either one cluster, or a weighted split (canary, blue-green): each request
  // goes to one of `weighted_clusters` with probability weight / sum.
  std::string cluster;
  std::vector<WeightedCluster> weighted_clusters;
  absl::Duration timeout = absl::Seconds(15);  // until the response starts; zero = none
  // One attempt's limit, for retries; zero = none.
  absl::Duration per_try_timeout = absl::ZeroDuration();
  RetryPolicy retry;
  std::vector<HashPolicy> hash_policy;
  RateLimit rate_limit;
  FaultInjection fault;

  // Forwarding only: rewrites before the request goes upstream. At most one of
  // the path rewrites is set.
  std::string host_rewrite;    // new :authority / Host
  std::string prefix_rewrite;  // replaces the matched prefix (prefix routes)
  std::string path_rewrite;    // replaces the whole path (query kept)

  // Applied to every request this route matches (also redirects' and direct
  // responses' responses).
  HeaderMutation request_headers;
  HeaderMutation response_headers;

  bool forwards() const { return !redirect.has_value() && !direct_response.has_value(); }
};

struct VirtualHost {
  std::string name;
  // Host header values (with or without ":port"); "*" matches any host, and a
  // leading "*." matches any subdomain.
  std::vector<std::string> domains;
  // First match wins, in this order: xDS sends routes already in precedence order
  // (the control plane sorts Gateway API rules), and a bootstrap file's routes
  // are tried as written.
  std::vector<Route> routes;
};

struct RouteConfig {
  std::string name;
  std::vector<VirtualHost> virtual_hosts;
};

enum class Protocol {
  kAuto,  // sniff the first bytes: HTTP/1.x is proxied as HTTP, the rest as TCP
  kHttp,
  kTcp,
};

// An IP network: "10.96.0.0/16", "fd00::/8", or one address with its full length.
struct CidrRange {
  std::string address;
  uint32_t prefix_length = 0;

  friend bool operator==(const CidrRange& a, const CidrRange& b) {
    return a.address == b.address && a.prefix_length == b.prefix_length;
  }
};

// How connections to some destinations are handled, chosen per connection by its
// (original) destination: the most specific match wins (an address match beats
// none, a longer prefix beats a shorter one, a port match beats none); a
// connection that matches no chain uses the listener's own settings. This is how
// one captured listener carries every service of the mesh: a chain per service
// VIP and port.
struct FilterChain {
  std::string name;
  std::vector<CidrRange> destination_prefixes;  // empty: any address
  uint16_t destination_port = 0;                // 0: any port
  Protocol protocol = Protocol::kAuto;
  std::string route_config;  // HTTP routing; unmatched requests go to `cluster`
  std::string cluster;       // TCP, and HTTP without a matching route
  // mTLS (tls_model.h): which connections the chain is for, whether it
  // terminates mTLS, and whether it refuses them (plaintext to a STRICT port).
  TransportMatch transport = TransportMatch::kAny;
  std::optional<DownstreamTls> tls;
  bool refuse_plaintext = false;
  // Who may send HTTP requests through this chain (inbound); empty: anyone.
  Authorization authz;
};

struct Listener {
  using Protocol = config::Protocol;
  std::string name;
  std::string address = "0.0.0.0";
  uint16_t port = 0;
  // Recover the destination the client meant (SO_ORIGINAL_DST) for connections
  // redirected here by iptables.
  bool original_dst = false;
  Protocol protocol = Protocol::kAuto;
  // Destination ports always treated as opaque TCP (server-first protocols).
  std::vector<uint16_t> opaque_ports;
  // How long kAuto waits for the client's first bytes before falling back to TCP.
  absl::Duration detection_timeout = absl::Milliseconds(500);
  // HTTP requests go through this route config; unmatched requests and TCP go to
  // `default_cluster`.
  std::string route_config;
  std::string default_cluster;
  // Authorization of HTTP requests on connections that match no chain.
  Authorization authz;
  absl::Duration idle_timeout = absl::Seconds(300);
  // An HTTP stream (request or response in progress) with no bytes either way
  // for this long is ended (504 stream_idle_timeout before the response, a
  // reset after it). Zero: none.
  absl::Duration stream_idle_timeout = absl::Seconds(300);
  // Per-destination handling; see FilterChain. The fields above (protocol,
  // route_config, default_cluster) apply to connections that match no chain.
  std::vector<FilterChain> filter_chains;
  // Limit on one request's header block; larger gets 431.
  uint32_t max_request_headers_bytes = 60 * 1024;
  // Bytes buffered per direction before the proxy stops reading the other side.
  uint32_t buffer_limit_bytes = 1024 * 1024;
};

struct Admin {
  std::string address = "127.0.0.1";
  uint16_t port = 15000;
};

// Where dynamic configuration comes from (the control plane's ADS). Empty server:
// the bootstrap file is all there is.
struct Xds {
  std::string server;  // "host:port"
  std::string node_id;  // "<namespace>/<workload>"
  std::string node_cluster;  // the service this proxy belongs to
  std::string zone;          // this proxy's locality zone (zone-aware balancing)
  std::vector<std::pair<std::string, std::string>> metadata;  // Node.metadata strings
};

// What the proxy tells operators about the traffic it carries.
struct Observability {
  // Prometheus text format on http://<metrics_address>:<metrics_port>/metrics.
  std::string metrics_address = "0.0.0.0";
  uint16_t metrics_port = 15020;  // 0: no metrics listener
  // One JSON line per request: a file path, "stdout", or empty for none.
  std::string access_log_path;
  double access_log_sample_ratio = 1.0;  // errors are always logged
  // Propagate W3C traceparent / B3 headers, starting a trace when none came.
  bool tracing = true;
  // The labeled per-request families (weft_requests_total...). Off leaves the
  // plain counters (listener.*, cluster.*) only.
  bool request_metrics = true;
};

struct ProxyConfig {
  Admin admin;
  Observability observability;
  Xds xds;
  std::vector<Listener> listeners;
  std::vector<RouteConfig> route_configs;
  std::vector<Cluster> clusters;
  // The roots peers' certificates are verified against (PEM, possibly several
  // during a root rotation), from SDS; empty: the CA's answer decides.
  std::string trust_bundle_pem;
  // Where this config came from, shown in /config_dump ("file:/etc/..." or an
  // xDS version).
  std::string source;

  const Cluster* FindCluster(const std::string& name) const;
  const RouteConfig* FindRouteConfig(const std::string& name) const;
};

using ProxyConfigPtr = std::shared_ptr<const ProxyConfig>;

// True when the two clusters differ at most in their endpoints (so an update can
// keep the cluster and its connection pools).
bool SameExceptEndpoints(const Cluster& a, const Cluster& b);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_MODEL_H_
