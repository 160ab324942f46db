#ifndef WEFT_COMMON_EVENT_LIBEVENT_DISPATCHER_H_
#define WEFT_COMMON_EVENT_LIBEVENT_DISPATCHER_H_

#include <deque>
#include <functional>
#include <memory>

#include "common/sync/mutex.h"

#include "common/event/dispatcher.h"

struct event_base;
struct event;

namespace weft::event {

// The production Dispatcher: one libevent event_base (epoll), run by one thread.
class LibeventDispatcher final : public Dispatcher {
 public:
  // Callbacks run before the loop polls again, however many are ready.
  static constexpr int kMaxCallbacksBetweenPolls = 64;

  explicit LibeventDispatcher(const TimeSource& time_source);
  ~LibeventDispatcher() override;

  const TimeSource& time_source() const override { return time_source_; }
  std::unique_ptr<Timer> CreateTimer(std::function<void()> cb) override;
  std::unique_ptr<FileEvent> CreateFileEvent(int fd, std::function<void(uint32_t)> cb,
                                             uint32_t events) override;
  void Post(std::function<void()> cb) override;
  void Run() override;
  void Exit() override;

  // Runs what is posted but not yet run. For shutdown, after Run() returned, so
  // that deferred deletions happen while what they reference still exists.
  void RunPosted();

  // How often a Post() woke the loop through the eventfd (posts from other
  // threads, or from this one outside Run()); posts from inside the loop do not.
  // Loop thread only.
  uint64_t fd_wakeups() const { return fd_wakeups_; }

  // For the timer and file-event wrappers, around every callback they run.
  void BeforeCallback() { EnterCallback(); }
  void AfterCallback() {
    RunDeferredActions();
    ExitCallback();
  }

 private:

  const TimeSource& time_source_;
  event_base* base_;
  ::event* post_event_;        // woken through an eventfd by Post() from elsewhere
  ::event* local_post_event_;  // made active by Post() from inside the loop
  int wake_fd_;
  uint64_t fd_wakeups_ = 0;
  weft::Mutex post_mu_;
  std::deque<std::function<void()>> posted_ ABSL_GUARDED_BY(post_mu_);
  bool exit_requested_ ABSL_GUARDED_BY(post_mu_) = false;
};

}  // namespace weft::event

#endif  // WEFT_COMMON_EVENT_LIBEVENT_DISPATCHER_H_
