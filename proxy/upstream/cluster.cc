#include "proxy/upstream/cluster.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "proxy/upstream/least_request_lb.h"
#include "proxy/upstream/maglev_lb.h"
#include "proxy/upstream/peak_ewma_lb.h"
#include "proxy/upstream/random_lb.h"
#include "proxy/upstream/ring_hash_lb.h"
#include "proxy/upstream/round_robin_lb.h"

namespace weft::upstream {
namespace {

uint32_t LimitOrUnbounded(uint32_t v) {
  return v == 0 ? std::numeric_limits<uint32_t>::max() : v;
}

// Validation has checked the options; a failure here falls back to round
// robin rather than leaving the cluster without a balancer.
std::unique_ptr<LbPolicy> MakeLbPolicy(const config::LoadBalancing& lb, const EndpointSet& set,
                                       RandomGenerator& random, const TimeSource& time,
                                       const std::string& local_zone,
                                       const std::string& cluster) {
  CandidateOptions candidates;
  candidates.panic_threshold_percent = lb.panic_threshold_percent;
  if (lb.locality_min_healthy_percent > 0) {
    candidates.local_zone = local_zone;
    candidates.locality_min_healthy_percent = lb.locality_min_healthy_percent;
  }
  absl::StatusOr<std::unique_ptr<LbPolicy>> policy;
  switch (lb.policy) {
    case config::LoadBalancing::Policy::kRoundRobin:
      policy = RoundRobinLb::Create({candidates}, set);
      break;
    case config::LoadBalancing::Policy::kRandom:
      policy = RandomLb::Create({candidates}, set, random);
      break;
    case config::LoadBalancing::Policy::kLeastRequest:
      policy = LeastRequestLb::Create({candidates}, set, random);
      break;
    case config::LoadBalancing::Policy::kPeakEwma: {
      PeakEwmaLb::Options o;
      o.candidates = candidates;
      o.decay = lb.ewma_decay;
      policy = PeakEwmaLb::Create(o, set, random, time);
      break;
    }
    case config::LoadBalancing::Policy::kRingHash: {
      RingHashLb::Options o;
      o.candidates = candidates;
      o.min_ring_size = lb.ring_hash_min_size;
      policy = RingHashLb::Create(o, set, random);
      break;
    }
    case config::LoadBalancing::Policy::kMaglev: {
      MaglevLb::Options o;
      o.candidates = candidates;
      o.table_size = lb.maglev_table_size;
      policy = MaglevLb::Create(o, set, random);
      break;
    }
  }
  if (policy.ok()) return std::move(*policy);
  WEFT_LOG(kError, "cluster %s: load balancer: %s; using round robin", cluster,
           policy.status().ToString());
  return std::move(*RoundRobinLb::Create({}, set));
}

}  // namespace

Cluster::Cluster(event::Dispatcher& dispatcher, const config::Cluster& config,
                 stats::Scope& scope, RandomGenerator& random, const std::string& local_zone,
                 std::shared_ptr<const network::TransportSocketFactory> transport)
    : dispatcher_(dispatcher),
      config_(config),
      stats_(scope, config.name),
      random_(random),
      transport_(std::move(transport)) {
  const config::CircuitBreakers& cb = config.circuit_breakers;
  resilience::CircuitBreaker::Options breaker;
  breaker.max_connections = LimitOrUnbounded(cb.max_connections);
  breaker.max_pending_requests = LimitOrUnbounded(cb.max_pending_requests);
  breaker.max_requests = LimitOrUnbounded(cb.max_requests);
  breaker.max_retries = LimitOrUnbounded(cb.max_retries);
  if (cb.retry_budget_percent > 0) {
    breaker.retry_budget = resilience::RetryBudget::Options{cb.retry_budget_percent / 100.0,
                                                            cb.retry_budget_min_concurrency};
  }
  auto created = resilience::CircuitBreaker::Create(breaker);
  if (!created.ok()) {
    WEFT_LOG(kError, "cluster %s: circuit breakers: %s", config.name, created.status().ToString());
    created = resilience::CircuitBreaker::Create({std::numeric_limits<uint32_t>::max(),
                                                  std::numeric_limits<uint32_t>::max(),
                                                  std::numeric_limits<uint32_t>::max(),
                                                  std::numeric_limits<uint32_t>::max(),
                                                  std::nullopt});
  }
  breaker_ = std::move(*created);

  UpdateEndpoints(config.endpoints);
  lb_ = MakeLbPolicy(config.load_balancing, endpoints_, random_, dispatcher_.time_source(),
                     local_zone, config.name);

  if (config.health_check.enabled && config.type != config::Cluster::Type::kOriginalDst) {
    health_checker_ = std::make_unique<HealthChecker>(dispatcher_, config.health_check,
                                                      config.name, endpoints_, random_);
  }
  const config::OutlierDetection& od = config.outlier_detection;
  if (od.enabled) {
    OutlierDetector::Options o;
    o.consecutive_5xx = od.consecutive_5xx;
    o.consecutive_gateway_failure = od.consecutive_gateway_errors;
    o.success_rate_enabled = od.success_rate;
    o.success_rate_minimum_hosts = od.success_rate_minimum_hosts;
    o.success_rate_request_volume = od.success_rate_request_volume;
    o.success_rate_stdev_factor = od.success_rate_stdev_factor;
    o.base_ejection_time = od.base_ejection_time;
    o.max_ejection_time = od.max_ejection_time;
    o.max_ejection_percent = od.max_ejection_percent;
    auto detector = OutlierDetector::Create(o, endpoints_);
    if (detector.ok()) {
      outlier_ = std::move(*detector);
      outlier_timer_ = dispatcher_.CreateTimer([this] { OnOutlierTimer(); });
      outlier_timer_->Enable(od.interval);
    } else {
      WEFT_LOG(kError, "cluster %s: outlier detection: %s", config.name,
               detector.status().ToString());
    }
  }
}

Cluster::~Cluster() {
  // This worker's share of the gauge leaves with the cluster.
  stats_.outlier_ejections_active.Sub(outlier_active_reported_);
}

void Cluster::UpdateEndpoints(const std::vector<config::Endpoint>& endpoints) {
  config_.endpoints = endpoints;
  absl::flat_hash_map<std::string, std::shared_ptr<ConnectionPool>> old = std::move(pools_);
  pools_.clear();
  endpoint_pools_.clear();
  std::vector<EndpointInfo> infos;
  for (const config::Endpoint& e : endpoints) {
    absl::StatusOr<network::Address> a = network::Address::FromIpPort(e.address, e.port);
    if (!a.ok()) {
      // Validation rejects these before they get here; skip rather than crash.
      WEFT_LOG(kError, "cluster %s: %s", config_.name, a.status().ToString());
      continue;
    }
    std::string key = a->ToString();
    if (pools_.contains(key)) continue;  // listed twice: once is enough
    auto kept = old.find(key);
    if (kept != old.end()) pools_.insert(*kept);
    endpoint_pools_.push_back(PoolFor(*a));
    infos.push_back(EndpointInfo{std::move(key), e.zone, e.weight == 0 ? 1 : e.weight});
  }
  absl::Status updated = endpoints_.Update(std::move(infos));
  if (!updated.ok()) {
    WEFT_LOG(kError, "cluster %s: endpoints: %s", config_.name, updated.ToString());
  }
  if (health_checker_ != nullptr) health_checker_->OnEndpointsChanged();
  // Pools of endpoints that left: their idle connections go now; a request in
  // flight finishes on its connection.
  for (auto& [key, pool] : old) {
    if (!pools_.contains(key)) pool->CloseIdle();
  }
}

std::shared_ptr<ConnectionPool> Cluster::PoolFor(const network::Address& address) {
  std::shared_ptr<ConnectionPool>& pool = pools_[address.ToString()];
  if (pool == nullptr) {
    ConnectionPool::Options o;
    o.max_idle = config_.max_idle_connections;
    o.idle_timeout = config_.idle_timeout;
    o.connect_timeout = config_.connect_timeout;
    o.transport = transport_;
    pool = std::make_shared<ConnectionPool>(dispatcher_, address, o, stats_, breaker_.get());
  }
  return pool;
}

Cluster::Pick Cluster::PickEndpoint(const network::Address* original_dst,
                                    const LbContext& context) {
  Pick pick;
  if (config_.type == config::Cluster::Type::kOriginalDst) {
    if (original_dst != nullptr && original_dst->valid()) pick.pool = PoolFor(*original_dst);
    return pick;
  }
  const int i = lb_->Pick(context);
  if (i < 0 || static_cast<size_t>(i) >= endpoint_pools_.size()) return pick;
  pick.pool = endpoint_pools_[i];
  pick.endpoint = i;
  pick.membership = endpoints_.membership_version();
  return pick;
}

std::shared_ptr<ConnectionPool> Cluster::PickPool(const network::Address* original_dst) {
  return PickEndpoint(original_dst, LbContext{}).pool;
}

int Cluster::CurrentIndex(const Pick& pick) const {
  if (pick.endpoint < 0) return -1;
  if (pick.membership == endpoints_.membership_version()) return pick.endpoint;
  return endpoints_.IndexOf(pick.pool->address().ToString());
}

void Cluster::OnAttemptStart(const Pick& pick) {
  const int i = CurrentIndex(pick);
  if (i >= 0) endpoints_.OnRequestStart(i);
}

void Cluster::OnAttemptEnd(const Pick& pick, UpstreamResult result, absl::Duration latency) {
  const int i = CurrentIndex(pick);
  if (i < 0) return;
  endpoints_.OnRequestEnd(i);
  if (result == UpstreamResult::kSuccess) lb_->OnRequestComplete(i, latency);
  if (outlier_ != nullptr) {
    outlier_->OnResult(i, result, dispatcher_.time_source().MonotonicNow());
    SyncOutlierStats();
  }
}

void Cluster::SyncOutlierStats() {
  const OutlierDetector::Stats& s = outlier_->stats();
  if (s.ejections_total > outlier_ejections_reported_) {
    stats_.outlier_ejections_total.Inc(s.ejections_total - outlier_ejections_reported_);
    outlier_ejections_reported_ = s.ejections_total;
  }
  const int64_t active = static_cast<int64_t>(s.ejections_active);
  if (active != outlier_active_reported_) {
    stats_.outlier_ejections_active.Add(active - outlier_active_reported_);
    outlier_active_reported_ = active;
  }
}

void Cluster::OnOutlierTimer() {
  outlier_->Evaluate(dispatcher_.time_source().MonotonicNow());
  SyncOutlierStats();
  outlier_timer_->Enable(config_.outlier_detection.interval);
}

void Cluster::CloseIdle() {
  for (auto& [key, pool] : pools_) pool->CloseIdle();
}

ClusterManager::ClusterManager(event::Dispatcher& dispatcher, const config::ProxyConfig& config,
                               stats::Scope& scope, RandomGenerator& random,
                               TransportFactoryMaker transports)
    : dispatcher_(dispatcher),
      scope_(scope),
      random_(random),
      transports_(std::move(transports)),
      local_zone_(config.xds.zone) {
  Update(config);
}

std::shared_ptr<Cluster> ClusterManager::Find(const std::string& name) {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second;
}

void ClusterManager::Update(const config::ProxyConfig& config) {
  local_zone_ = config.xds.zone;
  absl::flat_hash_map<std::string, std::shared_ptr<Cluster>> next;
  for (const config::Cluster& c : config.clusters) {
    auto it = clusters_.find(c.name);
    if (it != clusters_.end() && config::SameExceptEndpoints(it->second->config(), c)) {
      if (!(it->second->config().endpoints == c.endpoints)) it->second->UpdateEndpoints(c.endpoints);
      next[c.name] = it->second;
    } else {
      next[c.name] = std::make_shared<Cluster>(dispatcher_, c, scope_, random_, local_zone_,
                                               transports_ ? transports_(c) : nullptr);
    }
  }
  for (auto& [name, cluster] : clusters_) {
    auto it = next.find(name);
    if (it == next.end() || it->second != cluster) cluster->CloseIdle();
  }
  clusters_ = std::move(next);
}

std::map<std::string, std::map<std::string, ClusterManager::EndpointStatus>>
ClusterManager::Status() const {
  std::map<std::string, std::map<std::string, EndpointStatus>> out;
  for (const auto& [name, cluster] : clusters_) {
    auto& endpoints = out[name];
    const EndpointSet& set = cluster->endpoints();
    for (size_t i = 0; i < set.size(); ++i) {
      const int index = static_cast<int>(i);
      EndpointStatus& s = endpoints[set.info(index).name];
      s.healthy = set.healthy(index);
      s.ejected = set.ejected(index);
      s.active_requests = set.active_requests(index);
      if (const OutlierDetector* od = cluster->outlier_detector()) {
        s.times_ejected = od->times_ejected(set.info(index).name);
      }
    }
  }
  return out;
}

void ClusterManager::CloseIdle() {
  for (auto& [name, c] : clusters_) c->CloseIdle();
}

}  // namespace weft::upstream
