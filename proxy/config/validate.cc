#include "proxy/config/validate.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "proxy/config/validate_resilience.h"
#include "proxy/config/validate_tls.h"
#include "re2/re2.h"

namespace weft::config {
namespace {

// An IP literal in network byte order, comparable regardless of how it was
// spelled ("::" and "0::0" are the same address).
struct IpLiteral {
  int family = AF_INET;
  std::array<unsigned char, 16> bytes{};

  bool IsUnspecified() const {
    const size_t length = family == AF_INET ? 4 : 16;
    for (size_t i = 0; i < length; ++i) {
      if (bytes[i] != 0) return false;
    }
    return true;
  }
  std::string Key() const {
    return std::string(reinterpret_cast<const char*>(bytes.data()),
                       family == AF_INET ? 4 : 16);
  }
};

std::optional<IpLiteral> ParseIpLiteral(const std::string& text) {
  IpLiteral ip;
  if (inet_pton(AF_INET, text.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, text.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

std::string HostPort(const std::string& address, uint16_t port) {
  if (address.find(':') != std::string::npos) return absl::StrCat("[", address, "]:", port);
  return absl::StrCat(address, ":", port);
}

// A socket some part of the config binds; used to find listeners that cannot all
// bind (the same address and port, or a wildcard address and a specific one of the
// same family on one port).
struct Binding {
  std::string owner;  // "admin" or "listeners[2]"
  std::string address;
  IpLiteral ip;
  uint16_t port = 0;
};

class Validator {
 public:
  Validator(const ProxyConfig& config, const ValidationScope& scope, ProblemList& problems)
      : config_(config), scope_(scope), problems_(problems) {}

  void Run() {
    IndexNames();
    CheckAdmin();
    for (size_t i = 0; i < config_.listeners.size(); ++i) {
      CheckListener(config_.listeners[i], IndexPath("listeners", i));
    }
    for (size_t i = 0; i < config_.route_configs.size(); ++i) {
      CheckRouteConfig(config_.route_configs[i], IndexPath("route_configs", i));
    }
    for (size_t i = 0; i < config_.clusters.size(); ++i) {
      CheckCluster(config_.clusters[i], IndexPath("clusters", i));
    }
  }

 private:
  void Problem(const std::string& path, std::string message) {
    problems_.Add(path, std::move(message));
  }

  // Records names and reports empty and duplicate ones.
  template <typename T>
  void IndexNamesOf(const std::vector<T>& items, absl::string_view list, absl::string_view what,
                    absl::flat_hash_map<std::string, size_t>& index) {
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = ChildPath(IndexPath(list, i), "name");
      const std::string& name = items[i].name;
      if (name.empty()) {
        Problem(path, "required: every " + std::string(what) + " needs a name");
        continue;
      }
      auto [it, inserted] = index.emplace(name, i);
      if (!inserted) {
        Problem(path, absl::StrFormat("duplicate %s name \"%s\" (also %s)", what, name,
                                      IndexPath(list, it->second)));
      }
    }
  }

  void IndexNames() {
    IndexNamesOf(config_.listeners, "listeners", "listener", listener_names_);
    IndexNamesOf(config_.route_configs, "route_configs", "route config", route_config_names_);
    IndexNamesOf(config_.clusters, "clusters", "cluster", cluster_names_);
  }

  void CheckClusterReference(const std::string& path, const std::string& name) {
    if (name.empty()) {
      Problem(path, "required: the name of a cluster");
    } else if (scope_.check_cluster_references && !cluster_names_.contains(name)) {
      Problem(path, absl::StrFormat("unknown cluster \"%s\"", name));
    }
  }

  std::optional<IpLiteral> CheckAddress(const std::string& path, const std::string& address) {
    std::optional<IpLiteral> ip = ParseIpLiteral(address);
    if (!ip.has_value()) {
      Problem(path, absl::StrFormat("\"%s\" is not an IP address (an IPv4 or IPv6 literal)",
                                    absl::CHexEscape(address)));
    }
    return ip;
  }

  bool CheckPort(const std::string& path, uint16_t port) {
    if (port == 0) {
      Problem(path, "required: a port (1-65535)");
      return false;
    }
    return true;
  }

  void CheckDuration(const std::string& path, absl::Duration value, bool zero_allowed) {
    if (value == absl::InfiniteDuration() || value == -absl::InfiniteDuration()) {
      Problem(path, "must be a finite duration");
    } else if (value < absl::ZeroDuration()) {
      Problem(path, absl::StrCat("must not be negative (got ", absl::FormatDuration(value), ")"));
    } else if (value == absl::ZeroDuration() && !zero_allowed) {
      Problem(path, "must be greater than zero");
    }
  }

  void CheckRange(const std::string& path, uint32_t value, uint32_t min, uint32_t max) {
    if (value < min || value > max) {
      Problem(path, absl::StrFormat("%u is out of range (%u-%u)", value, min, max));
    }
  }

  // Reports `binding` if it cannot be bound next to the ones seen before.
  void CheckBinding(const std::string& path, Binding binding) {
    for (const Binding& other : bindings_) {
      if (other.port != binding.port || other.ip.family != binding.ip.family) continue;
      if (other.ip.Key() == binding.ip.Key()) {
        Problem(path, absl::StrFormat("%s is already used by %s",
                                      HostPort(binding.address, binding.port), other.owner));
        return;
      }
      if (other.ip.IsUnspecified() || binding.ip.IsUnspecified()) {
        Problem(path, absl::StrFormat("%s overlaps %s (%s): a wildcard address takes the "
                                      "port on every address of its family",
                                      HostPort(binding.address, binding.port), other.owner,
                                      HostPort(other.address, other.port)));
        return;
      }
    }
    bindings_.push_back(std::move(binding));
  }

  void CheckXds() {
    const Xds& xds = config_.xds;
    if (xds.server.empty()) {
      if (!xds.node_id.empty()) Problem("xds.server", "required when xds.node_id is set");
      return;
    }
    const size_t colon = xds.server.rfind(':');
    uint32_t port = 0;
    if (colon == std::string::npos || colon == 0 ||
        !absl::SimpleAtoi(xds.server.substr(colon + 1), &port) || port == 0 || port > 65535) {
      Problem("xds.server",
              absl::StrFormat("\"%s\" is not host:port (e.g. 127.0.0.1:15010)", xds.server));
    }
    if (xds.node_id.empty()) {
      Problem("xds.node_id", "required: the control plane knows proxies by it (namespace/workload)");
    }
  }

  void CheckAdmin() {
    CheckXds();
    const std::optional<IpLiteral> ip = CheckAddress("admin.address", config_.admin.address);
    const bool port_ok = CheckPort("admin.port", config_.admin.port);
    if (ip.has_value() && port_ok) {
      CheckBinding("admin.port", Binding{"admin", config_.admin.address, *ip, config_.admin.port});
    }
  }

  void CheckListener(const Listener& listener, const std::string& path) {
    const std::optional<IpLiteral> ip =
        CheckAddress(ChildPath(path, "address"), listener.address);
    const bool port_ok = CheckPort(ChildPath(path, "port"), listener.port);
    if (ip.has_value() && port_ok) {
      CheckBinding(ChildPath(path, "port"), Binding{path, listener.address, *ip, listener.port});
    }

    if (!listener.route_config.empty()) {
      const std::string route_path = ChildPath(path, "route_config");
      if (listener.protocol == Listener::Protocol::kTcp) {
        Problem(route_path,
                "a tcp listener never routes HTTP; remove route_config or set protocol to "
                "http or auto");
      } else if (scope_.check_route_config_references &&
                 !route_config_names_.contains(listener.route_config)) {
        Problem(route_path,
                absl::StrFormat("unknown route config \"%s\"", listener.route_config));
      }
    }
    const bool routes_everything =
        listener.protocol == Listener::Protocol::kHttp && !listener.route_config.empty();
    const std::string default_path = ChildPath(path, "default_cluster");
    if (listener.default_cluster.empty()) {
      if (!routes_everything) {
        Problem(default_path,
                "required unless protocol is http with a route_config (TCP and unrouted "
                "requests go there)");
      }
    } else {
      CheckClusterReference(default_path, listener.default_cluster);
    }

    absl::flat_hash_set<uint16_t> opaque;
    for (size_t j = 0; j < listener.opaque_ports.size(); ++j) {
      const std::string port_path = IndexPath(ChildPath(path, "opaque_ports"), j);
      const uint16_t port = listener.opaque_ports[j];
      if (!CheckPort(port_path, port)) continue;
      if (!opaque.insert(port).second) {
        Problem(port_path, absl::StrCat("duplicate port ", port));
      }
    }
    absl::flat_hash_set<std::string> chain_names;
    for (size_t j = 0; j < listener.filter_chains.size(); ++j) {
      const FilterChain& chain = listener.filter_chains[j];
      const std::string chain_path = IndexPath(ChildPath(path, "filter_chains"), j);
      CheckFilterChain(chain, chain_path, listener.default_cluster);
      if (!chain.name.empty() && !chain_names.insert(chain.name).second) {
        Problem(ChildPath(chain_path, "name"),
                absl::StrFormat("duplicate filter chain name \"%s\"", chain.name));
      }
    }
    CheckDuration(ChildPath(path, "detection_timeout"), listener.detection_timeout, false);
    CheckDuration(ChildPath(path, "idle_timeout"), listener.idle_timeout, false);
    CheckRange(ChildPath(path, "max_request_headers_bytes"), listener.max_request_headers_bytes,
               kMinRequestHeadersBytes, kMaxRequestHeadersBytes);
    CheckRange(ChildPath(path, "buffer_limit_bytes"), listener.buffer_limit_bytes,
               kMinBufferLimitBytes, kMaxBufferLimitBytes);
  }

  void CheckFilterChain(const FilterChain& chain, const std::string& path,
                        const std::string& listener_default_cluster) {
    if (chain.name.empty()) Problem(ChildPath(path, "name"), "required");
    for (size_t k = 0; k < chain.destination_prefixes.size(); ++k) {
      const CidrRange& range = chain.destination_prefixes[k];
      const std::optional<IpLiteral> ip = ParseIpLiteral(range.address);
      const std::string range_path = IndexPath(ChildPath(path, "destination_prefixes"), k);
      if (!ip.has_value()) {
        Problem(range_path, absl::StrFormat("\"%s\" is not an IP address", range.address));
      } else if (range.prefix_length > (range.address.find(':') == std::string::npos ? 32u : 128u)) {
        Problem(range_path, absl::StrFormat("prefix length %u is too long for %s",
                                            range.prefix_length, range.address));
      }
    }
    if (!chain.route_config.empty()) {
      const std::string route_path = ChildPath(path, "route_config");
      if (chain.protocol == Protocol::kTcp) {
        Problem(route_path, "a tcp filter chain never routes HTTP; remove route_config or set "
                            "protocol to http or auto");
      } else if (scope_.check_route_config_references &&
                 !route_config_names_.contains(chain.route_config)) {
        Problem(route_path, absl::StrFormat("unknown route config \"%s\"", chain.route_config));
      }
    }
    const bool routes_everything = chain.protocol == Protocol::kHttp && !chain.route_config.empty();
    AppendFilterChainTlsProblems(chain, path, problems_);
    if (chain.cluster.empty()) {
      if (!routes_everything && !chain.refuse_plaintext && listener_default_cluster.empty()) {
        Problem(ChildPath(path, "cluster"),
                "required unless protocol is http with a route_config or the listener has a "
                "default_cluster (TCP and unrouted requests go there)");
      }
    } else {
      CheckClusterReference(ChildPath(path, "cluster"), chain.cluster);
    }
  }

  // Host names are case-insensitive; "*" alone or a leading "*." are the only
  // wildcards the router understands.
  void CheckDomain(const std::string& path, const std::string& domain) {
    if (domain.empty()) {
      Problem(path, "must not be empty (\"*\" matches any host)");
      return;
    }
    for (char c : domain) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '/' ||
          !absl::ascii_isprint(static_cast<unsigned char>(c))) {
        Problem(path, absl::StrFormat("\"%s\" is not a host name (with an optional :port)",
                                      absl::CHexEscape(domain)));
        return;
      }
    }
    const size_t star = domain.find('*');
    if (star == std::string::npos || domain == "*") return;
    if (star != 0 || !absl::StartsWith(domain, "*.") || domain.size() == 2 ||
        domain.find('*', 1) != std::string::npos) {
      Problem(path, absl::StrFormat(
                        "\"%s\": \"*\" may only be the whole domain or a leading \"*.\"",
                        domain));
    }
  }

  void CheckRouteConfig(const RouteConfig& route_config, const std::string& path) {
    absl::flat_hash_map<std::string, size_t> vhost_names;
    absl::flat_hash_map<std::string, std::string> domain_owner;
    for (size_t j = 0; j < route_config.virtual_hosts.size(); ++j) {
      const VirtualHost& vhost = route_config.virtual_hosts[j];
      const std::string vpath = IndexPath(ChildPath(path, "virtual_hosts"), j);
      if (vhost.name.empty()) {
        Problem(ChildPath(vpath, "name"), "required: every virtual host needs a name");
      } else if (auto [it, inserted] = vhost_names.emplace(vhost.name, j); !inserted) {
        Problem(ChildPath(vpath, "name"),
                absl::StrFormat("duplicate virtual host name \"%s\" (also virtual_hosts[%d])",
                                vhost.name, it->second));
      }
      if (vhost.domains.empty()) {
        Problem(ChildPath(vpath, "domains"), "needs at least one domain (\"*\" matches any host)");
      }
      for (size_t k = 0; k < vhost.domains.size(); ++k) {
        const std::string dpath = IndexPath(ChildPath(vpath, "domains"), k);
        CheckDomain(dpath, vhost.domains[k]);
        if (vhost.domains[k].empty()) continue;
        auto [it, inserted] =
            domain_owner.emplace(absl::AsciiStrToLower(vhost.domains[k]), dpath);
        if (!inserted) {
          Problem(dpath, absl::StrFormat("domain \"%s\" is already used by %s",
                                         vhost.domains[k], it->second));
        }
      }
      for (size_t k = 0; k < vhost.routes.size(); ++k) {
        CheckRoute(vhost.routes[k], IndexPath(ChildPath(vpath, "routes"), k));
      }
    }
  }

  void CheckRegex(const std::string& path, const std::string& pattern) {
    if (pattern.empty()) {
      Problem(path, "required: an RE2 regular expression");
      return;
    }
    RE2::Options options;
    options.set_log_errors(false);
    RE2 re(pattern, options);
    if (!re.ok()) {
      Problem(path, absl::StrFormat("\"%s\" is not a valid RE2 regular expression: %s",
                                    absl::CHexEscape(pattern), re.error()));
    }
  }

  // A path given in config: absolute, no query, no control characters or spaces.
  void CheckPathValue(const std::string& path, const std::string& value, bool allow_query) {
    bool ok = absl::StartsWith(value, "/");
    for (char c : value) {
      if (!absl::ascii_isgraph(static_cast<unsigned char>(c)) || c == '#' ||
          (c == '?' && !allow_query)) {
        ok = false;
      }
    }
    if (!ok) {
      Problem(path, absl::StrFormat("\"%s\" is not a path (must start with \"/\"%s)",
                                    absl::CHexEscape(value),
                                    allow_query ? "" : ", without query or spaces"));
    }
  }

  static bool IsToken(absl::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
          std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
        return false;
      }
    }
    return true;
  }

