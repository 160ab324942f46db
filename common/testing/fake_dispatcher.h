#ifndef WEFT_COMMON_TESTING_FAKE_DISPATCHER_H_
#define WEFT_COMMON_TESTING_FAKE_DISPATCHER_H_

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "common/sync/mutex.h"

#include "common/event/dispatcher.h"
#include "common/time/simulated_time_source.h"

namespace weft::testing {

// A Dispatcher for unit tests: timers run on a SimulatedTimeSource and fire only
// when the test advances time; file events are real (poll() with a zero timeout),
// so tests can use socketpairs and real sockets without ever sleeping.
//
//   FakeDispatcher d;
//   auto conn = MakeConnection(d, fds[0]);
//   d.RunUntilIdle();                     // deliver all ready I/O and posts
//   d.AdvanceTime(absl::Seconds(30));     // fire timers due in the next 30 s
//
// Single-threaded, except Post(), which is thread-safe.
class FakeDispatcher final : public event::Dispatcher {
 public:
  FakeDispatcher() = default;
  ~FakeDispatcher() override;

  SimulatedTimeSource& time() { return time_; }
  const TimeSource& time_source() const override { return time_; }
  std::unique_ptr<event::Timer> CreateTimer(std::function<void()> cb) override;
  std::unique_ptr<event::FileEvent> CreateFileEvent(int fd, std::function<void(uint32_t)> cb,
                                                    uint32_t events) override;
  void Post(std::function<void()> cb) override;
  // Runs until idle; Exit() makes it return early.
  void Run() override;
  void Exit() override { exit_ = true; }

  // Delivers posted callbacks and ready file events until nothing is left to do
  // (bounded: a livelock fails loudly instead of hanging the test).
  void RunUntilIdle();
  // Moves simulated time forward, firing due timers in order and running until
  // idle after each.
  void AdvanceTime(absl::Duration d);

  // Internal bookkeeping, used by the fake timer and file event.
  struct TimerState {
    std::function<void()> cb;
    bool enabled = false;
    absl::Time deadline;
    uint64_t seq = 0;
  };
  struct FileState {
    int fd;
    std::function<void(uint32_t)> cb;
    uint32_t events;
  };

 private:
  bool RunOnce();  // one round; true if anything ran
  bool FireDueTimers();

  SimulatedTimeSource time_;
  std::vector<std::shared_ptr<TimerState>> timers_;
  std::vector<std::shared_ptr<FileState>> files_;
  weft::Mutex post_mu_;
  std::vector<std::function<void()>> posted_ ABSL_GUARDED_BY(post_mu_);
  uint64_t next_seq_ = 0;
  bool exit_ = false;
};

}  // namespace weft::testing

#endif  // WEFT_COMMON_TESTING_FAKE_DISPATCHER_H_
