#ifndef WEFT_CONTROL_PLANE_INJECT_ANNOTATIONS_H_
#define WEFT_CONTROL_PLANE_INJECT_ANNOTATIONS_H_

// The names operators write to steer sidecar injection (docs/injection.md has the
// table). One prefix for all of them: `weft.dev/`.
//
//   metadata:
//     annotations:
//       weft.dev/inject: "true"
//       weft.dev/exclude-outbound-cidrs: "169.254.169.254/32"

namespace weft::inject {

// Namespace label: "enabled" opts every pod of the namespace in.
inline constexpr char kInjectLabel[] = "weft.dev/inject";

// Pod annotations read by the injector.
inline constexpr char kInjectAnnotation[] = "weft.dev/inject";  // "true" | "false"
inline constexpr char kExcludeInboundPorts[] = "weft.dev/exclude-inbound-ports";
inline constexpr char kExcludeOutboundPorts[] = "weft.dev/exclude-outbound-ports";
inline constexpr char kExcludeOutboundCidrs[] = "weft.dev/exclude-outbound-cidrs";
inline constexpr char kProxyCpu[] = "weft.dev/proxy-cpu";
inline constexpr char kProxyMemory[] = "weft.dev/proxy-memory";
inline constexpr char kProxyCpuLimit[] = "weft.dev/proxy-cpu-limit";
inline constexpr char kProxyMemoryLimit[] = "weft.dev/proxy-memory-limit";
inline constexpr char kRewriteAppProbes[] = "weft.dev/rewrite-app-probes";  // "true" | "false"

// Written by the injector.
inline constexpr char kInjectedAnnotation[] = "weft.dev/injected";       // the injector version
inline constexpr char kBootstrapAnnotation[] = "weft.dev/proxy-bootstrap";  // mesh-proxy's YAML

// Names of what the injector adds (also how an injected pod is recognized).
inline constexpr char kProxyContainerName[] = "weft-proxy";
inline constexpr char kInitContainerName[] = "weft-init";
inline constexpr char kTokenVolumeName[] = "weft-token";
inline constexpr char kBootstrapVolumeName[] = "weft-bootstrap";
inline constexpr char kCaRootVolumeName[] = "weft-ca-root";
inline constexpr char kTmpVolumeName[] = "weft-tmp";
// The proxy container's environment variable holding the original app probes
// (JSON: {"/app-health/<container>/<kind>": {"httpGet": {...}}}).
inline constexpr char kAppProbesEnv[] = "WEFT_APP_PROBES";

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_ANNOTATIONS_H_
