#include "proxy/config/validate_resilience.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proxy/config/model.h"
#include "proxy/config/problem_list.h"

namespace weft::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> PathsOf(const ProblemList& problems) {
  std::vector<std::string> paths;
  for (const ConfigProblem& p : problems.problems()) paths.push_back(p.path);
  return paths;
}

TEST(ValidateResilienceTest, DefaultsAreValid) {
  ProblemList problems;
  AppendClusterResilienceProblems(Cluster{}, "clusters[0]", problems);
  AppendRouteResilienceProblems(Route{}, "r", problems);
  EXPECT_THAT(PathsOf(problems), IsEmpty());
}

TEST(ValidateResilienceTest, EnabledDefaultsAreValid) {
  Cluster cluster;
  cluster.outlier_detection.enabled = true;
  cluster.health_check.enabled = true;
  ProblemList problems;
  AppendClusterResilienceProblems(cluster, "c", problems);
  EXPECT_THAT(PathsOf(problems), IsEmpty());
}

TEST(ValidateResilienceTest, ClusterProblemsAllAtOnce) {
  Cluster cluster;
  cluster.type = Cluster::Type::kOriginalDst;
  cluster.load_balancing.ring_hash_min_size = 0;
  cluster.load_balancing.maglev_table_size = 65535;  // 3 * 5 * 17 * 257
  cluster.load_balancing.ewma_decay = absl::ZeroDuration();
  cluster.load_balancing.panic_threshold_percent = 101;
  cluster.load_balancing.locality_min_healthy_percent = 200;
  cluster.circuit_breakers.retry_budget_percent = -1;
  cluster.outlier_detection.enabled = true;
  cluster.outlier_detection.interval = absl::ZeroDuration();
  cluster.outlier_detection.max_ejection_percent = 101;
  cluster.outlier_detection.success_rate = true;
  cluster.outlier_detection.success_rate_stdev_factor = 0;
  cluster.health_check.enabled = true;
  cluster.health_check.timeout = -absl::Seconds(1);
  cluster.health_check.unhealthy_threshold = 0;
  ProblemList problems;
  AppendClusterResilienceProblems(cluster, "clusters[2]", problems);
  EXPECT_THAT(PathsOf(problems),
              UnorderedElementsAre("clusters[2].load_balancing.ring_hash_min_size",
                                   "clusters[2].load_balancing.maglev_table_size",
                                   "clusters[2].load_balancing.ewma_decay",
                                   "clusters[2].load_balancing.panic_threshold_percent",
                                   "clusters[2].load_balancing.locality_min_healthy_percent",
                                   "clusters[2].circuit_breakers.retry_budget_percent",
                                   "clusters[2].outlier_detection.interval",
                                   "clusters[2].outlier_detection.max_ejection_percent",
                                   "clusters[2].outlier_detection.success_rate_stdev_factor",
                                   "clusters[2].health_check",
                                   "clusters[2].health_check.timeout",
                                   "clusters[2].health_check.unhealthy_threshold"));
}

TEST(ValidateResilienceTest, MaglevTableSizeMustBePrimeAndInRange) {
  for (uint64_t size : {2ull, 251ull, 65537ull, 5000011ull}) {
    Cluster cluster;
    cluster.load_balancing.maglev_table_size = size;
    ProblemList problems;
    AppendClusterResilienceProblems(cluster, "c", problems);
    EXPECT_THAT(PathsOf(problems), IsEmpty()) << size;
  }
  for (uint64_t size : {0ull, 1ull, 4ull, 65536ull, 5000015ull, 5000023ull}) {
    Cluster cluster;
    cluster.load_balancing.maglev_table_size = size;
    ProblemList problems;
    AppendClusterResilienceProblems(cluster, "c", problems);
    EXPECT_THAT(PathsOf(problems), ElementsAre("c.load_balancing.maglev_table_size")) << size;
  }
}

TEST(ValidateResilienceTest, RouteProblemsAllAtOnce) {
  Route route;
  route.direct_response.emplace();
  route.retry.num_retries = 2;  // on a route that does not forward; no retry_on
  route.retry.retriable_status_codes = {42};
  route.retry.backoff_base = absl::ZeroDuration();
  route.hash_policy.push_back({HashPolicy::Kind::kHeader, "bad header"});
  route.hash_policy.push_back({HashPolicy::Kind::kCookie, ""});
  route.rate_limit.max_tokens = 10;
  route.rate_limit.tokens_per_fill = 1;
  route.rate_limit.fill_interval = absl::Microseconds(10);
  route.fault.delay_percent = 10;  // no delay
  route.fault.abort_percent = 5;   // no status
  ProblemList problems;
  AppendRouteResilienceProblems(route, "r", problems);
  EXPECT_THAT(PathsOf(problems),
              UnorderedElementsAre("r.retry.retry_on", "r.retry.retriable_status_codes[0]",
                                   "r.retry.retriable_status_codes", "r.retry.backoff_base",
                                   "r.retry.num_retries", "r.hash_policy[0].header",
                                   "r.hash_policy[1].cookie", "r.rate_limit.fill_interval",
                                   "r.fault.delay", "r.fault.abort_percent"));
}

TEST(ValidateResilienceTest, RetryOnNamesAreChecked) {
  Route route;
  route.retry.num_retries = 1;
  route.retry.retry_on = {"5xx", "gateway-error", "reset", "connect-failure", "refused-stream",
                          "cancelled", "deadline-exceeded", "internal", "resource-exhausted",
                          "unavailable"};
  ProblemList problems;
  AppendRouteResilienceProblems(route, "r", problems);
  EXPECT_THAT(PathsOf(problems), IsEmpty());
  route.retry.retry_on = {"5xx,reset", "nope"};
  ProblemList more;
  AppendRouteResilienceProblems(route, "r", more);
  EXPECT_THAT(PathsOf(more), ElementsAre("r.retry.retry_on[0]", "r.retry.retry_on[1]"));
}

TEST(ValidateResilienceTest, RateLimitWithoutTokensIsIncomplete) {
  Route route;
  route.rate_limit.per_source = true;
  ProblemList problems;
  AppendRouteResilienceProblems(route, "r", problems);
  EXPECT_THAT(PathsOf(problems), ElementsAre("r.rate_limit.max_tokens"));
}

TEST(ValidateResilienceTest, FaultStatusRanges) {
  Route route;
  route.fault.abort_percent = 100;
  route.fault.abort_http_status = 700;
  ProblemList problems;
  AppendRouteResilienceProblems(route, "r", problems);
  EXPECT_THAT(PathsOf(problems), ElementsAre("r.fault.abort_http_status"));
  route.fault.abort_http_status = 0;
  route.fault.abort_grpc_status = 0;  // OK is not an error status
  ProblemList grpc;
  AppendRouteResilienceProblems(route, "r", grpc);
  EXPECT_THAT(PathsOf(grpc), ElementsAre("r.fault.abort_grpc_status"));
}

}  // namespace
}  // namespace weft::config
