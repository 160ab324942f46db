#ifndef WEFT_PROXY_HEALTH_APP_HEALTH_SERVICE_H_
#define WEFT_PROXY_HEALTH_APP_HEALTH_SERVICE_H_

// Answers the kubelet's rewritten probes (GET /app-health/<container>/<probe> on
// the metrics port, 15020) by performing the app's original probe against
// 127.0.0.1 (docs/mesh-proxy.md#app-health):
//   httpGet   an HTTP/1.1 GET of the probe's path with its headers; 200 when the
//             app answers 2xx or 3xx, else 503 with the app's status in the body;
//   tcpSocket a TCP connect; 200 when it succeeds, else 503;
//   HTTPS     httpGet with scheme HTTPS: only the TCP connect is checked (the
//             proxy does not speak TLS to the app's own certificate);
//   grpc      grpc.health.v1.Health/Check over HTTP/2 (grpc_health.h); 200 when
//             the app answers SERVING, else 503 with what it answered;
// all within the probe's timeoutSeconds (default 1 s). Unknown paths get 404.
//
// Non-blocking, on the dispatcher it is given (the main thread's, which also
// runs the admin servers): each check is a network::Connection with a timer,
// and the answer is sent through AdminServer::Respond when the check ends. A
// worker thread would save nothing: a check is a connect and a few bytes.
//
//   AppHealthService health(server.main_dispatcher(), std::move(*probes));
//   metrics_server.AddPrefixHandler("/app-health/", "...",
//       [&health](const admin::AdminRequest& r, admin::AdminServer::Respond respond) {
//         health.Handle(r.path, std::move(respond));
//       });
//
// The proxy's connection to the app is not captured by mesh-init: the proxy
// runs as the exempt UID.
// Thread-compatible: the owning dispatcher's thread only.

#include <map>
#include <memory>

#include "absl/strings/string_view.h"
#include "common/event/dispatcher.h"
#include "proxy/admin/admin_server.h"
#include "proxy/health/app_probes.h"

namespace weft::health {

class AppHealthService {
 public:
  // More checks in flight than this are answered 503 at once (the port is
  // reachable from outside the pod).
  static constexpr size_t kMaxChecksInFlight = 64;

  AppHealthService(event::Dispatcher& dispatcher, AppProbes probes);
  // Checks still in flight are dropped without an answer.
  ~AppHealthService();

  // `respond` is called exactly once, now (404, overload) or when the check ends.
  void Handle(absl::string_view path, admin::AdminServer::Respond respond);

  size_t checks_in_flight() const { return checks_.size(); }

 private:
  class Check;
  void Finish(Check* check, admin::AdminResponse response);

  event::Dispatcher& dispatcher_;
  const AppProbes probes_;
  std::map<Check*, std::unique_ptr<Check>> checks_;
};

}  // namespace weft::health

#endif  // WEFT_PROXY_HEALTH_APP_HEALTH_SERVICE_H_
