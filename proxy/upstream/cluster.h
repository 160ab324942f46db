#ifndef WEFT_PROXY_UPSTREAM_CLUSTER_H_
#define WEFT_PROXY_UPSTREAM_CLUSTER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "common/random/random.h"
#include "proxy/config/model.h"
#include "proxy/network/address.h"
#include "proxy/resilience/circuit_breaker.h"
#include "proxy/stats/stats.h"
#include "proxy/upstream/cluster_stats.h"
#include "proxy/upstream/connection_pool.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/health_checker.h"
#include "proxy/upstream/lb_policy.h"
#include "proxy/upstream/outlier_detector.h"

namespace weft::upstream {

// Makes the transport factory for a cluster's connections (mTLS when the
// cluster asks for it); null keeps them plaintext. Injected so that upstream/
// knows nothing of TLS.
using TransportFactoryMaker = std::function<std::shared_ptr<const network::TransportSocketFactory>(
    const config::Cluster&)>;

// One worker's view of a cluster: its endpoints with their health and load,
// the load-balancing policy over them, outlier detection, circuit breakers,
// and a connection pool per endpoint. Requests hold a shared_ptr to the
// cluster and pool they use, so that a config update can replace either while
// requests are in flight.
// Thread-compatible: the owning worker's dispatcher only.
class Cluster {
 public:
  Cluster(event::Dispatcher& dispatcher, const config::Cluster& config, stats::Scope& scope,
          RandomGenerator& random, const std::string& local_zone,
          std::shared_ptr<const network::TransportSocketFactory> transport = nullptr);
  ~Cluster();

  // The endpoint chosen for one attempt.
  struct Pick {
    std::shared_ptr<ConnectionPool> pool;  // null: no endpoint
    int endpoint = -1;                     // index in the EndpointSet; -1 for original_dst
    uint64_t membership = 0;               // the set's membership version at the pick
  };
  // `original_dst` is the connection's original destination, used by clusters
  // of type original_dst (and ignored by the others).
  Pick PickEndpoint(const network::Address* original_dst, const LbContext& context);
  // For TCP sessions: just the pool.
  std::shared_ptr<ConnectionPool> PickPool(const network::Address* original_dst);

  // An attempt on a picked endpoint starts / ends. `result` feeds outlier
  // detection; `latency` (to the response head) feeds latency-aware balancing.
  void OnAttemptStart(const Pick& pick);
  void OnAttemptEnd(const Pick& pick, UpstreamResult result, absl::Duration latency);

  // Takes a new endpoint list (everything else in the config unchanged): pools
  // of endpoints that stay are kept with their connections, and so is each
  // endpoint's health and load.
  void UpdateEndpoints(const std::vector<config::Endpoint>& endpoints);

  const config::Cluster& config() const { return config_; }
  ClusterStats& stats() { return stats_; }
  resilience::CircuitBreaker& breaker() { return *breaker_; }
  const EndpointSet& endpoints() const { return endpoints_; }
  const OutlierDetector* outlier_detector() const { return outlier_.get(); }
  const HealthChecker* health_checker() const { return health_checker_.get(); }
  void CloseIdle();

 private:
  std::shared_ptr<ConnectionPool> PoolFor(const network::Address& address);
  // The index of the pick's endpoint now (endpoints may have changed since).
  int CurrentIndex(const Pick& pick) const;
  void OnOutlierTimer();
  // Brings the outlier gauges and counters up to the detector's numbers.
  void SyncOutlierStats();

  event::Dispatcher& dispatcher_;
  config::Cluster config_;
  ClusterStats stats_;
  RandomGenerator& random_;
  EndpointSet endpoints_;
  std::unique_ptr<LbPolicy> lb_;
  std::unique_ptr<OutlierDetector> outlier_;
  std::unique_ptr<HealthChecker> health_checker_;
  uint64_t outlier_ejections_reported_ = 0;
  int64_t outlier_active_reported_ = 0;
  std::unique_ptr<event::Timer> outlier_timer_;
  std::unique_ptr<resilience::CircuitBreaker> breaker_;
  std::shared_ptr<const network::TransportSocketFactory> transport_;
  absl::flat_hash_map<std::string, std::shared_ptr<ConnectionPool>> pools_;
  std::vector<std::shared_ptr<ConnectionPool>> endpoint_pools_;  // by endpoint index
};

// All clusters of one worker, by name; updated in place by config changes.
class ClusterManager {
 public:
  // `random` must outlive the manager.
  ClusterManager(event::Dispatcher& dispatcher, const config::ProxyConfig& config,
                 stats::Scope& scope, RandomGenerator& random,
                 TransportFactoryMaker transports = nullptr);
  std::shared_ptr<Cluster> Find(const std::string& name);
  // Adds, removes and changes clusters to match `config`. A cluster whose
  // endpoints alone changed keeps its pools; requests in flight keep the
  // cluster they started with.
  void Update(const config::ProxyConfig& config);
  void CloseIdle();
  // Every endpoint's state on this worker, for the admin views: cluster name
  // -> "ip:port" -> state.
  struct EndpointStatus {
    bool healthy = true;
    bool ejected = false;
    uint32_t active_requests = 0;
    uint32_t times_ejected = 0;
  };
  std::map<std::string, std::map<std::string, EndpointStatus>> Status() const;
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& [name, cluster] : clusters_) f(*cluster);
  }

 private:
  event::Dispatcher& dispatcher_;
  stats::Scope& scope_;
  RandomGenerator& random_;
  TransportFactoryMaker transports_;
  std::string local_zone_;
  absl::flat_hash_map<std::string, std::shared_ptr<Cluster>> clusters_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_CLUSTER_H_
