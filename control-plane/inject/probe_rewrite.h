#ifndef WEFT_CONTROL_PLANE_INJECT_PROBE_REWRITE_H_
#define WEFT_CONTROL_PLANE_INJECT_PROBE_REWRITE_H_

// Keeps the kubelet's health checks working once inbound traffic is captured
// (under STRICT mTLS the kubelet's plaintext would be refused): an httpGet,
// tcpSocket or grpc probe on an app port becomes an httpGet on the proxy's
// health port, path /app-health/<container>/<livez|readyz|startupz>, and the
// original (with a named port resolved to its number) is recorded for the proxy,
// which performs it against the app (grpc: grpc.health.v1.Health/Check). exec
// probes are left unchanged: they run inside the container.
//
//   ProbeRewrites rewrites;
//   RewriteProbes(pod["spec"]["containers"], "/spec/containers", excluded_ports, &rewrites);
//   // rewrites.ops: one "replace" per rewritten probe
//   // rewrites.originals: {"/app-health/web/livez": {"httpGet": {...}}, ...}
//
// Thread-compatible (pure function).

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/json/json_value.h"
#include "control-plane/inject/json_patch.h"

namespace weft::inject {

struct ProbeRewrites {
  std::vector<PatchOp> ops;
  json::Json originals = json::Json::Object();
};

// Probes on a port in `excluded_inbound_ports` reach the app directly and are kept.
void RewriteProbes(const json::Json& containers, absl::string_view path_prefix,
                   const std::vector<int>& excluded_inbound_ports, ProbeRewrites* out);

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_PROBE_REWRITE_H_
