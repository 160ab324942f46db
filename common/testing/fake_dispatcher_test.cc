#include "common/testing/fake_dispatcher.h"

#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "gtest/gtest.h"

namespace weft::testing {
namespace {

TEST(FakeDispatcherTest, TimersFireInDeadlineOrderOnlyWhenTimeAdvances) {
  FakeDispatcher d;
  std::vector<int> fired;
  auto late = d.CreateTimer([&] { fired.push_back(2); });
  auto early = d.CreateTimer([&] { fired.push_back(1); });
  late->Enable(absl::Seconds(10));
  early->Enable(absl::Seconds(5));
  d.RunUntilIdle();
  EXPECT_TRUE(fired.empty());
  d.AdvanceTime(absl::Seconds(5));
  EXPECT_EQ(fired, std::vector<int>({1}));
  d.AdvanceTime(absl::Seconds(4));
  EXPECT_EQ(fired, std::vector<int>({1}));
  d.AdvanceTime(absl::Seconds(1));
  EXPECT_EQ(fired, std::vector<int>({1, 2}));
  EXPECT_FALSE(late->Enabled());
}

TEST(FakeDispatcherTest, DisabledAndDestroyedTimersNeverFire) {
  FakeDispatcher d;
  int fired = 0;
  auto a = d.CreateTimer([&] { ++fired; });
  auto b = d.CreateTimer([&] { ++fired; });
  a->Enable(absl::Seconds(1));
  b->Enable(absl::Seconds(1));
  a->Disable();
  b.reset();
  d.AdvanceTime(absl::Seconds(2));
  EXPECT_EQ(fired, 0);
}

TEST(FakeDispatcherTest, TimerRearmedFromItsCallbackFiresAgain) {
  FakeDispatcher d;
  int fired = 0;
  std::unique_ptr<event::Timer> t;
  t = d.CreateTimer([&] {
    if (++fired < 3) t->Enable(absl::Seconds(1));
  });
  t->Enable(absl::Seconds(1));
  d.AdvanceTime(absl::Seconds(10));
  EXPECT_EQ(fired, 3);
}

TEST(FakeDispatcherTest, DeliversSocketReadinessAndPosts) {
  FakeDispatcher d;
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  int readable = 0;
  auto ev = d.CreateFileEvent(
      fds[0],
      [&](uint32_t ready) {
        if (ready & event::kReadable) {
          char buf[16];
          ASSERT_EQ(read(fds[0], buf, sizeof(buf)), 3);
          ++readable;
        }
      },
      event::kReadable);
  d.RunUntilIdle();
  EXPECT_EQ(readable, 0);
  ASSERT_EQ(write(fds[1], "abc", 3), 3);
  bool posted = false;
  d.Post([&] { posted = true; });
  d.RunUntilIdle();
  EXPECT_EQ(readable, 1);
  EXPECT_TRUE(posted);
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace weft::testing
