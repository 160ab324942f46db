#ifndef WEFT_PROXY_SERVER_WORKER_H_
#define WEFT_PROXY_SERVER_WORKER_H_

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/event/libevent_dispatcher.h"
#include "proxy/config/model.h"
#include "proxy/http/router.h"
#include "proxy/listener/active_listener.h"
#include "proxy/network/closing_connections.h"
#include "proxy/stats/stats.h"
#include "proxy/upstream/cluster.h"

namespace weft::server {

// One event loop thread with its own listening sockets, sessions, clusters,
// connection pools and stats scope. Nothing on the request path is shared with
// other workers, so nothing there takes a lock.
// Start/Drain/Stop and the counters are thread-safe; everything else runs on the
// worker's own thread.
class Worker final : public listener::SessionHost {
 public:
  Worker(int index, config::ProxyConfigPtr config, stats::Store& store,
         const TimeSource& time_source);
  ~Worker() override;

  // Binds the listeners (so that bind errors surface here), then starts the thread.
  absl::Status Start();
  // Stops accepting; idle keep-alive connections close, in-flight ones finish.
  void Drain();
  // Ends the loop and joins the thread; remaining connections are closed.
  void Stop();
  int64_t active_sessions() const { return active_sessions_.load(std::memory_order_relaxed); }

  // listener::SessionHost
  event::Dispatcher& dispatcher() override { return *dispatcher_; }
  upstream::ClusterManager& clusters() override { return *clusters_; }
  listener::Session* AddSession(std::unique_ptr<listener::Session> session) override;
  void RemoveSession(listener::Session* session) override;
  bool draining() const override { return draining_; }
  stats::Counter& ErrorCounter(absl::string_view reason) override;
  void CloseLater(std::unique_ptr<network::Connection> connection) override;

 private:
  struct ListenerSlot {
    std::unique_ptr<listener::ListenerStats> stats;
    std::unique_ptr<http::RouteTable> routes;
    std::unique_ptr<listener::ListenerContext> context;
    std::unique_ptr<listener::ActiveListener> active;
  };

  const int index_;
  const config::ProxyConfigPtr config_;
  stats::Scope& scope_;
  std::unique_ptr<event::LibeventDispatcher> dispatcher_;
  std::unique_ptr<upstream::ClusterManager> clusters_;
  std::unique_ptr<network::ClosingConnections> closing_;
  std::vector<ListenerSlot> listeners_;
  absl::flat_hash_map<listener::Session*, std::unique_ptr<listener::Session>> sessions_;
  absl::flat_hash_map<std::string, stats::Counter*> error_counters_;
  std::atomic<int64_t> active_sessions_{0};
  bool draining_ = false;
  std::thread thread_;
};

}  // namespace weft::server

#endif  // WEFT_PROXY_SERVER_WORKER_H_
