#include "proxy/resilience/retry_budget.h"

#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

TEST(RetryBudgetTest, RatioOfActiveRequestsWithAFloor) {
  auto b = RetryBudget::Create({.budget_ratio = 0.2, .min_retry_concurrency = 3});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->MaxActiveRetries(0), 3u);
  EXPECT_EQ(b->MaxActiveRetries(10), 3u);
  EXPECT_EQ(b->MaxActiveRetries(100), 20u);
  EXPECT_TRUE(b->Allows(100, 19));
  EXPECT_FALSE(b->Allows(100, 20));
}

TEST(RetryBudgetTest, RejectsRatioOutsideZeroToOne) {
  auto b = RetryBudget::Create({.budget_ratio = 1.5});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("budget_ratio 1.5 outside [0, 1]"), std::string::npos);
  EXPECT_FALSE(RetryBudget::Create({.budget_ratio = -0.1}).ok());
}

}  // namespace
}  // namespace weft::resilience
