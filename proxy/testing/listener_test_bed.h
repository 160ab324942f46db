#ifndef WEFT_PROXY_TESTING_LISTENER_TEST_BED_H_
#define WEFT_PROXY_TESTING_LISTENER_TEST_BED_H_

// What a listener hands the sessions it accepts, for session unit tests: a
// FakeSessionHost and the filter chains, stats and context of a config's first
// listener. Torn down in the order sessions need: Reset() (or the destructor)
// ends the host, and every session with it, before the context and the stats
// those sessions use.
//
//   testing::ListenerTestBed bed(std::make_unique<testing::FakeSessionHost>(dispatcher, config),
//                                config);
//   bed.stats().cx_active.Add(1);  // as the listener does for each connection
//   HttpConnectionManager::Start(bed.context(), listener::ConnectionInfo{}, ...);
//
// Thread-compatible, like the sessions it hosts.

#include <memory>
#include <string>
#include <utility>

#include "proxy/config/model.h"
#include "proxy/listener/filter_chain_table.h"
#include "proxy/listener/session.h"
#include "proxy/testing/fake_session_host.h"

namespace weft::testing {

class ListenerTestBed {
 public:
  // `config` must outlive the bed; its first listener is the one served.
  ListenerTestBed(std::unique_ptr<FakeSessionHost> host, const config::ProxyConfig& config,
                  const std::string& stats_name = "test")
      : host_(std::move(host)),
        chains_(std::make_shared<const listener::FilterChainTable>(config.listeners[0], config)),
        stats_(std::make_unique<listener::ListenerStats>(host_->scope(), stats_name)),
        context_(std::make_shared<listener::ListenerContext>(config.listeners[0], *stats_,
                                                            chains_, *host_)) {}
  ~ListenerTestBed() { Reset(); }
  ListenerTestBed(const ListenerTestBed&) = delete;
  ListenerTestBed& operator=(const ListenerTestBed&) = delete;

  // Ends every session, then drops the context.
  void Reset() {
    host_.reset();
    context_.reset();
  }

  FakeSessionHost& host() const { return *host_; }
  listener::ListenerStats& stats() const { return *stats_; }
  const listener::ListenerContextPtr& context() const { return context_; }

 private:
  std::unique_ptr<FakeSessionHost> host_;
  std::shared_ptr<const listener::FilterChainTable> chains_;
  std::unique_ptr<listener::ListenerStats> stats_;
  listener::ListenerContextPtr context_;
};

}  // namespace weft::testing

#endif  // WEFT_PROXY_TESTING_LISTENER_TEST_BED_H_
