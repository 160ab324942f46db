#ifndef WEFT_PROXY_SERVER_SERVER_H_
#define WEFT_PROXY_SERVER_SERVER_H_

#include <memory>
#include <vector>

#include <functional>

#include "absl/status/status.h"
#include "common/sync/mutex.h"
#include "absl/time/time.h"
#include "common/event/libevent_dispatcher.h"
#include "common/event/signal_event.h"
#include "proxy/admin/admin_server.h"
#include "proxy/admin/inspection.h"
#include "proxy/server/telemetry.h"
#include "proxy/tls/mesh_tls.h"
#include "proxy/config/model.h"
#include "proxy/server/worker.h"
#include "proxy/stats/prometheus_text.h"
#include "proxy/stats/stats.h"

namespace weft::server {

struct ServerOptions {
  int concurrency = 1;
  uint64_t random_seed = 1;  // main.cc seeds it from std::random_device
  absl::Duration drain_timeout = absl::Seconds(5);
};

// The whole proxy process: the workers, and on the main thread the admin server,
// signal handling and draining. Run() returns when the proxy has shut down.
class Server {
 public:
  Server(config::ProxyConfigPtr config, ServerOptions options, const TimeSource& time_source);
  ~Server();

  // Binds every listener on every worker and the admin port, starts the workers,
  // and runs the main loop until shutdown (SIGTERM/SIGINT or /quitquitquit).
  absl::Status Run();

  // Replaces the active config on every worker without dropping connections
  // (see Worker::ApplyConfig). The config is validated as a whole first; an
  // invalid one is rejected with every problem listed and changes nothing.
  // Thread-safe. The admin address cannot change at run time.
  absl::Status UpdateConfig(config::ProxyConfigPtr config);

  // Called on SIGHUP to re-read the config (e.g. the bootstrap file).
  using Reloader = std::function<absl::StatusOr<config::ProxyConfig>()>;
  void set_reloader(Reloader reloader) { reloader_ = std::move(reloader); }

  // Called on the main thread once everything listens (e.g. to start the xDS
  // client), and when shutdown begins, before the workers stop.
  void set_lifecycle(std::function<void()> on_started, std::function<void()> on_stopping) {
    on_started_ = std::move(on_started);
    on_stopping_ = std::move(on_stopping);
  }
  // Extra admin endpoints (before Run()).
  void AddAdminHandler(std::string path, std::string help, admin::AdminServer::Handler handler) {
    extra_handlers_.push_back({std::move(path), std::move(help), std::move(handler)});
  }
  // Endpoints by path prefix on both the metrics port and the admin port (before
  // Run()), answered asynchronously: the kubelet's /app-health/ probes
  // (health/app_health_service.h). The handler must not block the main thread.
  void AddProbeHandler(std::string prefix, std::string help,
                       admin::AdminServer::AsyncHandler handler) {
    probe_handlers_.push_back({std::move(prefix), std::move(help), std::move(handler)});
  }
  // Extra families appended to every /metrics scrape (before Run()), e.g. the
  // xDS client's state (admin/xds_metrics.h). Called on the main thread; each
  // renderer must emit whole families whose names no other renderer uses.
  using MetricsRenderer = std::function<void(stats::PrometheusTextWriter&)>;
  void AddMetricsRenderer(MetricsRenderer renderer) {
    metrics_renderers_.push_back(std::move(renderer));
  }
  // The mTLS contexts every worker uses; main.cc feeds it the workload
  // certificate, config updates feed it the trust bundle (SDS).
  tls::MeshTls& mesh_tls() { return mesh_tls_; }
  // The proxy asks the CA for a certificate (shows in /certs and /metrics).
  void set_identity_enabled(bool enabled) { identity_enabled_ = enabled; }
  // The main thread's loop (admin, signals, certificate renewal timers).
  event::Dispatcher& main_dispatcher() { return dispatcher_; }

 private:
  void InstallAdminHandlers();
  // The read-only views, installed on both the admin port and the metrics port
  // (which is reachable from outside the pod, so never /drain or /quitquitquit).
  void InstallReadOnlyHandlers(admin::AdminServer& server);
  admin::AdminResponse RenderMetrics();
  admin::CertsView CertsNow() const;
  // Every worker's view of the endpoints, merged (main thread; waits for workers).
  admin::EndpointStates CollectEndpointStates();
  void StartDrain(bool then_exit);
  void CheckDrained();
  void Shutdown();

  config::ProxyConfigPtr CurrentConfig() const;
  void Reload();

  mutable weft::Mutex config_mu_;
  config::ProxyConfigPtr config_ ABSL_GUARDED_BY(config_mu_);
  weft::Mutex update_mu_;  // one update at a time
  Reloader reloader_;
  std::function<void()> on_started_;
  std::function<void()> on_stopping_;
  struct ExtraHandler {
    std::string path;
    std::string help;
    admin::AdminServer::Handler handler;
  };
  std::vector<ExtraHandler> extra_handlers_;
  struct ProbeHandler {
    std::string prefix;
    std::string help;
    admin::AdminServer::AsyncHandler handler;
  };
  std::vector<ProbeHandler> probe_handlers_;
  std::vector<MetricsRenderer> metrics_renderers_;
  stats::Counter* reloads_ok_ = nullptr;
  stats::Counter* reloads_rejected_ = nullptr;
  const ServerOptions options_;
  const TimeSource& time_source_;
  stats::Store store_;
  Telemetry telemetry_;  // before the workers, which write into it
  tls::MeshTls mesh_tls_;  // before the workers, which read it
  bool identity_enabled_ = false;
  stats::Scope& main_scope_;
  event::LibeventDispatcher dispatcher_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<admin::AdminServer> admin_;
  // Prometheus scrapes /metrics here (observability.metrics_port).
  std::unique_ptr<admin::AdminServer> metrics_server_;
  std::unique_ptr<event::SignalEvent> signals_;
  std::unique_ptr<event::Timer> drain_poll_timer_;
  bool draining_ = false;
  bool exit_after_drain_ = false;
  absl::Time drain_deadline_;
};

}  // namespace weft::server

#endif  // WEFT_PROXY_SERVER_SERVER_H_
