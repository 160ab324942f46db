#ifndef WEFT_PROXY_HEALTH_APP_PROBES_H_
#define WEFT_PROXY_HEALTH_APP_PROBES_H_

// The app's own health probes, as the sidecar injector recorded them when it
// pointed the kubelet at the proxy instead (docs/injection.md): the JSON of the
// proxy container's WEFT_APP_PROBES variable, keyed by the path the kubelet now
// asks on port 15020.
//
//   {"/app-health/web/readyz": {"httpGet": {"path": "/healthz", "port": 8080,
//                                          "httpHeaders": [{"name": "x", "value": "y"}]},
//                               "timeoutSeconds": 2},
//    "/app-health/web/livez": {"tcpSocket": {"port": 8080}},
//    "/app-health/api/readyz": {"grpc": {"port": 9090, "service": "api"}}}
//
//   absl::StatusOr<AppProbes> probes = ParseAppProbes(getenv("WEFT_APP_PROBES"));
//   if (!probes.ok()) { /* every problem, one a line */ }
//
// Pure and thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace weft::health {

// The environment variable the injector sets (control-plane/inject/annotations.h).
inline constexpr char kAppProbesEnv[] = "WEFT_APP_PROBES";
// The path every probe key starts with: /app-health/<container>/<livez|readyz|startupz>.
inline constexpr char kAppHealthPrefix[] = "/app-health/";

struct AppProbe {
  enum class Action { kHttpGet, kTcpSocket, kGrpc };
  Action action = Action::kTcpSocket;
  uint16_t port = 0;  // on 127.0.0.1
  // httpGet only.
  std::string path = "/";
  bool https = false;  // scheme HTTPS: only the TCP connect is checked
  std::vector<std::pair<std::string, std::string>> headers;
  // grpc only: the service name of the health check ("" = the server overall).
  std::string service;
  absl::Duration timeout = absl::Seconds(1);  // the probe's timeoutSeconds
};

// By health path ("/app-health/web/readyz").
using AppProbes = std::map<std::string, AppProbe, std::less<>>;

// Empty or blank text means no probes. Otherwise kInvalidArgument listing every
// problem (not JSON, a key that is not /app-health/<container>/<kind>, a missing
// or non-numeric port, an unknown scheme, a grpc service that is not a string,
// ...), each naming the key.
absl::StatusOr<AppProbes> ParseAppProbes(absl::string_view json_text);

}  // namespace weft::health

#endif  // WEFT_PROXY_HEALTH_APP_PROBES_H_
