#include "control-plane/inject/sidecar_parts.h"

#include <initializer_list>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-plane/inject/annotations.h"

namespace weft::inject {
namespace {

using json::Json;

Json Str(absl::string_view s) { return Json::String(std::string(s)); }
Json Num(double d) { return Json::Number(d); }
Json Obj(std::initializer_list<std::pair<const char*, Json>> fields) {
  Json o = Json::Object();
  for (const auto& [k, v] : fields) o.Set(k, v);
  return o;
}
Json Arr(std::initializer_list<Json> items) {
  Json a = Json::Array();
  for (const Json& v : items) a.Push(v);
  return a;
}

Json FieldEnv(const char* name, const char* field_path) {
  return Obj({{"name", Str(name)},
              {"valueFrom", Obj({{"fieldRef", Obj({{"fieldPath", Str(field_path)}})}})}});
}

Json ReadyProbe(int period_seconds, int failure_threshold) {
  return Obj({{"httpGet", Obj({{"path", Str("/ready")}, {"port", Num(kProxyHealthPort)}})},
              {"periodSeconds", Num(period_seconds)},
              {"failureThreshold", Num(failure_threshold)}});
}

Json Resources(const PodOptions& o) {
  Json requests = Json::Object();
  if (!o.cpu.empty()) requests.Set("cpu", Str(o.cpu));
  if (!o.memory.empty()) requests.Set("memory", Str(o.memory));
  Json limits = Json::Object();
  if (!o.cpu_limit.empty()) limits.Set("cpu", Str(o.cpu_limit));
  if (!o.memory_limit.empty()) limits.Set("memory", Str(o.memory_limit));
  Json out = Json::Object();
  if (!requests.fields().empty()) out.Set("requests", std::move(requests));
  if (!limits.fields().empty()) out.Set("limits", std::move(limits));
  return out;
}

Json InitContainer(const PodOptions& o, const InjectionConfig& config) {
  // The health port must reach the proxy directly: the kubelet probes it.
  std::vector<int> inbound_excluded = {kProxyHealthPort};
  inbound_excluded.insert(inbound_excluded.end(), o.exclude_inbound_ports.begin(),
                          o.exclude_inbound_ports.end());
  Json args = Arr({Str(absl::StrCat("--proxy_uid=", config.proxy_uid)),
                   Str(absl::StrCat("--outbound_port=", kOutboundCapturePort)),
                   Str(absl::StrCat("--inbound_port=", kInboundCapturePort)),
                   Str(absl::StrCat("--exclude_inbound_ports=",
                                    absl::StrJoin(inbound_excluded, ",")))});
  if (!o.exclude_outbound_ports.empty()) {
    args.Push(Str(absl::StrCat("--exclude_outbound_ports=",
                               absl::StrJoin(o.exclude_outbound_ports, ","))));
  }
  if (!o.exclude_outbound_cidrs.empty()) {
    args.Push(Str(absl::StrCat("--exclude_outbound_cidrs=",
                               absl::StrJoin(o.exclude_outbound_cidrs, ","))));
  }
  return Obj({{"name", Str(kInitContainerName)},
              {"image", Str(config.init_image)},
              {"args", args},
              {"resources", Obj({{"requests", Obj({{"cpu", Str("10m")}, {"memory", Str("16Mi")}})}})},
              {"securityContext",
               Obj({{"runAsUser", Num(0)},
                    {"runAsNonRoot", Json::Bool(false)},
                    {"allowPrivilegeEscalation", Json::Bool(false)},
                    {"capabilities", Obj({{"add", Arr({Str("NET_ADMIN"), Str("NET_RAW")})},
                                          {"drop", Arr({Str("ALL")})}})}})}});
}

// Old clusters start containers in order and wait for each postStart hook: the
// app containers start once this returns, i.e. once the proxy is ready (bounded).
Json HoldUntilReadyHook() {
  const std::string script = absl::StrCat(
      "i=0; while [ $i -lt 120 ]; do wget -q -O /dev/null http://127.0.0.1:", kProxyHealthPort,
      "/ready && exit 0; i=$((i+1)); sleep 1; done; exit 1");
  return Obj({{"postStart",
               Obj({{"exec", Obj({{"command", Arr({Str("/bin/sh"), Str("-c"), Str(script)})}})}})}});
}

Json ProxyContainer(const PodOptions& o, const InjectionConfig& config, const Json& app_probes) {
  Json env =
      Arr({FieldEnv("POD_NAME", "metadata.name"), FieldEnv("POD_NAMESPACE", "metadata.namespace"),
           FieldEnv("INSTANCE_IP", "status.podIP"),
           FieldEnv("SERVICE_ACCOUNT", "spec.serviceAccountName"),
           FieldEnv(kZoneEnv, kPodZoneFieldPath)});
  if (!app_probes.fields().empty()) {
    env.Push(Obj({{"name", Str(kAppProbesEnv)}, {"value", Str(app_probes.DumpCompact())}}));
  }
  Json c = Obj({{"name", Str(kProxyContainerName)},
                {"image", Str(config.proxy_image)},
                {"args", Arr({Str(absl::StrCat("--config=", kBootstrapFile)),
                              Str(absl::StrCat("--ca_address=", config.control_plane_address)),
                              Str(absl::StrCat("--identity_token_file=", kTokenFile)),
                              Str(absl::StrCat("--xds_root_cert=", kCaRootFile)),
                              Str(absl::StrCat("--trust_domain=", config.trust_domain))})}});
  // A native sidecar: started before the app, stopped after it, and not counted
  // when a Job's pod completes.
  if (config.native_sidecar) c.Set("restartPolicy", Str("Always"));
  c.Set("ports", Arr({Obj({{"name", Str("weft-health")},
                            {"containerPort", Num(kProxyHealthPort)},
                            {"protocol", Str("TCP")}})}));
  c.Set("env", std::move(env));
  Json resources = Resources(o);
  if (!resources.fields().empty()) c.Set("resources", std::move(resources));
  c.Set("readinessProbe", ReadyProbe(2, 3));
  // Native sidecars: the next init container (and the app) waits for this.
  if (config.native_sidecar) c.Set("startupProbe", ReadyProbe(1, 120));
  if (!config.native_sidecar) c.Set("lifecycle", HoldUntilReadyHook());
  c.Set("securityContext", Obj({{"runAsUser", Num(config.proxy_uid)},
                                {"runAsGroup", Num(config.proxy_uid)},
                                {"runAsNonRoot", Json::Bool(true)},
                                {"allowPrivilegeEscalation", Json::Bool(false)},
                                {"readOnlyRootFilesystem", Json::Bool(true)},
                                {"capabilities", Obj({{"drop", Arr({Str("ALL")})}})}}));
  c.Set("volumeMounts", Arr({Obj({{"name", Str(kTokenVolumeName)},
                                   {"mountPath", Str(kTokenDirectory)},
                                   {"readOnly", Json::Bool(true)}}),
                              Obj({{"name", Str(kBootstrapVolumeName)},
                                   {"mountPath", Str(kBootstrapDirectory)},
                                   {"readOnly", Json::Bool(true)}}),
                              Obj({{"name", Str(kCaRootVolumeName)},
                                   {"mountPath", Str(kCaRootDirectory)},
                                   {"readOnly", Json::Bool(true)}}),
                              Obj({{"name", Str(kTmpVolumeName)},
                                   {"mountPath", Str(kTmpDirectory)}})}));
  return c;
}

std::vector<Json> Volumes(const InjectionConfig& config) {
  Json token = Obj(
      {{"name", Str(kTokenVolumeName)},
       {"projected",
        Obj({{"sources", Arr({Obj({{"serviceAccountToken",
                                    Obj({{"audience", Str(config.token_audience)},
                                         {"expirationSeconds", Num(config.token_expiration_seconds)},
                                         {"path", Str("weft-token")}})}})})}})}});
  Json bootstrap = Obj(
      {{"name", Str(kBootstrapVolumeName)},
       {"downwardAPI",
        Obj({{"items", Arr({Obj({{"path", Str("bootstrap.yaml")},
                                 {"fieldRef",
                                  Obj({{"fieldPath", Str(absl::StrCat("metadata.annotations['",
                                                                      kBootstrapAnnotation,
                                                                      "']"))}})}})})}})}});
  // The mesh root(s) for TLS to the control plane; the ConfigMap is written by
  // the control plane into every injected namespace.
  Json ca_root = Obj({{"name", Str(kCaRootVolumeName)},
                      {"configMap", Obj({{"name", Str(kCaRootConfigMap)},
                                         {"items", Arr({Obj({{"key", Str(kCaRootKey)},
                                                             {"path", Str(kCaRootKey)}})})}})}});
  // The proxy's scratch space; a few KB are used (the root copy).
  Json tmp = Obj({{"name", Str(kTmpVolumeName)},
                  {"emptyDir", Obj({{"medium", Str("Memory")}, {"sizeLimit", Str("1Mi")}})}});
  return {token, bootstrap, ca_root, tmp};
}

// mesh-proxy's bootstrap: admin and xDS only; everything else comes over xDS.
// The node id is the pod's, which is unknown at admission (generateName).
std::string Bootstrap(const PodIdentity& id, const InjectionConfig& config) {
  Json doc =
      Obj({{"admin", Obj({{"address", Str("127.0.0.1")}, {"port", Num(kProxyAdminPort)}})},
           {"xds", Obj({{"server", Str(config.control_plane_address)},
                        // Expanded by mesh-proxy from the downward-API env vars of
                        // its container: each replica gets its own node id.
                        {"node_id", Str(kNodeIdTemplate)},
                        {"node_cluster", Str(id.app)},
                        {"zone", Str(kZoneTemplate)},
                        {"metadata", Obj({{"NAMESPACE", Str(id.ns)},
                                          {"WORKLOAD", Str(id.name)},
                                          {"SERVICE_ACCOUNT", Str(id.service_account)}})}})}});
  return doc.DumpYaml();
}

}  // namespace

SidecarParts BuildSidecarParts(const PodIdentity& identity, const PodOptions& options,
                               const InjectionConfig& config, const Json& app_probes) {
  SidecarParts parts;
  parts.init_container = InitContainer(options, config);
  parts.proxy_container = ProxyContainer(options, config, app_probes);
  parts.volumes = Volumes(config);
  parts.bootstrap_yaml = Bootstrap(identity, config);
  return parts;
}

}  // namespace weft::inject