  static bool IsFieldValue(absl::string_view value) {
    for (char c : value) {
      if (c == '\r' || c == '\n' || c == '\0') return false;
    }
    return true;
  }

  template <typename T>
  void CheckValueMatch(const std::string& path, const T& match, bool pseudo_allowed) {
    const bool pseudo = pseudo_allowed && (match.name == ":method" || match.name == ":authority" ||
                                           match.name == ":path" || match.name == ":scheme");
    if (match.name.empty()) {
      Problem(ChildPath(path, "name"), "required");
    } else if (!pseudo && pseudo_allowed && !IsToken(match.name)) {
      Problem(ChildPath(path, "name"),
              absl::StrFormat("\"%s\" is not a header name", absl::CHexEscape(match.name)));
    }
    if (match.type == ValueMatchType::kRegex) CheckRegex(ChildPath(path, "regex"), match.value);
  }

  void CheckRouteMatch(const std::string& path, const RouteMatch& match) {
    switch (match.path_type) {
      case PathMatchType::kPrefix:
      case PathMatchType::kStringPrefix:
        CheckPathValue(ChildPath(path, "prefix"), match.path_prefix, false);
        break;
      case PathMatchType::kExact:
        CheckPathValue(ChildPath(path, "path"), match.path, false);
        break;
      case PathMatchType::kRegex:
        CheckRegex(ChildPath(path, "regex"), match.path);
        break;
    }
    if (!match.method.empty() && !IsToken(match.method)) {
      Problem(ChildPath(path, "method"),
              absl::StrFormat("\"%s\" is not an HTTP method", absl::CHexEscape(match.method)));
    }
    for (size_t i = 0; i < match.headers.size(); ++i) {
      CheckValueMatch(IndexPath(ChildPath(path, "headers"), i), match.headers[i], true);
    }
    for (size_t i = 0; i < match.query_params.size(); ++i) {
      CheckValueMatch(IndexPath(ChildPath(path, "query_params"), i), match.query_params[i],
                      false);
    }
  }

