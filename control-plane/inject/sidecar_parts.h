#ifndef WEFT_CONTROL_PLANE_INJECT_SIDECAR_PARTS_H_
#define WEFT_CONTROL_PLANE_INJECT_SIDECAR_PARTS_H_

// The objects the injector adds to a pod: the mesh-init init container, the
// mesh-proxy container, its volumes (the projected service-account token for the
// CSR, the bootstrap file), and the bootstrap itself.
//
//   SidecarParts parts = BuildSidecarParts(identity, options, config, rewrites.originals);
//
// Thread-compatible (pure function).

#include <string>
#include <vector>

#include "common/json/json_value.h"
#include "control-plane/inject/injection_config.h"
#include "control-plane/inject/pod_options.h"

namespace weft::inject {

// Who the pod is, as far as the proxy's bootstrap needs it.
struct PodIdentity {
  std::string ns;
  std::string name;  // metadata.name, else generateName without its trailing '-'
  std::string service_account = "default";
  std::string app;   // the "app" label, else `name`: the xDS node cluster
};

struct SidecarParts {
  json::Json init_container;
  json::Json proxy_container;
  std::vector<json::Json> volumes;
  std::string bootstrap_yaml;  // goes into the kBootstrapAnnotation
};

// `app_probes`: the originals of rewritten probes (an empty object when none).
SidecarParts BuildSidecarParts(const PodIdentity& identity, const PodOptions& options,
                               const InjectionConfig& config, const json::Json& app_probes);

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_SIDECAR_PARTS_H_
