#include "proxy/upstream/outlier_detector.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "proxy/upstream/lb_test_util.h"

namespace weft::upstream {
namespace {

class OutlierDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(set_.Update(MakeEndpoints(10)).ok()); }
  std::unique_ptr<OutlierDetector> Make(OutlierDetector::Options options) {
    auto d = OutlierDetector::Create(options, set_);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? std::move(*d) : nullptr;
  }
  void Fail(OutlierDetector& d, int i, int n, UpstreamResult r = UpstreamResult::kHttp5xx) {
    for (int k = 0; k < n; ++k) d.OnResult(i, r, now_);
  }

  EndpointSet set_;
  absl::Time now_ = absl::UnixEpoch() + absl::Hours(1);
};

TEST(ResultFromHttpStatusTest, ClassifiesStatuses) {
  EXPECT_EQ(ResultFromHttpStatus(200), UpstreamResult::kSuccess);
  EXPECT_EQ(ResultFromHttpStatus(404), UpstreamResult::kSuccess);
  EXPECT_EQ(ResultFromHttpStatus(500), UpstreamResult::kHttp5xx);
  EXPECT_EQ(ResultFromHttpStatus(503), UpstreamResult::kGatewayError);
}

TEST_F(OutlierDetectorTest, Consecutive5xxEjectsAndASuccessResetsTheCount) {
  auto d = Make({.consecutive_5xx = 3, .success_rate_enabled = false});
  Fail(*d, 0, 2);
  d->OnResult(0, UpstreamResult::kSuccess, now_);
  Fail(*d, 0, 2);
  EXPECT_FALSE(set_.ejected(0));
  Fail(*d, 0, 1);
  EXPECT_TRUE(set_.ejected(0));
  EXPECT_EQ(d->stats().ejections_consecutive_5xx, 1u);
  EXPECT_EQ(d->stats().ejections_active, 1u);
}

TEST_F(OutlierDetectorTest, GatewayFailuresCountConnectFailuresButNotOther5xx) {
  auto d = Make({.consecutive_5xx = 100, .consecutive_gateway_failure = 3,
                 .success_rate_enabled = false});
  Fail(*d, 1, 2, UpstreamResult::kConnectFailure);
  Fail(*d, 1, 1, UpstreamResult::kHttp5xx);  // breaks the gateway streak
  Fail(*d, 1, 2, UpstreamResult::kGatewayError);
  EXPECT_FALSE(set_.ejected(1));
  Fail(*d, 1, 1, UpstreamResult::kGatewayError);
  EXPECT_TRUE(set_.ejected(1));
  EXPECT_EQ(d->stats().ejections_consecutive_gateway_failure, 1u);
}

TEST_F(OutlierDetectorTest, EjectionTimeGrowsWithTimesEjectedUpToTheMax) {
  auto d = Make({.consecutive_5xx = 1, .success_rate_enabled = false,
                 .base_ejection_time = absl::Seconds(30),
                 .max_ejection_time = absl::Seconds(50)});
  Fail(*d, 0, 1);
  ASSERT_TRUE(set_.ejected(0));
  now_ += absl::Seconds(29);
  d->Evaluate(now_);
  EXPECT_TRUE(set_.ejected(0));
  now_ += absl::Seconds(1);
  d->Evaluate(now_);
  EXPECT_FALSE(set_.ejected(0));  // 30 s * 1
  Fail(*d, 0, 1);                 // second ejection, before any decay
  ASSERT_TRUE(set_.ejected(0));
  EXPECT_EQ(d->times_ejected("e0"), 2u);
  now_ += absl::Seconds(49);
  d->OnResult(0, UpstreamResult::kSuccess, now_);  // lazy check: still out
  EXPECT_TRUE(set_.ejected(0));
  now_ += absl::Seconds(1);
  d->OnResult(0, UpstreamResult::kSuccess, now_);  // min(60 s, 50 s) passed
  EXPECT_FALSE(set_.ejected(0));
  EXPECT_EQ(d->stats().ejections_total, 2u);
  EXPECT_EQ(d->stats().ejections_active, 0u);
  d->Evaluate(now_);
  d->Evaluate(now_);
  EXPECT_EQ(d->times_ejected("e0"), 0u);  // behaved for two intervals
}

TEST_F(OutlierDetectorTest, MaxEjectionPercentCapsEjections) {
  auto d = Make({.consecutive_5xx = 1, .success_rate_enabled = false,
                 .max_ejection_percent = 20});
  for (int i = 0; i < 5; ++i) Fail(*d, i, 1);
  int ejected = 0;
  for (int i = 0; i < 10; ++i) ejected += set_.ejected(i) ? 1 : 0;
  EXPECT_EQ(ejected, 2);
  EXPECT_EQ(d->stats().ejections_overflow, 3u);
}

TEST_F(OutlierDetectorTest, SuccessRateEjectsTheOutlierOnEvaluate) {
  auto d = Make({.consecutive_5xx = 0, .consecutive_gateway_failure = 0,
                 .success_rate_minimum_hosts = 5, .success_rate_request_volume = 100,
                 .max_ejection_percent = 50});
  for (int i = 0; i < 10; ++i) {
    int failures = i == 7 ? 40 : 1;  // e7: 60% success, the rest 99%
    for (int k = 0; k < 100; ++k) {
      d->OnResult(i, k < failures ? UpstreamResult::kHttp5xx : UpstreamResult::kSuccess, now_);
    }
  }
  EXPECT_FALSE(set_.ejected(7));
  d->Evaluate(now_);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(set_.ejected(i), i == 7) << i;
  EXPECT_EQ(d->stats().ejections_success_rate, 1u);
}

TEST_F(OutlierDetectorTest, SuccessRateNeedsVolumeAndEnoughHosts) {
  auto d = Make({.consecutive_5xx = 0, .consecutive_gateway_failure = 0,
                 .success_rate_minimum_hosts = 5, .success_rate_request_volume = 100,
                 .max_ejection_percent = 50});
  for (int i = 0; i < 4; ++i) {  // only 4 hosts with volume
    for (int k = 0; k < 100; ++k) {
      d->OnResult(i, i == 0 ? UpstreamResult::kHttp5xx : UpstreamResult::kSuccess, now_);
    }
  }
  d->Evaluate(now_);
  EXPECT_FALSE(set_.ejected(0));
}

TEST_F(OutlierDetectorTest, StateFollowsNamesAcrossUpdates) {
  auto d = Make({.consecutive_5xx = 1, .success_rate_enabled = false});
  Fail(*d, 4, 1);
  ASSERT_TRUE(set_.ejected(4));
  std::vector<EndpointInfo> fewer = MakeEndpoints(10);
  fewer.erase(fewer.begin());  // e4 is now index 3
  ASSERT_TRUE(set_.Update(fewer).ok());
  EXPECT_TRUE(set_.ejected(3));
  now_ += absl::Seconds(30);
  d->Evaluate(now_);
  EXPECT_FALSE(set_.ejected(3));
}

TEST(OutlierDetectorOptionsTest, RejectsBadOptionsAllAtOnce) {
  EndpointSet set;
  auto d = OutlierDetector::Create({.success_rate_stdev_factor = 0,
                                    .base_ejection_time = absl::Seconds(10),
                                    .max_ejection_time = absl::Seconds(5),
                                    .max_ejection_percent = 101},
                                   set);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("max_ejection_percent 101"), std::string::npos);
  EXPECT_NE(d.status().message().find("stdev_factor"), std::string::npos);
  EXPECT_NE(d.status().message().find("max_ejection_time"), std::string::npos);
}

}  // namespace
}  // namespace weft::upstream
