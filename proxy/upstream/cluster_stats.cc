#include "proxy/upstream/cluster_stats.h"

#include "absl/strings/str_cat.h"

namespace weft::upstream {

ClusterStats::ClusterStats(stats::Scope& scope, const std::string& name)
    : upstream_cx_total(scope.counter(absl::StrCat("cluster.", name, ".upstream_cx_total"))),
      upstream_cx_connect_fail(
          scope.counter(absl::StrCat("cluster.", name, ".upstream_cx_connect_fail"))),
      upstream_rq_total(scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_total"))),
      upstream_rq_active(scope.gauge(absl::StrCat("cluster.", name, ".upstream_rq_active"))),
      upstream_rq_overflow(scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_overflow"))),
      upstream_rq_retry(scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_retry"))),
      upstream_rq_retry_overflow(
          scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_retry_overflow"))),
      upstream_rq_timeout(scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_timeout"))),
      upstream_rq_per_try_timeout(
          scope.counter(absl::StrCat("cluster.", name, ".upstream_rq_per_try_timeout"))),
      upstream_cx_active(scope.gauge(absl::StrCat("cluster.", name, ".upstream_cx_active"))),
      upstream_cx_overflow(scope.counter(absl::StrCat("cluster.", name, ".upstream_cx_overflow"))),
      outlier_ejections_active(
          scope.gauge(absl::StrCat("cluster.", name, ".outlier_ejections_active"))),
      outlier_ejections_total(
          scope.counter(absl::StrCat("cluster.", name, ".outlier_ejections_total"))) {}

}  // namespace weft::upstream
