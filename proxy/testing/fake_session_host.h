#ifndef WEFT_PROXY_TESTING_FAKE_SESSION_HOST_H_
#define WEFT_PROXY_TESTING_FAKE_SESSION_HOST_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/fake_dispatcher.h"
#include "proxy/listener/session.h"
#include "proxy/network/closing_connections.h"
#include "proxy/resilience/rate_limiter.h"
#include "proxy/stats/stats.h"
#include "proxy/upstream/cluster.h"

namespace weft::testing {

// A SessionHost for session unit tests: sessions run on a FakeDispatcher
// (simulated time, real sockets), with the clusters of a given config.
class FakeSessionHost : public listener::SessionHost {
 public:
  struct Options {
    // The values random() returns, in turn (load balancers, backoff jitter,
    // fault injection).
    std::vector<uint64_t> random = {0, 7, 3, 9, 1};
    // Hand sessions a RateLimiter on the dispatcher's simulated time (the
    // worker does); without it routes' rate limits are not enforced.
    bool rate_limiter = false;
  };
  FakeSessionHost(FakeDispatcher& dispatcher, const config::ProxyConfig& config)
      : FakeSessionHost(dispatcher, config, Options()) {}
  FakeSessionHost(FakeDispatcher& dispatcher, const config::ProxyConfig& config,
                  const Options& options)
      : dispatcher_(dispatcher),
        random_(options.random),
        clusters_(dispatcher, config, scope_, random_),
        closing_(dispatcher, absl::Seconds(10)) {
    if (options.rate_limiter) {
      rate_limiter_ = std::make_unique<resilience::RateLimiter>(dispatcher.time_source());
    }
  }
  ~FakeSessionHost() override {
    sessions_.clear();
    dispatcher_.RunUntilIdle();
  }

  event::Dispatcher& dispatcher() override { return dispatcher_; }
  upstream::ClusterManager& clusters() override { return clusters_; }
  listener::Session* AddSession(std::unique_ptr<listener::Session> s) override {
    listener::Session* raw = s.get();
    sessions_[raw] = std::move(s);
    return raw;
  }
  void RemoveSession(listener::Session* s) override {
    auto it = sessions_.find(s);
    if (it == sessions_.end()) return;
    dispatcher_.DeferDelete(std::move(it->second));
    sessions_.erase(it);
  }
  bool draining() const override { return draining_; }
  stats::Counter& ErrorCounter(absl::string_view reason) override {
    return scope_.counter(absl::StrCat("proxy.errors.", reason));
  }
  RandomGenerator& random() override { return random_; }
  resilience::RateLimiter* rate_limiter() override { return rate_limiter_.get(); }
  void CloseLater(std::unique_ptr<network::Connection> c) override {
    closing_.Adopt(std::move(c));
  }

  size_t session_count() const { return sessions_.size(); }
  uint64_t counter(const std::string& name) { return scope_.counter(name).value(); }
  stats::Scope& scope() { return scope_; }
  void set_draining(bool d) { draining_ = d; }
  void DrainAll() {
    std::vector<listener::Session*> all;
    for (auto& [p, s] : sessions_) all.push_back(p);
    for (auto* s : all) {
      if (sessions_.count(s)) s->OnDrain();
    }
  }

 private:
  FakeDispatcher& dispatcher_;
  stats::Scope scope_;
  FixedRandom random_;  // before clusters_, which use it
  upstream::ClusterManager clusters_;
  network::ClosingConnections closing_;
  std::unique_ptr<resilience::RateLimiter> rate_limiter_;
  std::map<listener::Session*, std::unique_ptr<listener::Session>> sessions_;
  bool draining_ = false;
};

}  // namespace weft::testing

#endif  // WEFT_PROXY_TESTING_FAKE_SESSION_HOST_H_
