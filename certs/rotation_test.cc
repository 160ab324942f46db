#include "certs/rotation.h"

#include "common/time/simulated_time_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft {
namespace certs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Phase = RootRotation::Phase;

class RootRotationTest : public ::testing::Test {
 protected:
  RootRotationTest() : rotation_("old", time_, MakeOptions()) {}
  static RootRotation::Options MakeOptions() {
    RootRotation::Options options;
    options.distribution_delay = absl::Hours(1);
    options.max_leaf_ttl = absl::Hours(24);
    return options;
  }

  SimulatedTimeSource time_;
  RootRotation rotation_;
};

TEST_F(RootRotationTest, FullRotationFollowsTheClock) {
  EXPECT_EQ(rotation_.phase(), Phase::kStable);
  EXPECT_THAT(rotation_.BundleRoots(), ElementsAre("old"));
  ASSERT_TRUE(rotation_.BeginRotation("new").ok());
  EXPECT_EQ(rotation_.phase(), Phase::kDistributing);
  EXPECT_EQ(rotation_.signing_root(), "old");
  EXPECT_THAT(rotation_.BundleRoots(), ElementsAre("old", "new"));

  // A leaf signed by the old root late in distribution, with a long TTL.
  time_.Advance(absl::Minutes(30));
  rotation_.RecordIssued("old", time_.SystemNow() + absl::Hours(48));
  EXPECT_EQ(rotation_.Advance(), Phase::kDistributing);
  absl::Status early = rotation_.SwitchSigning();
  EXPECT_EQ(early.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.message()), HasSubstr("may switch at"));

  time_.Advance(absl::Minutes(30));
  EXPECT_EQ(rotation_.Advance(), Phase::kDraining);
  EXPECT_EQ(rotation_.signing_root(), "new");
  EXPECT_THAT(rotation_.BundleRoots(), ElementsAre("new", "old"));
  const absl::Time retire_at = rotation_.RetireAt();
  EXPECT_EQ(retire_at, time_.SystemNow() - absl::Minutes(30) + absl::Hours(48));

  time_.Advance(retire_at - time_.SystemNow() - absl::Seconds(1));
  EXPECT_EQ(rotation_.Advance(), Phase::kDraining) << "one old leaf is still valid";
  time_.Advance(absl::Seconds(1));
  EXPECT_EQ(rotation_.Advance(), Phase::kStable);
  EXPECT_EQ(rotation_.signing_root(), "new");
  EXPECT_THAT(rotation_.BundleRoots(), ElementsAre("new"));

  // The next rotation can start from here.
  EXPECT_TRUE(rotation_.BeginRotation("newer").ok());
}

TEST_F(RootRotationTest, UnrecordedLeavesAreCoveredByMaxTtl) {
  ASSERT_TRUE(rotation_.BeginRotation("new").ok());
  time_.Advance(absl::Hours(1));
  ASSERT_TRUE(rotation_.SwitchSigning().ok());
  EXPECT_EQ(rotation_.RetireAt(), time_.SystemNow() + absl::Hours(24));
  // Leaves of the new root do not hold the old one back.
  rotation_.RecordIssued("new", time_.SystemNow() + absl::Hours(100));
  rotation_.RecordIssued("unrelated", time_.SystemNow() + absl::Hours(100));
  time_.Advance(absl::Hours(24));
  EXPECT_EQ(rotation_.Advance(), Phase::kStable);
}

TEST_F(RootRotationTest, RejectsOutOfOrderSteps) {
  EXPECT_EQ(rotation_.SwitchSigning().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rotation_.BeginRotation("old").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(rotation_.BeginRotation("").code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(rotation_.BeginRotation("new").ok());
  EXPECT_EQ(rotation_.BeginRotation("other").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(rotation_.RetireAt(), absl::InfiniteFuture());
  EXPECT_EQ(PhaseName(rotation_.phase()), "distributing");
}

}  // namespace
}  // namespace certs
}  // namespace weft
