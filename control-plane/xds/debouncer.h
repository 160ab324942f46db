#ifndef WEFT_CONTROL_PLANE_XDS_DEBOUNCER_H_
#define WEFT_CONTROL_PLANE_XDS_DEBOUNCER_H_

// Coalesces bursts of events into one callback. The first Trigger() after a quiet
// period arms a timer for `window`; every Trigger() until it fires is absorbed; when
// it fires the callback runs once. So a burst of snapshot updates costs one push, and
// no update waits longer than `window` (a steady stream of updates cannot starve the
// push, unlike a "wait for silence" debounce).
//
//   Debouncer debounce(dispatcher, absl::Milliseconds(100), [&] { PushAll(); });
//   debounce.Trigger();  // from the dispatcher's thread
//
// Thread-compatible: use on the dispatcher's thread only (post to it from others).
// The dispatcher must outlive the Debouncer.

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "common/event/dispatcher.h"

namespace weft::xds {

class Debouncer {
 public:
  // A zero window still defers the callback to the next loop iteration, so the
  // triggers of one callback are coalesced.
  Debouncer(event::Dispatcher& dispatcher, absl::Duration window, std::function<void()> fire);

  Debouncer(const Debouncer&) = delete;
  Debouncer& operator=(const Debouncer&) = delete;

  void Trigger();
  // True between the first Trigger() of a burst and the callback.
  bool Pending() const { return timer_->Enabled(); }

 private:
  const absl::Duration window_;
  std::function<void()> fire_;
  std::unique_ptr<event::Timer> timer_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_DEBOUNCER_H_
