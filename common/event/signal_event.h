#ifndef WEFT_COMMON_EVENT_SIGNAL_EVENT_H_
#define WEFT_COMMON_EVENT_SIGNAL_EVENT_H_

#include <functional>
#include <initializer_list>
#include <memory>

#include "common/event/dispatcher.h"

namespace weft::event {

// Delivers process signals (SIGTERM, SIGHUP...) as ordinary events on a
// dispatcher, through a signalfd. Create it on the main thread before starting
// any other thread: it blocks the signals for the calling thread, and threads
// started afterwards inherit that, so no worker is ever interrupted by them.
// Thread-compatible: the dispatcher's thread only.
// Blocks `signals` for the calling thread and every thread it starts later. Call
// it first thing in main(), before anything may start a thread (gRPC starts
// threads when its first channel credentials are made): a signal that reaches a
// thread without the mask takes its default action and ends the process.
void BlockSignals(std::initializer_list<int> signals);

class SignalEvent {
 public:
  SignalEvent(Dispatcher& dispatcher, std::initializer_list<int> signals,
              std::function<void(int signal)> handler);
  ~SignalEvent();

 private:
  int fd_;
  std::function<void(int)> handler_;
  std::unique_ptr<FileEvent> event_;
};

}  // namespace weft::event

#endif  // WEFT_COMMON_EVENT_SIGNAL_EVENT_H_
