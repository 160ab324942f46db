#include "common/event/libevent_dispatcher.h"

#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "common/time/real_time_source.h"
#include "common/time/simulated_time_source.h"
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

// A post from inside the loop (DeferDelete, a session handing its connection
// over) runs after the current callback without a wakeup through the eventfd;
// posts from another thread meanwhile still arrive, in order with it.
TEST(LibeventDispatcherTest, PostFromInsideTheLoopNeedsNoWakeup) {
  LibeventDispatcher d(RealTimeSource::Instance());
  std::vector<std::string> seen;
  std::atomic<bool> remote_posted{false};
  std::thread remote;
  d.Post([&] {  // posted before Run(): one wakeup through the eventfd
    seen.push_back("first");
    d.Post([&] {
      seen.push_back("inner");
      d.Post([&] {
        seen.push_back("inner-inner");
        remote = std::thread([&] {
          d.Post([&] { seen.push_back("remote"); });
          remote_posted = true;
        });
      });
    });
    seen.push_back("first-end");  // the inner post waits for this callback to end
  });
  auto poll = d.CreateTimer(nullptr);
  std::function<void()> check = [&] {
    if (remote_posted && seen.size() == 5) {
      d.Exit();
    } else {
      poll->Enable(absl::Milliseconds(1));
    }
  };
  poll = d.CreateTimer(check);
  poll->Enable(absl::Milliseconds(1));
  d.Run();
  remote.join();
  EXPECT_EQ(seen, (std::vector<std::string>{"first", "first-end", "inner", "inner-inner",
                                            "remote"}));
  EXPECT_EQ(d.fd_wakeups(), 3u);  // the post before Run(), the remote one, Exit()
}

// A callback that keeps posting itself from inside the loop does not starve
// file events: the loop polls every kMaxCallbacksBetweenPolls callbacks.
TEST(LibeventDispatcherTest, SelfPostingCallbackDoesNotStarveFileEvents) {
  LibeventDispatcher d(RealTimeSource::Instance());
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  int reposts = 0;
  int reposts_when_readable = -1;
  auto readable = d.CreateFileEvent(
      fds[0],
      [&](uint32_t) {
        if (reposts_when_readable < 0) reposts_when_readable = reposts;
      },
      kReadable);
  std::function<void()> again = [&] {
    // Readable from inside the repost chain: only a poll can notice.
    if (reposts == 0) {
      EXPECT_EQ(write(fds[1], "x", 1), 1);
    }
    if (++reposts < 100000 && reposts_when_readable < 0) {
      d.Post(again);
    } else {
      d.Exit();
    }
  };
  d.Post(again);
  d.Run();
  readable.reset();
  close(fds[0]);
  close(fds[1]);
  ASSERT_GE(reposts_when_readable, 0) << "the file event never ran";
  EXPECT_LE(reposts_when_readable, 2 * LibeventDispatcher::kMaxCallbacksBetweenPolls);
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

// CallbackNow() reads the clock once per callback (on the simulated clock, so
// that the reading is known), and every time outside callbacks.
TEST(LibeventDispatcherTest, CallbackNowIsOneReadingPerCallback) {
  SimulatedTimeSource time;
  LibeventDispatcher d(time);
  const absl::Time t0 = time.MonotonicNow();
  EXPECT_EQ(d.CallbackNow(), t0);
  time.Advance(absl::Seconds(1));
  EXPECT_EQ(d.CallbackNow(), t0 + absl::Seconds(1));  // outside a callback: a fresh read

  std::vector<absl::Time> first_callback;
  std::vector<absl::Time> timer_callback;
  auto timer = d.CreateTimer([&] {
    timer_callback.push_back(d.CallbackNow());
    time.Advance(absl::Seconds(1));
    timer_callback.push_back(d.CallbackNow());
    d.Exit();
  });
  d.Post([&] {
    first_callback.push_back(d.CallbackNow());
    time.Advance(absl::Seconds(5));
    first_callback.push_back(d.CallbackNow());  // same callback: the same reading
    timer->Enable(absl::ZeroDuration());
  });
  d.Run();
  ASSERT_EQ(first_callback.size(), 2u);
  EXPECT_EQ(first_callback[0], t0 + absl::Seconds(1));
  EXPECT_EQ(first_callback[1], t0 + absl::Seconds(1));
  ASSERT_EQ(timer_callback.size(), 2u);
  EXPECT_EQ(timer_callback[0], t0 + absl::Seconds(6));  // the next callback reads again
  EXPECT_EQ(timer_callback[1], t0 + absl::Seconds(6));
  EXPECT_EQ(d.CallbackNow(), t0 + absl::Seconds(7));  // after the loop: fresh again
}

}  // namespace
}  // namespace weft::event
