#ifndef WEFT_PROXY_UPSTREAM_CLUSTER_H_
#define WEFT_PROXY_UPSTREAM_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/event/dispatcher.h"
#include "proxy/config/model.h"
#include "proxy/network/address.h"
#include "proxy/stats/stats.h"
#include "proxy/upstream/cluster_stats.h"
#include "proxy/upstream/connection_pool.h"
#include "proxy/upstream/load_balancer.h"

namespace weft::upstream {

// One worker's view of a cluster: its endpoints, load balancer and connection
// pools. Requests hold a shared_ptr to the cluster and pool they use, so that a
// config update can replace either while requests are in flight.
// Thread-compatible: the owning worker's dispatcher only.
class Cluster {
 public:
  Cluster(event::Dispatcher& dispatcher, const config::Cluster& config, stats::Scope& scope);

  // The pool for the next request, or nullptr when there is no endpoint.
  // `original_dst` is the connection's original destination, used by clusters
  // of type original_dst (and ignored by the others).
  std::shared_ptr<ConnectionPool> PickPool(const network::Address* original_dst);

  // Takes a new endpoint list (everything else in the config unchanged): pools
  // of endpoints that stay are kept with their idle connections.
  void UpdateEndpoints(const std::vector<config::Endpoint>& endpoints);

  const config::Cluster& config() const { return config_; }
  ClusterStats& stats() { return stats_; }
  void CloseIdle();

 private:
  std::shared_ptr<ConnectionPool> PoolFor(const network::Address& address);

  event::Dispatcher& dispatcher_;
  config::Cluster config_;
  ClusterStats stats_;
  std::unique_ptr<LoadBalancer> lb_;
  absl::flat_hash_map<std::string, std::shared_ptr<ConnectionPool>> pools_;
  std::vector<std::shared_ptr<ConnectionPool>> endpoint_pools_;  // by endpoint index
};

// All clusters of one worker, by name; updated in place by config changes.
class ClusterManager {
 public:
  ClusterManager(event::Dispatcher& dispatcher, const config::ProxyConfig& config,
                 stats::Scope& scope);
  std::shared_ptr<Cluster> Find(const std::string& name);
  // Adds, removes and changes clusters to match `config`. A cluster whose
  // endpoints alone changed keeps its pools; requests in flight keep the
  // cluster they started with.
  void Update(const config::ProxyConfig& config);
  void CloseIdle();

 private:
  event::Dispatcher& dispatcher_;
  stats::Scope& scope_;
  absl::flat_hash_map<std::string, std::shared_ptr<Cluster>> clusters_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_CLUSTER_H_
