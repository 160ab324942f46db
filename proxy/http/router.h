#ifndef WEFT_PROXY_HTTP_ROUTER_H_
#define WEFT_PROXY_HTTP_ROUTER_H_

// HTTP routing: which route of a route config a request takes (RouteTable),
// what the route does to it (route_actions.h: header changes, rewrites, local
// responses) and which cluster of a weighted split it goes to.
//
// Usage:
//   RouteTable table(route_config);              // once per config
//   const config::Route* route = table.Match(request);
//   if (route == nullptr) -> 404 no_route
//   else if (!route->forwards()) -> send MakeLocalResponse(*route, request)
//   else { ApplyRequestMutations(*route, request);
//          cluster = route->weighted_clusters.empty()
//                        ? route->cluster : PickWeightedCluster(...); ... }

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/random/random.h"
#include "proxy/config/model.h"
#include "proxy/http/codec.h"
#include "proxy/http/route_actions.h"
#include "proxy/http/route_matcher.h"

namespace weft::http {

// Finds the route of a request. Host precedence: exact host (with port, then
// without), then the longest "*.suffix" wildcard, then "*". Within the virtual
// host the FIRST route whose conditions all hold wins, in config order (Envoy's
// model): the control plane sends Gateway API rules already sorted by the API's
// precedence, and a bootstrap file's routes are tried as written.
// Built once per config (regexes compiled here); matching allocates nothing for
// path, method, exact-header and query conditions.
// Immutable after construction, so thread-safe. Not copyable: routes returned
// by Match point into the table.
class RouteTable {
 public:
  explicit RouteTable(const config::RouteConfig& config);
  RouteTable(const RouteTable&) = delete;
  RouteTable& operator=(const RouteTable&) = delete;

  // nullptr when no virtual host or route matches. Valid while the table lives.
  const config::Route* Match(const RequestHeaders& request) const;

  // Host and path only (no method, no header fields): routes that need either
  // do not match. For callers that have no RequestHeaders yet.
  const config::Route* Match(absl::string_view host, absl::string_view path) const;

  const config::RouteConfig& config() const { return config_; }

 private:
  struct Host {
    const config::VirtualHost* vhost;
    std::vector<RouteMatcher> matchers;  // one per vhost->routes entry
  };

  const Host* FindHost(absl::string_view authority) const;
  const config::Route* MatchIn(const Host& host, const RequestView& request) const;

  config::RouteConfig config_;
  std::vector<Host> hosts_;
  absl::flat_hash_map<std::string, const Host*> exact_;
  std::vector<std::pair<std::string, const Host*>> suffixes_;  // longest first
  const Host* any_ = nullptr;
};

// The cluster for one request of a weighted split: each with probability
// weight / sum. `clusters` is not empty.
const std::string& PickWeightedCluster(const std::vector<config::WeightedCluster>& clusters,
                                       RandomGenerator& random);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_ROUTER_H_
