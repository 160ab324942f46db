#ifndef WEFT_COMMON_EVENT_DISPATCHER_H_
#define WEFT_COMMON_EVENT_DISPATCHER_H_

#include <cstdint>
#include <functional>
#include <memory>

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

  // Runs the loop until Exit() is called.
  virtual void Run() = 0;
  // Thread-safe.
  virtual void Exit() = 0;
};

}  // namespace weft::event

#endif  // WEFT_COMMON_EVENT_DISPATCHER_H_
