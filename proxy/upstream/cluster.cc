#include "proxy/upstream/cluster.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::upstream {

Cluster::Cluster(event::Dispatcher& dispatcher, const config::Cluster& config,
                 stats::Scope& scope)
    : dispatcher_(dispatcher), config_(config), stats_(scope, config.name) {
  UpdateEndpoints(config.endpoints);
}

void Cluster::UpdateEndpoints(const std::vector<config::Endpoint>& endpoints) {
  config_.endpoints = endpoints;
  absl::flat_hash_map<std::string, std::shared_ptr<ConnectionPool>> old = std::move(pools_);
  pools_.clear();
  endpoint_pools_.clear();
  std::vector<uint32_t> weights;
  for (const config::Endpoint& e : endpoints) {
    absl::StatusOr<network::Address> a = network::Address::FromIpPort(e.address, e.port);
    if (!a.ok()) {
      // Validation rejects these before they get here; skip rather than crash.
      WEFT_LOG(kError, "cluster %s: %s", config_.name, a.status().ToString());
      continue;
    }
    auto kept = old.find(a->ToString());
    if (kept != old.end()) pools_.insert(*kept);
    endpoint_pools_.push_back(PoolFor(*a));
    weights.push_back(e.weight);
  }
  // Pools of endpoints that left: their idle connections go now; a request in
  // flight finishes on its connection, which is closed when it comes back.
  for (auto& [key, pool] : old) {
    if (!pools_.contains(key)) pool->CloseIdle();
  }
  lb_ = std::make_unique<WeightedRoundRobin>(std::move(weights));
}

std::shared_ptr<ConnectionPool> Cluster::PoolFor(const network::Address& address) {
  std::shared_ptr<ConnectionPool>& pool = pools_[address.ToString()];
  if (pool == nullptr) {
    ConnectionPool::Options o;
    o.max_idle = config_.max_idle_connections;
    o.idle_timeout = config_.idle_timeout;
    o.connect_timeout = config_.connect_timeout;
    pool = std::make_shared<ConnectionPool>(dispatcher_, address, o, stats_);
  }
  return pool;
}

std::shared_ptr<ConnectionPool> Cluster::PickPool(const network::Address* original_dst) {
  if (config_.type == config::Cluster::Type::kOriginalDst) {
    if (original_dst == nullptr || !original_dst->valid()) return nullptr;
    return PoolFor(*original_dst);
  }
  int i = lb_->Pick();
  if (i < 0) return nullptr;
  return endpoint_pools_[i];
}

void Cluster::CloseIdle() {
  for (auto& [key, pool] : pools_) pool->CloseIdle();
}

ClusterManager::ClusterManager(event::Dispatcher& dispatcher, const config::ProxyConfig& config,
                               stats::Scope& scope)
    : dispatcher_(dispatcher), scope_(scope) {
  Update(config);
}

std::shared_ptr<Cluster> ClusterManager::Find(const std::string& name) {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second;
}

void ClusterManager::Update(const config::ProxyConfig& config) {
  absl::flat_hash_map<std::string, std::shared_ptr<Cluster>> next;
  for (const config::Cluster& c : config.clusters) {
    auto it = clusters_.find(c.name);
    if (it != clusters_.end() && config::SameExceptEndpoints(it->second->config(), c)) {
      if (!(it->second->config().endpoints == c.endpoints)) it->second->UpdateEndpoints(c.endpoints);
      next[c.name] = it->second;
    } else {
      next[c.name] = std::make_shared<Cluster>(dispatcher_, c, scope_);
    }
  }
  for (auto& [name, cluster] : clusters_) {
    auto it = next.find(name);
    if (it == next.end() || it->second != cluster) cluster->CloseIdle();
  }
  clusters_ = std::move(next);
}

void ClusterManager::CloseIdle() {
  for (auto& [name, c] : clusters_) c->CloseIdle();
}

}  // namespace weft::upstream