  void CheckHeaderMutation(const std::string& path, const HeaderMutation& mutation) {
    auto check_name = [this](const std::string& name_path, const std::string& name) {
      if (!IsToken(name)) {
        Problem(name_path, absl::StrFormat("\"%s\" is not a header name (pseudo-headers and "
                                           "empty names are not allowed)",
                                           absl::CHexEscape(name)));
      } else if (absl::EqualsIgnoreCase(name, "host")) {
        Problem(name_path, "the host cannot be changed here; use host_rewrite");
      }
    };
    for (size_t i = 0; i < mutation.remove.size(); ++i) {
      check_name(IndexPath(ChildPath(path, "remove"), i), mutation.remove[i]);
    }
    for (size_t i = 0; i < mutation.add.size(); ++i) {
      const HeaderToAdd& header = mutation.add[i];
      const std::string hpath = IndexPath(ChildPath(path, "add"), i);
      check_name(ChildPath(hpath, "name"), header.name);
      if (!IsFieldValue(header.value)) {
        Problem(ChildPath(hpath, "value"), "must not contain CR, LF or NUL");
      }
    }
  }

  void CheckRedirect(const std::string& path, const RedirectAction& redirect,
                     const RouteMatch& match) {
    if (!redirect.scheme.empty() && redirect.scheme != "http" && redirect.scheme != "https") {
      Problem(ChildPath(path, "scheme"),
              absl::StrFormat("\"%s\" is not http or https", absl::CHexEscape(redirect.scheme)));
    }
    if (!redirect.host.empty() && (!IsFieldValue(redirect.host) ||
                                   redirect.host.find_first_of("/ ") != std::string::npos)) {
      Problem(ChildPath(path, "host"),
              absl::StrFormat("\"%s\" is not a host name", absl::CHexEscape(redirect.host)));
    }
    if (!redirect.path.empty()) CheckPathValue(ChildPath(path, "path"), redirect.path, true);
    if (!redirect.prefix_rewrite.empty()) {
      CheckPathValue(ChildPath(path, "prefix_rewrite"), redirect.prefix_rewrite, false);
      if (!redirect.path.empty()) {
        Problem(ChildPath(path, "prefix_rewrite"), "give either path or prefix_rewrite, not both");
      } else if (match.path_type == PathMatchType::kRegex) {
        Problem(ChildPath(path, "prefix_rewrite"),
                "needs a prefix or path match (a regex match has no prefix to replace)");
      }
    }
    if (redirect.status != 301 && redirect.status != 302 && redirect.status != 303 &&
        redirect.status != 307 && redirect.status != 308) {
      Problem(ChildPath(path, "status"),
              absl::StrFormat("%d is not a redirect status (301, 302, 303, 307, 308)",
                              redirect.status));
    }
  }

