#include "proxy/upstream/cluster.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::upstream {

ClusterStats::ClusterStats(stats::Scope& scope, const std::string& name)
    : upstream_cx_total(scope.counter(absl::StrCat("cluster.", name, ".upstream_cx_total"))),
      upstream_cx_connect_fail(
          scope.counter(absl::StrCat("cluster.", name, ".upstream_cx_connect_fail"))),
      upstream_rq_total(scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_total"))),
      upstream_rq_active(scope.gauge(absl::StrCat("cluster.", name, ".upstream_rq_active"))) {}

Cluster::Cluster(event::Dispatcher& dispatcher, const config::Cluster& config,
                 stats::Scope& scope)
    : dispatcher_(dispatcher), config_(config), stats_(scope, config.name) {
  std::vector<uint32_t> weights;
  for (const config::Endpoint& e : config_.endpoints) {
    absl::StatusOr<network::Address> a = network::Address::FromIpPort(e.address, e.port);
    if (!a.ok()) {
      // Validation rejects these before they get here; skip rather than crash.
      WEFT_LOG(kError, "cluster %s: %s", config_.name, a.status().ToString());
      continue;
    }
    endpoints_.push_back(*a);
    weights.push_back(e.weight);
    endpoint_pools_.push_back(&PoolFor(*a));
  }
  lb_ = std::make_unique<WeightedRoundRobin>(std::move(weights));
}

ConnectionPool& Cluster::PoolFor(const network::Address& address) {
  std::unique_ptr<ConnectionPool>& pool = pools_[address.ToString()];
  if (pool == nullptr) {
    pool = std::make_unique<ConnectionPool>(dispatcher_, address, config_.max_idle_connections,
                                            config_.idle_timeout);
  }
  return *pool;
}

ConnectionPool* Cluster::PickPool(const network::Address* original_dst) {
  if (config_.type == config::Cluster::Type::kOriginalDst) {
    if (original_dst == nullptr || !original_dst->valid()) return nullptr;
    return &PoolFor(*original_dst);
  }
  int i = lb_->Pick();
  if (i < 0) return nullptr;
  return endpoint_pools_[i];
}

void Cluster::CloseIdle() {
  for (auto& [key, pool] : pools_) pool->CloseIdle();
}

ClusterManager::ClusterManager(event::Dispatcher& dispatcher, const config::ProxyConfig& config,
                               stats::Scope& scope) {
  for (const config::Cluster& c : config.clusters) {
    clusters_[c.name] = std::make_unique<Cluster>(dispatcher, c, scope);
  }
}

Cluster* ClusterManager::Find(const std::string& name) {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second.get();
}

void ClusterManager::CloseIdle() {
  for (auto& [name, c] : clusters_) c->CloseIdle();
}

}  // namespace weft::upstream
