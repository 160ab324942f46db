#include "control-plane/xds/debouncer.h"

#include <utility>

namespace weft::xds {

Debouncer::Debouncer(event::Dispatcher& dispatcher, absl::Duration window,
                     std::function<void()> fire)
    : window_(window < absl::ZeroDuration() ? absl::ZeroDuration() : window),
      fire_(std::move(fire)),
      timer_(dispatcher.CreateTimer([this] { fire_(); })) {}

void Debouncer::Trigger() {
  if (!timer_->Enabled()) timer_->Enable(window_);
}

}  // namespace weft::xds
