#ifndef WEFT_CONTROL_PLANE_KUBE_FAKE_API_TRANSPORT_H_
#define WEFT_CONTROL_PLANE_KUBE_FAKE_API_TRANSPORT_H_

// A scripted ApiTransport for tests: each Get, Send or Watch takes the next
// scripted reply (in order; ReplyGet/FailGet script a Get or a Send) and
// records the path it was called with ("PATCH /apis/..." for a Send, whose body
// is kept in bodies()). When the script is used up it returns kCancelled
// ("the end"), or, with set_block_when_done(true), waits like a quiet server
// until more is scripted or Cancel is called.
//
//   FakeApiTransport api;
//   api.ReplyGet(200, R"({"metadata":{"resourceVersion":"5"},"items":[]})");
//   api.ReplyWatch({R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})"},
//                  absl::UnavailableError("connection reset"));
//
// Thread-safe: a reflector thread may read while the test thread scripts and
// waits (WaitUntilBlocked) for it to use everything up.

#include <condition_variable>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/sync/mutex.h"
#include "control-plane/kube/api_transport.h"

namespace weft::control_plane::kube {

class FakeApiTransport : public ApiTransport {
 public:
  // A Get reply: a response or a transport error.
  void ReplyGet(int status, std::string body) {
    Push({false, {}, Response{status, std::move(body)}});
  }
  void FailGet(absl::Status error) { Push({false, {}, std::move(error)}); }
  // A Watch reply: `lines` streamed (for a 200), then `end` returned.
  void ReplyWatch(std::vector<std::string> lines, absl::StatusOr<Response> end = Response{200, ""}) {
    Push({true, std::move(lines), std::move(end)});
  }
  void set_block_when_done(bool block) {
    weft::MutexLock lock(&mu_);
    block_when_done_ = block;
  }

  absl::StatusOr<Response> Get(const std::string& path) override {
    return Next(false, "GET " + path, nullptr);
  }
  absl::StatusOr<Response> Watch(const std::string& path, const LineCallback& on_line) override {
    return Next(true, "WATCH " + path, &on_line);
  }
  absl::StatusOr<Response> Send(const std::string& method, const std::string& path,
                                const std::string& content_type, const std::string& body) override {
    {
      weft::MutexLock lock(&mu_);
      bodies_.push_back(body);
      content_types_.push_back(content_type);
    }
    return Next(false, method + " " + path, nullptr);
  }
  void Cancel() override {
    weft::MutexLock lock(&mu_);
    cancelled_ = true;
    cv_.notify_all();
  }

  // Returns once the script is used up and a caller waits for more.
  void WaitUntilBlocked() {
    weft::MutexLock lock(&mu_);
    cv_.wait(mu_, [this] { return blocked_; });
  }
  std::vector<std::string> paths() const {
    weft::MutexLock lock(&mu_);
    return paths_;
  }
  std::vector<std::string> bodies() const {
    weft::MutexLock lock(&mu_);
    return bodies_;
  }
  std::vector<std::string> content_types() const {
    weft::MutexLock lock(&mu_);
    return content_types_;
  }

 private:
  struct Reply {
    bool watch;
    std::vector<std::string> lines;
    absl::StatusOr<Response> end;
  };

  void Push(Reply reply) {
    weft::MutexLock lock(&mu_);
    script_.push_back(std::move(reply));
    blocked_ = false;
    cv_.notify_all();
  }

  absl::StatusOr<Response> Next(bool watch, std::string path, const LineCallback* on_line) {
    Reply reply;
    {
      weft::MutexLock lock(&mu_);
      paths_.push_back(std::move(path));
      while (!cancelled_ && script_.empty() && block_when_done_) {
        blocked_ = true;
        cv_.notify_all();
        cv_.wait(mu_);
      }
      blocked_ = false;
      if (cancelled_ || script_.empty()) return absl::CancelledError("end of script");
      reply = std::move(script_.front());
      script_.pop_front();
    }
    if (reply.watch != watch) {
      return absl::InternalError(std::string("script expected a ") +
                                 (reply.watch ? "WATCH" : "GET"));
    }
    for (const std::string& line : reply.lines) {
      if (!(*on_line)(line)) return absl::CancelledError("stopped by the reader");
    }
    return reply.end;
  }

  mutable weft::Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Reply> script_;
  std::vector<std::string> paths_;
  std::vector<std::string> bodies_;
  std::vector<std::string> content_types_;
  bool cancelled_ = false;
  bool block_when_done_ = false;
  bool blocked_ = false;
};

// Lets a test keep a fake while the code under test owns its transports.
class ForwardingApiTransport : public ApiTransport {
 public:
  explicit ForwardingApiTransport(ApiTransport& to) : to_(to) {}
  absl::StatusOr<Response> Get(const std::string& p) override { return to_.Get(p); }
  absl::StatusOr<Response> Watch(const std::string& p, const LineCallback& cb) override {
    return to_.Watch(p, cb);
  }
  absl::StatusOr<Response> Send(const std::string& m, const std::string& p,
                                const std::string& t, const std::string& b) override {
    return to_.Send(m, p, t, b);
  }
  void Cancel() override { to_.Cancel(); }

 private:
  ApiTransport& to_;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_FAKE_API_TRANSPORT_H_
