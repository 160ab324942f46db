#include "common/event/libevent_dispatcher.h"

#include <atomic>
#include <thread>

#include "common/time/real_time_source.h"
#include "gtest/gtest.h"

namespace weft::event {
namespace {

// The real loop: posts from other threads arrive in order and Exit() stops Run().
TEST(LibeventDispatcherTest, PostFromOtherThreadsRunsInOrderAndExitStops) {
  LibeventDispatcher d(RealTimeSource::Instance());
  std::vector<int> seen;
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) d.Post([&seen, i] { seen.push_back(i); });
    d.Post([&] { d.Exit(); });
  });
  d.Run();
  producer.join();
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
}

TEST(LibeventDispatcherTest, ZeroDelayTimerFiresAndDisabledDoesNot) {
  LibeventDispatcher d(RealTimeSource::Instance());
  int fired = 0;
  auto off = d.CreateTimer([&] { fired += 100; });
  auto on = d.CreateTimer([&] {
    ++fired;
    d.Exit();
  });
  off->Enable(absl::ZeroDuration());
  off->Disable();
  on->Enable(absl::ZeroDuration());
  EXPECT_TRUE(on->Enabled());
  d.Run();
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace weft::event
