#include "proxy/resilience/circuit_breaker.h"

#include <vector>

#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

using Resource = CircuitBreaker::Resource;

TEST(CircuitBreakerTest, LimitsEachResourceAndCountsOverflows) {
  auto cb = CircuitBreaker::Create({.max_connections = 1, .max_requests = 2});
  ASSERT_TRUE(cb.ok());
  std::vector<CircuitBreaker::Handle> held;
  for (int n = 0; n < 2; ++n) {
    auto h = (*cb)->TryAcquire(Resource::kRequest);
    ASSERT_TRUE(h.has_value());
    held.push_back(std::move(*h));
  }
  EXPECT_FALSE((*cb)->TryAcquire(Resource::kRequest).has_value());
  EXPECT_FALSE((*cb)->TryAcquire(Resource::kRequest).has_value());
  EXPECT_EQ((*cb)->overflows(Resource::kRequest), 2u);
  EXPECT_EQ((*cb)->overflows(Resource::kConnection), 0u);
  auto cx = (*cb)->TryAcquire(Resource::kConnection);
  EXPECT_TRUE(cx.has_value());
  EXPECT_EQ((*cb)->active(Resource::kRequest), 2u);
  held.pop_back();  // the handle's destructor releases
  EXPECT_EQ((*cb)->active(Resource::kRequest), 1u);
  EXPECT_TRUE((*cb)->TryAcquire(Resource::kRequest).has_value());
  EXPECT_EQ((*cb)->active(Resource::kRequest), 1u);  // that temporary is gone too
}

TEST(CircuitBreakerTest, MovedHandlesReleaseOnce) {
  auto cb = CircuitBreaker::Create({.max_pending_requests = 1});
  ASSERT_TRUE(cb.ok());
  auto a = (*cb)->TryAcquire(Resource::kPendingRequest);
  ASSERT_TRUE(a.has_value());
  CircuitBreaker::Handle moved = std::move(*a);
  a.reset();
  EXPECT_EQ((*cb)->active(Resource::kPendingRequest), 1u);
  moved.Release();
  moved.Release();
  EXPECT_EQ((*cb)->active(Resource::kPendingRequest), 0u);
  EXPECT_EQ(CircuitBreaker::ResourceName(Resource::kRetry), "rq_retry");
}

// A full outage: every request fails and wants a retry. Without a budget the
// retries would double the load; with it, the retries in flight stay at the
// budget's share of the requests in flight in every round.
TEST(CircuitBreakerTest, RetryBudgetHoldsTheRatioDuringAFullOutage) {
  auto cb = CircuitBreaker::Create(
      {.max_requests = 100000,
       .retry_budget = RetryBudget::Options{.budget_ratio = 0.25, .min_retry_concurrency = 2}});
  ASSERT_TRUE(cb.ok());
  uint64_t requests_total = 0;
  uint64_t retries_total = 0;
  for (int round = 0; round < 20; ++round) {
    std::vector<CircuitBreaker::Handle> requests;
    std::vector<CircuitBreaker::Handle> retries;
    const int concurrency = 40 + round * 10;
    for (int n = 0; n < concurrency; ++n) {
      auto h = (*cb)->TryAcquire(Resource::kRequest);
      ASSERT_TRUE(h.has_value());
      requests.push_back(std::move(*h));
    }
    requests_total += concurrency;
    for (int n = 0; n < concurrency; ++n) {  // each one failed: try to retry
      auto r = (*cb)->TryAcquire(Resource::kRetry);
      if (r.has_value()) retries.push_back(std::move(*r));
    }
    EXPECT_EQ(retries.size(), static_cast<size_t>(concurrency / 4)) << "round " << round;
    retries_total += retries.size();
  }
  EXPECT_LE(retries_total * 4, requests_total);
  EXPECT_GT((*cb)->overflows(Resource::kRetry), 0u);
  EXPECT_EQ((*cb)->active(Resource::kRetry), 0u);
}

TEST(CircuitBreakerTest, FixedRetryLimitWithoutABudgetAndBadBudgetRejected) {
  auto cb = CircuitBreaker::Create({.max_retries = 1});
  ASSERT_TRUE(cb.ok());
  auto r = (*cb)->TryAcquire(Resource::kRetry);
  EXPECT_TRUE(r.has_value());
  EXPECT_FALSE((*cb)->TryAcquire(Resource::kRetry).has_value());
  EXPECT_FALSE(CircuitBreaker::Create({.retry_budget = RetryBudget::Options{.budget_ratio = 2}})
                   .ok());
}

}  // namespace
}  // namespace weft::resilience
