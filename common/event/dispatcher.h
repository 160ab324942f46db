#ifndef WEFT_COMMON_EVENT_DISPATCHER_H_
#define WEFT_COMMON_EVENT_DISPATCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "common/time/time_source.h"

namespace weft::event {

// A one-shot timer owned by whoever created it. Destroying it cancels it.
// Called on the owning dispatcher's thread only.
class Timer {
 public:
  virtual ~Timer() = default;
  // Arms (or re-arms) the timer to fire once after `delay`.
  virtual void Enable(absl::Duration delay) = 0;
  virtual void Disable() = 0;
  virtual bool Enabled() const = 0;
};

// Readiness bits for FileEvent.
enum FileReady : uint32_t {
  kReadable = 1u << 0,
  kWritable = 1u << 1,
};

// Level-triggered readiness notifications for one file descriptor. Destroying it
// stops them (the descriptor itself is not closed).
// Called on the owning dispatcher's thread only.
class FileEvent {
 public:
  virtual ~FileEvent() = default;
  // Chooses which of kReadable/kWritable are watched.
  virtual void SetEnabled(uint32_t events) = 0;
};

// Work that finishes what an event callback started, run once the callback has
// returned and before the loop waits again: e.g. one socket write for all the
// bytes that several streams produced while handling one read.
class DeferredAction {
 public:
  virtual ~DeferredAction() = default;
  virtual void RunDeferred() = 0;

 private:
  friend class Dispatcher;
  bool scheduled_ = false;
};

// One event loop, run by one thread. Everything that waits for I/O or time in the
// proxy takes a Dispatcher&, so that tests can drive it with simulated time
// (common/testing/fake_dispatcher.h).
//
//   auto timer = dispatcher.CreateTimer([&] { OnTimeout(); });
//   timer->Enable(absl::Seconds(5));
//
// Unless marked thread-safe, methods are called on the dispatcher's thread only.
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;

  virtual const TimeSource& time_source() const = 0;

  // time_source().MonotonicNow(), read at most once per callback: the first
  // call in a callback reads the clock, later calls in the same callback get
  // that reading again. For the per-request timestamps of the data plane
  // (stream start, try start, connection last used), which otherwise read the
  // clock half a dozen times per request. Outside a callback of a real loop
  // (tests driving objects directly, the fake dispatcher), every call reads.
  absl::Time CallbackNow() const {
    if (now_cached_) return cached_now_;
    const absl::Time now = time_source().MonotonicNow();
    if (in_callback_) {
      cached_now_ = now;
      now_cached_ = true;
    }
    return now;
  }

  virtual std::unique_ptr<Timer> CreateTimer(std::function<void()> cb) = 0;

  // `cb` receives the FileReady bits that are ready.
  virtual std::unique_ptr<FileEvent> CreateFileEvent(
      int fd, std::function<void(uint32_t ready)> cb, uint32_t events) = 0;

  // Thread-safe: runs `cb` on the dispatcher's thread, after the current callback.
  virtual void Post(std::function<void()> cb) = 0;

  // Destroys `object` on the dispatcher's thread once the current callback has
  // returned: for objects that end their own life from inside a callback.
  template <typename T>
  void DeferDelete(std::unique_ptr<T> object) {
    std::shared_ptr<T> owned(std::move(object));
    Post([owned]() mutable { owned.reset(); });
  }

  // Schedules `action` to run at the end of the current callback (once, however
  // often it is scheduled). No allocation in the steady state, no lock, no
  // syscall. An action that dies before it ran must call CancelDeferred().
  void DeferToCallbackEnd(DeferredAction& action) {
    if (action.scheduled_) return;
    action.scheduled_ = true;
    deferred_.push_back(&action);
  }
  void CancelDeferred(DeferredAction& action) {
    if (!action.scheduled_) return;
    action.scheduled_ = false;
    for (DeferredAction*& a : deferred_) {
      if (a == &action) a = nullptr;
    }
    for (DeferredAction*& a : running_) {
      if (a == &action) a = nullptr;
    }
  }

  // Runs the loop until Exit() is called.
  virtual void Run() = 0;
  // Thread-safe.
  virtual void Exit() = 0;

 protected:
  // Real loops bracket every callback they run (with its deferred actions)
  // with these, which scope CallbackNow()'s reading.
  void EnterCallback() { in_callback_ = true; }
  void ExitCallback() {
    in_callback_ = false;
    now_cached_ = false;
  }

  // Implementations call this after every callback they run.
  void RunDeferredActions() {
    while (!deferred_.empty()) {
      running_.swap(deferred_);
      for (DeferredAction* a : running_) {
        if (a == nullptr) continue;
        a->scheduled_ = false;
        a->RunDeferred();
      }
      running_.clear();
    }
  }

 private:
  mutable absl::Time cached_now_;
  mutable bool now_cached_ = false;
  bool in_callback_ = false;
  std::vector<DeferredAction*> deferred_;
  std::vector<DeferredAction*> running_;
};

}  // namespace weft::event

#endif  // WEFT_COMMON_EVENT_DISPATCHER_H_
