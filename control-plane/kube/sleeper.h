#ifndef WEFT_CONTROL_PLANE_KUBE_SLEEPER_H_
#define WEFT_CONTROL_PLANE_KUBE_SLEEPER_H_

// How a thread that does blocking work (a Reflector) waits between retries:
// injected so that unit tests run on simulated time and see every wait.
//
//   if (!sleeper.SleepFor(backoff.Next())) return;  // woken for shutdown
//
// Threading: SleepFor on the owning thread, Wake from any thread.

#include <condition_variable>

#include "absl/time/time.h"
#include "common/sync/mutex.h"

namespace weft::control_plane::kube {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `duration`; false (at once, or as soon as Wake is called) once woken.
  virtual bool SleepFor(absl::Duration duration) = 0;
  // Ends the current and every later SleepFor early.
  virtual void Wake() = 0;
};

// Real waiting on a condition variable.
class CondVarSleeper final : public Sleeper {
 public:
  bool SleepFor(absl::Duration duration) override {
    weft::MutexLock lock(&mu_);
    cv_.wait_for(mu_, absl::ToChronoNanoseconds(duration), [this] { return woken_; });
    return !woken_;
  }
  void Wake() override {
    {
      weft::MutexLock lock(&mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }

 private:
  weft::Mutex mu_;
  std::condition_variable_any cv_;
  bool woken_ = false;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_SLEEPER_H_
