#ifndef WEFT_CONTROL_PLANE_MONITORING_MONITORING_H_
#define WEFT_CONTROL_PLANE_MONITORING_MONITORING_H_

// What mesh-control-plane shows operators on its monitoring port (default
// 127.0.0.1:15014, Istio's control-plane monitoring port):
//
//   /metrics        Prometheus text: xDS pushes, push->ACK latency, ACKs and
//                   NACKs (XdsMetrics), connected proxies and their sync state,
//                   certificate signings, and the config source's state
//   /debug/model    the model in force, as JSON (services, workloads, endpoints,
//                   routes, policies by name, warnings)
//   /debug/proxies  connected proxies and what each has ACKed, as JSON
//   /debug/certs    (with the CA) roots, rotation phase and live workload
//                   certificates, as JSON (`meshctl certs`)
//   POST /debug/certs/rotate-root
//                   (with the CA) begins a root rotation; 409 if one is under way
//   /ready          200 once a valid model is in force, else 503
//
// The renderers are pure functions over snapshots so they can be tested without
// a server; Monitoring::Install wires them on an admin::AdminServer.
//
// Threading: the Inputs' accessors are called on the admin server's thread;
// each must be thread-safe. All pointers must outlive the server.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control-plane/monitoring/source_state.h"
#include "control-plane/xds/sync_status.h"
#include "control-plane/xds/xds_metrics.h"
#include "proxy/admin/admin_server.h"
#include "proxy/stats/prometheus_text.h"

namespace weft::control_plane {

struct MonitoringInputs {
  const xds::XdsMetrics* metrics = nullptr;
  std::function<std::vector<xds::ProxyStatus>()> list_proxies;
  std::function<SourceState()> source_state;
  // With the CA (all optional; absent: no certificate metrics or endpoints).
  // Appends weft_cp_certificate_signings_total and friends to /metrics.
  std::function<void(stats::PrometheusTextWriter&)> render_ca_metrics;
  // The body of /debug/certs.
  std::function<std::string()> certs_json;
  // Begins a root rotation; the new state as JSON, or kFailedPrecondition.
  std::function<absl::StatusOr<std::string>()> rotate_root;
};

void RenderControlPlaneMetrics(const MonitoringInputs& inputs, stats::PrometheusTextWriter& writer);
std::string ModelJson(const SourceState& state);
std::string ProxiesJson(const std::vector<xds::ProxyStatus>& proxies, absl::Time now);

// Adds /metrics, /debug/model, /debug/proxies and /ready to `server`, and
// /debug/certs, /debug/certs/rotate-root when the inputs have them.
void InstallMonitoringHandlers(admin::AdminServer& server, MonitoringInputs inputs,
                               std::function<absl::Time()> now);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_MONITORING_MONITORING_H_
