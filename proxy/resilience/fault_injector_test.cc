#include "proxy/resilience/fault_injector.h"

#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

TEST(FaultInjectorTest, SharesOfDelaysAndAbortsFollowThePercentages) {
  RealRandom random(21);
  auto f = FaultInjector::Create({.delay_percent = 10,
                                  .delay = absl::Seconds(2),
                                  .abort_percent = 25,
                                  .abort_http_status = 503},
                                 random);
  ASSERT_TRUE(f.ok());
  int delayed = 0;
  int aborted = 0;
  for (int n = 0; n < 20000; ++n) {
    FaultInjector::Decision d = f->Decide();
    if (d.delay) {
      ++delayed;
      EXPECT_EQ(*d.delay, absl::Seconds(2));
    }
    if (d.abort_http_status) {
      ++aborted;
      EXPECT_EQ(*d.abort_http_status, 503);
    }
    EXPECT_FALSE(d.abort_grpc_status.has_value());
  }
  EXPECT_NEAR(delayed, 2000, 200);
  EXPECT_NEAR(aborted, 5000, 300);
}

TEST(FaultInjectorTest, ExactThresholdsWithFixedRandom) {
  // Draws are taken modulo 1e6: 99'999 < 10% of 1e6, 100'000 is not.
  FixedRandom random({99'999, 100'000});
  auto f = FaultInjector::Create({.abort_percent = 10, .abort_grpc_status = 14}, random);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->Decide().abort_grpc_status, 14);
  EXPECT_FALSE(f->Decide().abort_grpc_status.has_value());
  auto none = FaultInjector::Create({}, random);
  ASSERT_TRUE(none.ok());
  FaultInjector::Decision d = none->Decide();
  EXPECT_FALSE(d.delay || d.abort_http_status || d.abort_grpc_status);
}

TEST(FaultInjectorTest, RejectsInconsistentOptions) {
  FixedRandom random({0});
  auto f = FaultInjector::Create(
      {.delay_percent = 150, .abort_percent = 5, .abort_http_status = 700, .abort_grpc_status = 2},
      random);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("delay_percent 150"), std::string::npos);
  EXPECT_NE(f.status().message().find("not both"), std::string::npos);
  EXPECT_NE(f.status().message().find("abort_http_status 700"), std::string::npos);
  EXPECT_FALSE(FaultInjector::Create({.abort_percent = 5}, random).ok());
}

}  // namespace
}  // namespace weft::resilience
