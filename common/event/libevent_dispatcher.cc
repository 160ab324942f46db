#include "common/event/libevent_dispatcher.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>
#include <utility>

namespace weft::event {
namespace {

// The dispatcher whose Run() is on this thread's stack, if any: Post() from
// inside that loop needs no wakeup through the eventfd.
thread_local const LibeventDispatcher* running_here = nullptr;

timeval DelayToTimeval(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  return absl::ToTimeval(d);
}

class LibeventTimer final : public Timer {
 public:
  LibeventTimer(LibeventDispatcher& dispatcher, event_base* base, std::function<void()> cb)
      : dispatcher_(dispatcher), cb_(std::move(cb)) {
    ev_ = evtimer_new(base, &LibeventTimer::Fire, this);
  }
  ~LibeventTimer() override { event_free(ev_); }

  void Enable(absl::Duration delay) override {
    timeval tv = DelayToTimeval(delay);
    evtimer_add(ev_, &tv);
  }
  void Disable() override { evtimer_del(ev_); }
  bool Enabled() const override { return evtimer_pending(ev_, nullptr) != 0; }

 private:
  static void Fire(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<LibeventTimer*>(arg);
    LibeventDispatcher& dispatcher = self->dispatcher_;  // the callback may destroy the timer
    dispatcher.BeforeCallback();
    self->cb_();
    dispatcher.AfterCallback();
  }
  LibeventDispatcher& dispatcher_;
  std::function<void()> cb_;
  ::event* ev_;
};

class LibeventFileEvent final : public FileEvent {
 public:
  LibeventFileEvent(LibeventDispatcher& dispatcher, event_base* base, int fd,
                    std::function<void(uint32_t)> cb, uint32_t events)
      : dispatcher_(dispatcher), base_(base), fd_(fd), cb_(std::move(cb)) {
    SetEnabled(events);
  }
  ~LibeventFileEvent() override {
    if (ev_ != nullptr) event_free(ev_);
  }

  void SetEnabled(uint32_t events) override {
    if (ev_ != nullptr && events == enabled_) return;
    enabled_ = events;
    short what = EV_PERSIST;
    if (events & kReadable) what |= EV_READ;
    if (events & kWritable) what |= EV_WRITE;
    if (ev_ == nullptr) {
      ev_ = event_new(base_, fd_, what, &LibeventFileEvent::Fire, this);
    } else {
      event_del(ev_);
      event_assign(ev_, base_, fd_, what, &LibeventFileEvent::Fire, this);
    }
    if (events != 0) event_add(ev_, nullptr);
  }

 private:
  static void Fire(evutil_socket_t, short what, void* arg) {
    uint32_t ready = 0;
    if (what & EV_READ) ready |= kReadable;
    if (what & EV_WRITE) ready |= kWritable;
    auto* self = static_cast<LibeventFileEvent*>(arg);
    LibeventDispatcher& dispatcher = self->dispatcher_;  // the callback may destroy the event
    dispatcher.BeforeCallback();
    self->cb_(ready);
    dispatcher.AfterCallback();
  }
  LibeventDispatcher& dispatcher_;
  event_base* base_;
  int fd_;
  std::function<void(uint32_t)> cb_;
  ::event* ev_ = nullptr;
  uint32_t enabled_ = 0;
};

}  // namespace

LibeventDispatcher::LibeventDispatcher(const TimeSource& time_source)
    : time_source_(time_source) {
  event_config* cfg = event_config_new();
  // Workers never share a base across threads; Post() has its own lock.
  event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
  // A post from inside the loop runs in the same pass over the active events
  // (see Post()); a callback that posts itself again and again would then
  // never let the loop poll. After this many callbacks, the loop polls (with
  // no wait) before running more.
  event_config_set_max_dispatch_interval(cfg, nullptr, kMaxCallbacksBetweenPolls, 0);
  base_ = event_base_new_with_config(cfg);
  event_config_free(cfg);
  if (base_ == nullptr) std::abort();  // no epoll: nothing can work
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  post_event_ = event_new(
      base_, wake_fd_, EV_READ | EV_PERSIST,
      [](evutil_socket_t fd, short, void* arg) {
        uint64_t value;
        [[maybe_unused]] ssize_t n = read(fd, &value, sizeof(value));
        auto* self = static_cast<LibeventDispatcher*>(arg);
        ++self->fd_wakeups_;
        self->RunPosted();
      },
      this);
  event_add(post_event_, nullptr);
  // Not added to the base: only ever made active, from the loop's own thread.
  local_post_event_ = event_new(
      base_, -1, 0,
      [](evutil_socket_t, short, void* arg) { static_cast<LibeventDispatcher*>(arg)->RunPosted(); },
      this);
}

LibeventDispatcher::~LibeventDispatcher() {
  // Run what is still posted (typically deferred deletions) before tearing down.
  RunPosted();
  event_free(local_post_event_);
  event_free(post_event_);
  close(wake_fd_);
  event_base_free(base_);
}

std::unique_ptr<Timer> LibeventDispatcher::CreateTimer(std::function<void()> cb) {
  return std::make_unique<LibeventTimer>(*this, base_, std::move(cb));
}

std::unique_ptr<FileEvent> LibeventDispatcher::CreateFileEvent(
    int fd, std::function<void(uint32_t)> cb, uint32_t events) {
  return std::make_unique<LibeventFileEvent>(*this, base_, fd, std::move(cb), events);
}

void LibeventDispatcher::Post(std::function<void()> cb) {
  bool was_empty;
  {
    weft::MutexLock lock(&post_mu_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(cb));
  }
  if (running_here == this) {
    // From inside the loop: activating an event is enough for it to run before
    // the loop next waits (no write, no extra epoll_wait, no read). A post from
    // another thread that finds the queue non-empty relies on this run too.
    event_active(local_post_event_, EV_TIMEOUT, 1);
    return;
  }
  if (was_empty) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
  }
}

void LibeventDispatcher::RunPosted() {
  std::deque<std::function<void()>> batch;
  bool exit;
  {
    weft::MutexLock lock(&post_mu_);
    batch.swap(posted_);
    exit = exit_requested_;
  }
  for (auto& cb : batch) {
    EnterCallback();
    cb();
    RunDeferredActions();
    ExitCallback();
  }
  if (exit) event_base_loopbreak(base_);
}

void LibeventDispatcher::Run() {
  const LibeventDispatcher* outer = running_here;
  running_here = this;
  event_base_loop(base_, 0);
  running_here = outer;
}

void LibeventDispatcher::Exit() {
  {
    weft::MutexLock lock(&post_mu_);
    exit_requested_ = true;
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
}

}  // namespace weft::event
