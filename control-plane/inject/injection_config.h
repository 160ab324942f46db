#ifndef WEFT_CONTROL_PLANE_INJECT_INJECTION_CONFIG_H_
#define WEFT_CONTROL_PLANE_INJECT_INJECTION_CONFIG_H_

// What the injector puts into a pod: images, the control plane's address, the
// identity settings the proxy needs for its CSR, default proxy resources. The
// ports follow the project's conventions (ARCHITECTURE.md) and are not settable.
//
//   InjectionConfig config;
//   config.proxy_image = "registry.example/weft/mesh-proxy:1.0";
//   RETURN_IF_ERROR(config.Validate());   // every problem at once
//
// A plain value type.

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace weft::inject {

inline constexpr int kOutboundCapturePort = 15001;
inline constexpr int kInboundCapturePort = 15006;
inline constexpr int kProxyAdminPort = 15000;
inline constexpr int kProxyHealthPort = 15020;  // metrics, /ready, /app-health/...

// Where the injected volumes are mounted in the proxy container.
inline constexpr char kTokenDirectory[] = "/var/run/secrets/weft/tokens";
inline constexpr char kTokenFile[] = "/var/run/secrets/weft/tokens/weft-token";
inline constexpr char kBootstrapDirectory[] = "/etc/weft/bootstrap";
inline constexpr char kBootstrapFile[] = "/etc/weft/bootstrap/bootstrap.yaml";
// The mesh root certificate(s) the proxy checks the control plane's TLS port
// (15012) against: ConfigMap kCaRootConfigMap (key kCaRootKey, root certificates
// only, never a key), which the control plane keeps in every namespace labelled
// for injection (control-plane/kube/ca_root_publisher.h).
inline constexpr char kCaRootConfigMap[] = "weft-ca-root";
inline constexpr char kCaRootKey[] = "root-cert.pem";
inline constexpr char kCaRootDirectory[] = "/var/run/secrets/weft/ca-root";
inline constexpr char kCaRootFile[] = "/var/run/secrets/weft/ca-root/root-cert.pem";
// The proxy's only writable directory (its root filesystem is read-only): an
// in-memory emptyDir, where it keeps the checked copy of kCaRootFile that gRPC
// re-reads (proxy/identity/root_file_mirror.h).
inline constexpr char kTmpDirectory[] = "/tmp";
// mesh-proxy expands ${NAME} in the bootstrap's node id from its environment,
// where the proxy container gets POD_NAME / POD_NAMESPACE (downward API).
inline constexpr char kNodeIdTemplate[] = "${POD_NAMESPACE}/${POD_NAME}";
// The proxy's own zone, for zone-aware balancing: the node's zone, which
// Kubernetes copies onto the pod as this label at binding (KEP-4742, 1.35+);
// on older clusters the label is absent and the variable empty (no zone).
inline constexpr char kZoneEnv[] = "WEFT_ZONE";
inline constexpr char kZoneTemplate[] = "${WEFT_ZONE}";
inline constexpr char kPodZoneFieldPath[] = "metadata.labels['topology.k8s.io/zone']";

struct InjectionConfig {
  std::string proxy_image = "weft/mesh-proxy:latest";
  std::string init_image = "weft/mesh-init:latest";
  // The control plane's xDS + CA address (mTLS port), host:port.
  std::string control_plane_address = "weft-control-plane.weft-system.svc:15012";
  std::string trust_domain = "cluster.local";
  // The projected service-account token the proxy presents with its CSR.
  std::string token_audience = "weft-ca";
  int64_t token_expiration_seconds = 3600;
  // The UID mesh-init exempts from capture; the proxy runs as it.
  int64_t proxy_uid = 1337;
  // Kubernetes >= 1.29: the proxy is a native sidecar (an init container with
  // restartPolicy: Always). false: a regular first container plus a postStart
  // hook that holds the app containers until the proxy is ready.
  bool native_sidecar = true;
  // Default proxy resources (pod annotations override); empty: not set.
  std::string proxy_cpu = "100m";
  std::string proxy_memory = "128Mi";
  std::string proxy_cpu_limit;
  std::string proxy_memory_limit = "512Mi";
  // Route httpGet/tcpSocket probes through the proxy's health port.
  bool rewrite_app_probes = true;
  // Written into the weft.dev/injected annotation.
  std::string version = "v1";

  // kInvalidArgument naming every bad field.
  absl::Status Validate() const;
};

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_INJECTION_CONFIG_H_