  void CheckRoute(const Route& route, const std::string& rpath) {
    CheckRouteMatch(ChildPath(rpath, "match"), route.match);
    CheckHeaderMutation(ChildPath(rpath, "request_headers"), route.request_headers);
    CheckHeaderMutation(ChildPath(rpath, "response_headers"), route.response_headers);
    CheckDuration(ChildPath(rpath, "timeout"), route.timeout, /*zero_allowed=*/true);
    CheckDuration(ChildPath(rpath, "per_try_timeout"), route.per_try_timeout,
                  /*zero_allowed=*/true);
    AppendRouteResilienceProblems(route, rpath, problems_);
    if (!route.forwards()) {
      if (route.redirect.has_value() && route.direct_response.has_value()) {
        Problem(ChildPath(rpath, "direct_response"),
                "give either redirect or direct_response, not both");
      }
      if (route.redirect.has_value()) {
        CheckRedirect(ChildPath(rpath, "redirect"), *route.redirect, route.match);
      } else if (route.direct_response->status < 200 || route.direct_response->status > 599) {
        Problem(ChildPath(ChildPath(rpath, "direct_response"), "status"),
                absl::StrFormat("%d is not an HTTP status (200-599)",
                                route.direct_response->status));
      }
      const char* kind = route.redirect.has_value() ? "a redirect" : "a direct_response";
      const std::pair<const char*, bool> forwarding_fields[] = {
          {"cluster", !route.cluster.empty()},
          {"weighted_clusters", !route.weighted_clusters.empty()},
          {"host_rewrite", !route.host_rewrite.empty()},
          {"prefix_rewrite", !route.prefix_rewrite.empty()},
          {"path_rewrite", !route.path_rewrite.empty()}};
      for (const auto& [field, set] : forwarding_fields) {
        if (set) {
          Problem(ChildPath(rpath, field),
                  absl::StrFormat("not allowed on %s route (it does not forward)", kind));
        }
      }
      return;
    }
    if (route.weighted_clusters.empty()) {
      CheckClusterReference(ChildPath(rpath, "cluster"), route.cluster);
    } else {
      if (!route.cluster.empty()) {
        Problem(ChildPath(rpath, "cluster"), "give either cluster or weighted_clusters, not both");
      }
      for (size_t w = 0; w < route.weighted_clusters.size(); ++w) {
        const WeightedCluster& wc = route.weighted_clusters[w];
        const std::string wpath = IndexPath(ChildPath(rpath, "weighted_clusters"), w);
        CheckClusterReference(ChildPath(wpath, "name"), wc.name);
        if (wc.weight == 0) Problem(ChildPath(wpath, "weight"), "must be at least 1");
      }
    }
    if (!route.host_rewrite.empty() &&
        (!IsFieldValue(route.host_rewrite) ||
         route.host_rewrite.find_first_of("/ ") != std::string::npos)) {
      Problem(ChildPath(rpath, "host_rewrite"),
              absl::StrFormat("\"%s\" is not a host[:port]", absl::CHexEscape(route.host_rewrite)));
    }
    if (!route.path_rewrite.empty()) {
      CheckPathValue(ChildPath(rpath, "path_rewrite"), route.path_rewrite, false);
    }
    if (!route.prefix_rewrite.empty()) {
      CheckPathValue(ChildPath(rpath, "prefix_rewrite"), route.prefix_rewrite, false);
      if (!route.path_rewrite.empty()) {
        Problem(ChildPath(rpath, "prefix_rewrite"),
                "give either prefix_rewrite or path_rewrite, not both");
      } else if (route.match.path_type == PathMatchType::kRegex) {
        Problem(ChildPath(rpath, "prefix_rewrite"),
                "needs a prefix or path match (a regex match has no prefix to replace; use "
                "path_rewrite)");
      }
    }
  }

