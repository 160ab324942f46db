#ifndef WEFT_PROXY_UPSTREAM_CLUSTER_STATS_H_
#define WEFT_PROXY_UPSTREAM_CLUSTER_STATS_H_

#include <string>

#include "proxy/stats/stats.h"

namespace weft::upstream {

// Counters of one cluster, resolved once per worker. The references point into
// the worker's stats scope, which outlives clusters and pools, so copies of
// this struct stay valid after the cluster is gone.
struct ClusterStats {
  ClusterStats(stats::Scope& scope, const std::string& name);
  stats::Counter& upstream_cx_total;
  stats::Counter& upstream_cx_connect_fail;
  stats::Counter& upstream_rq_total;
  stats::Gauge& upstream_rq_active;
  stats::Counter& upstream_rq_overflow;        // refused: max_requests reached (circuit open)
  stats::Counter& upstream_rq_retry;           // retries started
  stats::Counter& upstream_rq_retry_overflow;  // retries refused by the budget / max_retries
  stats::Counter& upstream_rq_timeout;         // request timeouts (504)
  stats::Counter& upstream_rq_per_try_timeout;
  stats::Gauge& upstream_cx_active;              // pooled connections open
  stats::Counter& upstream_cx_overflow;          // refused: max_connections reached
  stats::Gauge& outlier_ejections_active;        // endpoints ejected now
  stats::Counter& outlier_ejections_total;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_CLUSTER_STATS_H_
