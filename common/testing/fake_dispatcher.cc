#include "common/testing/fake_dispatcher.h"

#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace weft::testing {
namespace {

class FakeTimer final : public event::Timer {
 public:
  FakeTimer(std::shared_ptr<FakeDispatcher::TimerState> state, const TimeSource& time,
            uint64_t* next_seq)
      : state_(std::move(state)), time_(time), next_seq_(next_seq) {}
  ~FakeTimer() override {
    state_->enabled = false;
    state_->cb = nullptr;
  }
  void Enable(absl::Duration delay) override {
    state_->enabled = true;
    state_->deadline = time_.MonotonicNow() + std::max(delay, absl::ZeroDuration());
    state_->seq = (*next_seq_)++;
  }
  void Disable() override { state_->enabled = false; }
  bool Enabled() const override { return state_->enabled; }

 private:
  std::shared_ptr<FakeDispatcher::TimerState> state_;
  const TimeSource& time_;
  uint64_t* next_seq_;
};

class FakeFileEvent final : public event::FileEvent {
 public:
  explicit FakeFileEvent(std::shared_ptr<FakeDispatcher::FileState> state)
      : state_(std::move(state)) {}
  ~FakeFileEvent() override {
    state_->events = 0;
    state_->cb = nullptr;
  }
  void SetEnabled(uint32_t events) override { state_->events = events; }

 private:
  std::shared_ptr<FakeDispatcher::FileState> state_;
};

}  // namespace

FakeDispatcher::~FakeDispatcher() {
  // Deferred deletions may still be queued.
  std::vector<std::function<void()>> batch;
  {
    weft::MutexLock lock(&post_mu_);
    batch.swap(posted_);
  }
  for (auto& cb : batch) cb();
}

std::unique_ptr<event::Timer> FakeDispatcher::CreateTimer(std::function<void()> cb) {
  auto state = std::make_shared<TimerState>();
  state->cb = std::move(cb);
  timers_.push_back(state);
  return std::make_unique<FakeTimer>(state, time_, &next_seq_);
}

std::unique_ptr<event::FileEvent> FakeDispatcher::CreateFileEvent(
    int fd, std::function<void(uint32_t)> cb, uint32_t events) {
  auto state = std::make_shared<FileState>(FileState{fd, std::move(cb), events});
  files_.push_back(state);
  return std::make_unique<FakeFileEvent>(state);
}

void FakeDispatcher::Post(std::function<void()> cb) {
  weft::MutexLock lock(&post_mu_);
  posted_.push_back(std::move(cb));
}

bool FakeDispatcher::RunOnce() {
  bool ran = false;
  std::vector<std::function<void()>> batch;
  {
    weft::MutexLock lock(&post_mu_);
    batch.swap(posted_);
  }
  for (auto& cb : batch) {
    cb();
    RunDeferredActions();
    ran = true;
  }
  // Drop file events whose owner is gone.
  files_.erase(std::remove_if(files_.begin(), files_.end(),
                              [](const auto& f) { return f->cb == nullptr; }),
               files_.end());
  std::vector<std::shared_ptr<FileState>> watched;
  std::vector<pollfd> pfds;
  for (const auto& f : files_) {
    if (f->events == 0) continue;
    short ev = 0;
    if (f->events & event::kReadable) ev |= POLLIN;
    if (f->events & event::kWritable) ev |= POLLOUT;
    pfds.push_back(pollfd{f->fd, ev, 0});
    watched.push_back(f);
  }
  if (!pfds.empty() && poll(pfds.data(), pfds.size(), 0) > 0) {
    for (size_t i = 0; i < pfds.size(); ++i) {
      uint32_t ready = 0;
      if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) ready |= event::kReadable;
      if (pfds[i].revents & (POLLOUT | POLLERR)) ready |= event::kWritable;
      const bool broken = (pfds[i].revents & (POLLHUP | POLLERR)) != 0;
      ready &= watched[i]->events | (broken ? uint32_t{event::kReadable} : uint32_t{0});
      // Re-check: an earlier callback in this round may have disabled or freed it.
      if (ready != 0 && watched[i]->cb != nullptr && watched[i]->events != 0) {
        auto cb = watched[i]->cb;  // the callback may destroy the event
        cb(ready);
        RunDeferredActions();
        ran = true;
      }
    }
  }
  return ran;
}

void FakeDispatcher::RunUntilIdle() {
  exit_ = false;
  for (int rounds = 0; RunOnce(); ++rounds) {
    if (exit_) return;
    if (rounds > 100000) {
      std::fprintf(stderr, "FakeDispatcher: no quiescence after 100000 rounds\n");
      std::abort();
    }
  }
}

void FakeDispatcher::Run() { RunUntilIdle(); }

bool FakeDispatcher::FireDueTimers() {
  timers_.erase(std::remove_if(timers_.begin(), timers_.end(),
                               [](const auto& t) { return t->cb == nullptr; }),
                timers_.end());
  std::shared_ptr<TimerState> next;
  for (const auto& t : timers_) {
    if (!t->enabled || t->deadline > time_.MonotonicNow()) continue;
    if (next == nullptr || t->deadline < next->deadline ||
        (t->deadline == next->deadline && t->seq < next->seq)) {
      next = t;
    }
  }
  if (next == nullptr) return false;
  next->enabled = false;
  auto cb = next->cb;
  cb();
  RunDeferredActions();
  return true;
}

void FakeDispatcher::AdvanceTime(absl::Duration d) {
  const absl::Time end = time_.MonotonicNow() + d;
  RunUntilIdle();
  while (true) {
    // Step to the earliest pending deadline within the window.
    absl::Time next = end;
    for (const auto& t : timers_) {
      if (t->cb != nullptr && t->enabled && t->deadline < next) next = t->deadline;
    }
    if (next > time_.MonotonicNow()) time_.Advance(next - time_.MonotonicNow());
    while (FireDueTimers()) RunUntilIdle();
    if (time_.MonotonicNow() >= end) break;
  }
}

}  // namespace weft::testing
