#ifndef WEFT_PROXY_UPSTREAM_HEALTH_CHECKER_H_
#define WEFT_PROXY_UPSTREAM_HEALTH_CHECKER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "common/random/random.h"
#include "proxy/config/model.h"
#include "proxy/network/address.h"
#include "proxy/network/connection.h"
#include "proxy/upstream/endpoint_set.h"

namespace weft::upstream {

// Active health checking of a cluster's endpoints: every `interval` (with up to
// 10% jitter, so that workers and proxies do not probe in step) each endpoint
// gets a TCP connect, or an HTTP/1.1 GET of `http_path` that must answer 2xx,
// within `timeout`. `unhealthy_threshold` failures in a row mark the endpoint
// unhealthy in the EndpointSet (load balancers then skip it, as with outlier
// ejection); `healthy_threshold` successes in a row bring it back. Endpoints
// start healthy, so that a new cluster serves at once.
// Thread-compatible: the owning worker's dispatcher only.
class HealthChecker {
 public:
  // `set` and `random` must outlive the checker.
  HealthChecker(event::Dispatcher& dispatcher, const config::HealthCheck& options,
                std::string cluster_name, EndpointSet& set, RandomGenerator& random);
  ~HealthChecker();

  // The endpoint list changed (names are "ip:port"): probes follow it, and an
  // endpoint that stays keeps its streaks.
  void OnEndpointsChanged();

  uint64_t checks() const { return checks_; }
  uint64_t failures() const { return failures_; }

 private:
  class Probe;
  void Schedule(Probe& probe, bool first);
  void OnResult(Probe& probe, bool healthy);

  event::Dispatcher& dispatcher_;
  const config::HealthCheck options_;
  const std::string cluster_name_;
  EndpointSet& set_;
  RandomGenerator& random_;
  absl::flat_hash_map<std::string, std::unique_ptr<Probe>> probes_;  // by endpoint name
  uint64_t checks_ = 0;
  uint64_t failures_ = 0;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_HEALTH_CHECKER_H_