  void CheckCluster(const Cluster& cluster, const std::string& path) {
    const std::string endpoints_path = ChildPath(path, "endpoints");
    if (cluster.type == Cluster::Type::kStatic && cluster.endpoints.empty()) {
      Problem(endpoints_path, "a static cluster needs at least one endpoint");
    }
    if (cluster.type == Cluster::Type::kOriginalDst && !cluster.endpoints.empty()) {
      Problem(endpoints_path,
              "not allowed for type original_dst (each connection's original destination "
              "is the endpoint)");
    }
    absl::flat_hash_map<std::string, size_t> seen;
    uint64_t total_weight = 0;
    for (size_t j = 0; j < cluster.endpoints.size(); ++j) {
      const Endpoint& endpoint = cluster.endpoints[j];
      const std::string epath = IndexPath(endpoints_path, j);
      std::optional<IpLiteral> ip = CheckAddress(ChildPath(epath, "address"), endpoint.address);
      if (ip.has_value() && ip->IsUnspecified()) {
        Problem(ChildPath(epath, "address"),
                absl::StrFormat("%s is the unspecified address; an endpoint needs one to "
                                "connect to",
                                endpoint.address));
        ip.reset();
      }
      const bool port_ok = CheckPort(ChildPath(epath, "port"), endpoint.port);
      CheckRange(ChildPath(epath, "weight"), endpoint.weight, kMinEndpointWeight,
                 kMaxEndpointWeight);
      total_weight += endpoint.weight;
      if (ip.has_value() && port_ok) {
        const std::string key = absl::StrCat(ip->Key(), ":", endpoint.port);
        if (auto [it, inserted] = seen.emplace(key, j); !inserted) {
          Problem(epath, absl::StrFormat("duplicate endpoint %s (also endpoints[%d])",
                                         HostPort(endpoint.address, endpoint.port),
                                         it->second));
        }
      }
    }
    if (total_weight > std::numeric_limits<uint32_t>::max()) {
      Problem(endpoints_path, "the endpoint weights add up to more than 4294967295");
    }
    CheckDuration(ChildPath(path, "connect_timeout"), cluster.connect_timeout, false);
    CheckDuration(ChildPath(path, "idle_timeout"), cluster.idle_timeout, false);
    AppendClusterResilienceProblems(cluster, path, problems_);
    AppendClusterTlsProblems(cluster, path, problems_);
  }

  const ProxyConfig& config_;
  const ValidationScope& scope_;
  ProblemList& problems_;
  absl::flat_hash_map<std::string, size_t> listener_names_;
  absl::flat_hash_map<std::string, size_t> route_config_names_;
  absl::flat_hash_map<std::string, size_t> cluster_names_;
  std::vector<Binding> bindings_;
};

}  // namespace

void AppendProxyConfigProblems(const ProxyConfig& config, const ValidationScope& scope,
                               ProblemList& problems) {
  Validator(config, scope, problems).Run();
}

absl::Status ValidateProxyConfig(const ProxyConfig& config) {
  ProblemList problems;
  AppendProxyConfigProblems(config, ValidationScope{}, problems);
  return problems.ToStatus("invalid proxy config");
}

}  // namespace weft::config
