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
#include "proxy/observability/access_log.h"
#include "proxy/observability/request_metrics.h"
#include "proxy/server/telemetry.h"
#include "proxy/tls/mesh_tls.h"
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
  // `telemetry` (may be null) must outlive the worker.
  Worker(int index, config::ProxyConfigPtr config, stats::Store& store,
         const TimeSource& time_source, uint64_t random_seed, Telemetry* telemetry = nullptr,
         const tls::MeshTls* mesh_tls = nullptr);
  ~Worker() override;

  // Binds the listeners (so that bind errors surface here), then starts the thread.
  absl::Status Start();
  // Switches to `config` on the worker's thread: listeners that stay keep their
  // sockets and connections, and take new settings and routes; clusters are
  // updated in place; requests in flight finish on what they started with.
  // Thread-safe; returns once the worker has applied it (or failed to bind a new
  // listener, which is reported and leaves the rest applied).
  absl::Status ApplyConfig(config::ProxyConfigPtr config);
  // Stops accepting; idle keep-alive connections close, in-flight ones finish.
  void Drain();
  // Ends the loop and joins the thread; remaining connections are closed.
  void Stop();
  int64_t active_sessions() const { return active_sessions_.load(std::memory_order_relaxed); }
  // The endpoints' state on this worker (see ClusterManager::Status), read on
  // the worker's thread. Thread-safe; waits for the worker.
  std::map<std::string, std::map<std::string, upstream::ClusterManager::EndpointStatus>>
  EndpointStatus();

  // listener::SessionHost
  event::Dispatcher& dispatcher() override { return *dispatcher_; }
  upstream::ClusterManager& clusters() override { return *clusters_; }
  listener::Session* AddSession(std::unique_ptr<listener::Session> session) override;
  void RemoveSession(listener::Session* session) override;
  bool draining() const override { return draining_; }
  stats::Counter& ErrorCounter(absl::string_view reason) override;
  RandomGenerator& random() override { return random_; }
  void CloseLater(std::unique_ptr<network::Connection> connection) override;
  observability::WorkerRequestMetrics* request_metrics() override { return request_metrics_.get(); }
  observability::AccessLogger* access_logger() override { return access_logger_.get(); }
  bool tracing() const override { return tracing_; }
  const tls::MeshTls* mesh_tls() const override { return mesh_tls_; }
  resilience::RateLimiter* rate_limiter() override {
    return telemetry_ != nullptr ? &telemetry_->rate_limiter : nullptr;
  }

 private:
  struct ListenerSlot {
    std::unique_ptr<listener::ActiveListener> active;
  };
  listener::ListenerStats& StatsFor(const std::string& listener_name);
  absl::Status ApplyOnThread(const config::ProxyConfigPtr& config);
  absl::Status AddListener(const config::Listener& l, const config::ProxyConfig& config);

  void SetUpAccessLog(const config::Observability& o);
  void OnLogFlushTimer();

  const int index_;
  config::ProxyConfigPtr config_;
  stats::Scope& scope_;
  std::unique_ptr<event::LibeventDispatcher> dispatcher_;
  std::unique_ptr<upstream::ClusterManager> clusters_;
  std::unique_ptr<network::ClosingConnections> closing_;
  absl::flat_hash_map<std::string, ListenerSlot> listeners_;
  // By listener name; kept when a listener goes away (its sessions may still count).
  absl::flat_hash_map<std::string, std::unique_ptr<listener::ListenerStats>> listener_stats_;
  absl::flat_hash_map<listener::Session*, std::unique_ptr<listener::Session>> sessions_;
  absl::flat_hash_map<std::string, stats::Counter*> error_counters_;
  std::atomic<int64_t> active_sessions_{0};
  RealRandom random_;
  std::unique_ptr<observability::WorkerRequestMetrics> request_metrics_;
  std::unique_ptr<observability::AccessLogger> access_logger_;
  std::unique_ptr<event::Timer> log_flush_timer_;
  bool tracing_ = true;
  Telemetry* telemetry_ = nullptr;
  const tls::MeshTls* mesh_tls_ = nullptr;
  bool draining_ = false;
  std::thread thread_;
};

}  // namespace weft::server

#endif  // WEFT_PROXY_SERVER_WORKER_H_
