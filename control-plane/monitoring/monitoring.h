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
  uint64_t certificate_signings = 0;  // no CA yet: always 0
};

void RenderControlPlaneMetrics(const MonitoringInputs& inputs, stats::PrometheusTextWriter& writer);
std::string ModelJson(const SourceState& state);
std::string ProxiesJson(const std::vector<xds::ProxyStatus>& proxies, absl::Time now);

// Adds /metrics, /debug/model, /debug/proxies and /ready to `server`.
void InstallMonitoringHandlers(admin::AdminServer& server, MonitoringInputs inputs,
                               std::function<absl::Time()> now);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_MONITORING_MONITORING_H_
