#include "common/event/signal_event.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace weft::event {

void BlockSignals(std::initializer_list<int> signals) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : signals) sigaddset(&mask, s);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
}

SignalEvent::SignalEvent(Dispatcher& dispatcher, std::initializer_list<int> signals,
                         std::function<void(int)> handler)
    : handler_(std::move(handler)) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : signals) sigaddset(&mask, s);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  event_ = dispatcher.CreateFileEvent(
      fd_,
      [this](uint32_t) {
        signalfd_siginfo info;
        while (read(fd_, &info, sizeof(info)) == sizeof(info)) {
          handler_(static_cast<int>(info.ssi_signo));
        }
      },
      kReadable);
}

SignalEvent::~SignalEvent() {
  event_.reset();
  if (fd_ >= 0) close(fd_);
}

}  // namespace weft::event
