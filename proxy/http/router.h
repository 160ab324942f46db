#ifndef WEFT_PROXY_HTTP_ROUTER_H_
#define WEFT_PROXY_HTTP_ROUTER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "common/random/random.h"
#include "proxy/config/model.h"

namespace weft::http {

// Finds the route of a request by host and path. Built once per config; lookups
// do no allocation. Host precedence: exact host (with port, then without),
// then the longest "*.suffix" wildcard, then "*". Within a virtual host the first
// route whose match applies wins.
// Immutable after construction, so thread-safe.
class RouteTable {
 public:
  explicit RouteTable(const config::RouteConfig& config);

  // nullptr when no virtual host or route matches.
  const config::Route* Match(absl::string_view host, absl::string_view path) const;

 private:
  const config::VirtualHost* FindVirtualHost(absl::string_view host) const;

  config::RouteConfig config_;
  absl::flat_hash_map<std::string, const config::VirtualHost*> exact_;
  std::vector<std::pair<std::string, const config::VirtualHost*>> suffixes_;  // longest first
  const config::VirtualHost* any_ = nullptr;
};

// The cluster for one request of a weighted split: each with probability
// weight / sum. `clusters` is not empty.
const std::string& PickWeightedCluster(const std::vector<config::WeightedCluster>& clusters,
                                       RandomGenerator& random);

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_ROUTER_H_
