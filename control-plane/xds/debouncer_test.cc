#include "control-plane/xds/debouncer.h"

#include "common/testing/fake_dispatcher.h"
#include "gtest/gtest.h"

namespace weft::xds {
namespace {

TEST(DebouncerTest, BurstWithinWindowFiresOnceAtWindowEnd) {
  testing::FakeDispatcher d;
  int fired = 0;
  Debouncer debounce(d, absl::Milliseconds(100), [&] { ++fired; });

  debounce.Trigger();
  d.AdvanceTime(absl::Milliseconds(40));
  debounce.Trigger();
  d.AdvanceTime(absl::Milliseconds(40));
  debounce.Trigger();
  EXPECT_EQ(fired, 0);
  EXPECT_TRUE(debounce.Pending());

  d.AdvanceTime(absl::Milliseconds(19));  // 99 ms after the first trigger
  EXPECT_EQ(fired, 0);
  d.AdvanceTime(absl::Milliseconds(1));  // 100 ms: window from the first trigger
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(debounce.Pending());

  d.AdvanceTime(absl::Seconds(10));
  EXPECT_EQ(fired, 1);  // nothing new triggered
}

TEST(DebouncerTest, TriggerAfterFiringStartsANewWindow) {
  testing::FakeDispatcher d;
  int fired = 0;
  Debouncer debounce(d, absl::Milliseconds(100), [&] { ++fired; });
  debounce.Trigger();
  d.AdvanceTime(absl::Milliseconds(100));
  ASSERT_EQ(fired, 1);

  debounce.Trigger();
  d.AdvanceTime(absl::Milliseconds(99));
  EXPECT_EQ(fired, 1);
  d.AdvanceTime(absl::Milliseconds(1));
  EXPECT_EQ(fired, 2);
}

TEST(DebouncerTest, ContinuousTriggersCannotStarveTheCallback) {
  testing::FakeDispatcher d;
  int fired = 0;
  Debouncer debounce(d, absl::Milliseconds(100), [&] { ++fired; });
  // A change every 10 ms for one second: a quiet-period debounce would never fire.
  for (int i = 0; i < 100; ++i) {
    debounce.Trigger();
    d.AdvanceTime(absl::Milliseconds(10));
  }
  EXPECT_EQ(fired, 10);
}

TEST(DebouncerTest, TriggerFromTheCallbackSchedulesAnotherRound) {
  testing::FakeDispatcher d;
  int fired = 0;
  Debouncer* self = nullptr;
  Debouncer debounce(d, absl::Milliseconds(50), [&] {
    if (++fired == 1) self->Trigger();
  });
  self = &debounce;
  debounce.Trigger();
  d.AdvanceTime(absl::Milliseconds(50));
  EXPECT_EQ(fired, 1);
  d.AdvanceTime(absl::Milliseconds(50));
  EXPECT_EQ(fired, 2);
}

TEST(DebouncerTest, ZeroWindowStillCoalescesUntilTheLoopRuns) {
  testing::FakeDispatcher d;
  int fired = 0;
  Debouncer debounce(d, absl::ZeroDuration(), [&] { ++fired; });
  debounce.Trigger();
  debounce.Trigger();
  debounce.Trigger();
  EXPECT_EQ(fired, 0);
  d.AdvanceTime(absl::ZeroDuration());
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace weft::xds
