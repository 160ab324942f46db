#include "tools/meshctl/install_manifests.h"

#include <initializer_list>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json/yaml_json.h"
#include "control-plane/inject/injection_config.h"
#include "tools/meshctl/embedded_crds.h"

namespace weft::meshctl {
namespace {

using json::Json;

// Ports (ARCHITECTURE.md): xDS + CA over TLS, plaintext xDS (bound to the pod's
// loopback only: `kubectl port-forward` reaches it, the network does not),
// monitoring, webhook.
constexpr int kXdsMtlsPort = 15012;
constexpr int kXdsPlaintextPort = 15010;
// Writable (the root filesystem is read-only): the TLS port's key and certificate.
constexpr char kXdsTlsDir[] = "/var/run/weft/xds-tls";
constexpr int kMonitoringPort = 15014;
constexpr int kWebhookPort = 15017;
// A distroless "nonroot" user; any non-zero UID works.
constexpr int kRunAsUser = 65532;
// The leader-election Lease's default name (mesh-control-plane --lease_name).
constexpr char kLeaseName[] = "mesh-control-plane";
constexpr char kNameLabel[] = "app.kubernetes.io/name";
constexpr char kPartOfLabel[] = "app.kubernetes.io/part-of";

Json Obj(std::initializer_list<std::pair<std::string, Json>> fields) {
  Json o = Json::Object();
  for (const auto& [key, value] : fields) o.Set(key, value);
  return o;
}
Json Arr(std::initializer_list<Json> items) {
  Json a = Json::Array();
  for (const Json& item : items) a.Push(item);
  return a;
}
Json Str(std::string s) { return Json::String(std::move(s)); }
Json Num(int n) { return Json::Number(n); }
Json Strs(std::initializer_list<const char*> items) {
  Json a = Json::Array();
  for (const char* s : items) a.Push(Str(s));
  return a;
}

Json Labels(const std::string& name) {
  return Obj({{kNameLabel, Str(name)}, {kPartOfLabel, Str("weft")}});
}
Json Selector() { return Obj({{kNameLabel, Str(kControlPlaneName)}}); }

// metadata with name, labels and (for namespaced objects) the namespace.
Json Meta(const std::string& name, const std::string& ns, const std::string& label_name) {
  Json meta = Obj({{"name", Str(name)}});
  if (!ns.empty()) meta.Set("namespace", Str(ns));
  meta.Set("labels", Labels(label_name));
  return meta;
}

Json Object(const char* api_version, const char* kind, Json meta) {
  return Obj({{"apiVersion", Str(api_version)}, {"kind", Str(kind)}, {"metadata", std::move(meta)}});
}

Json Rule(Json api_groups, Json resources, Json verbs) {
  return Obj({{"apiGroups", std::move(api_groups)},
              {"resources", std::move(resources)},
              {"verbs", std::move(verbs)}});
}

// Our CRDs' plurals, and those with a status subresource.
struct CrdResources {
  std::vector<std::string> plurals;
  std::vector<std::string> with_status;
};

CrdResources ResourcesOf(const std::vector<Json>& crds) {
  CrdResources out;
  for (const Json& crd : crds) {
    const std::string plural = crd["spec"]["names"].Text("plural");
    out.plurals.push_back(plural);
    bool status = false;
    for (const Json& version : crd["spec"]["versions"].items()) {
      status = status || version["subresources"].Has("status");
    }
    if (status) out.with_status.push_back(plural + "/status");
  }
  return out;
}

Json StringArray(const std::vector<std::string>& items) {
  Json a = Json::Array();
  for (const std::string& s : items) a.Push(Str(s));
  return a;
}

// Least privilege: read exactly what the Kubernetes source lists and watches
// (docs/kubernetes.md), write only the status of our own resources, and review
// the service-account tokens proxies present to the CA.
Json ClusterRole(const CrdResources& crds) {
  Json rules = Arr({
      Rule(Strs({""}), Strs({"namespaces", "nodes", "pods", "services"}),
           Strs({"get", "list", "watch"})),
      Rule(Strs({"discovery.k8s.io"}), Strs({"endpointslices"}), Strs({"get", "list", "watch"})),
      Rule(Strs({"mesh.weft.dev"}), StringArray(crds.plurals), Strs({"get", "list", "watch"})),
      Rule(Strs({"mesh.weft.dev"}), StringArray(crds.with_status), Strs({"patch", "update"})),
      Rule(Strs({"gateway.networking.k8s.io"}), Strs({"grpcroutes", "httproutes"}),
           Strs({"get", "list", "watch"})),
      // status.parents of the routes (the Lease holder only).
      Rule(Strs({"gateway.networking.k8s.io"}), Strs({"grpcroutes/status", "httproutes/status"}),
           Strs({"patch", "update"})),
      Rule(Strs({"authentication.k8s.io"}), Strs({"tokenreviews"}), Strs({"create"})),
      // ConfigMap weft-ca-root (the public root) in every namespace; create
      // cannot be limited by name.
      Rule(Strs({""}), Strs({"configmaps"}), Strs({"create"})),
  });
  Json ca_root_rule = Rule(Strs({""}), Strs({"configmaps"}), Strs({"get", "patch"}));
  ca_root_rule.Set("resourceNames", Strs({inject::kCaRootConfigMap}));
  rules.Push(std::move(ca_root_rule));
  Json role = Object("rbac.authorization.k8s.io/v1", "ClusterRole",
                     Meta(kControlPlaneName, "", kControlPlaneName));
  role.Set("rules", std::move(rules));
  return role;
}

// Namespaced: the leader-election Lease and the CA Secret, nothing else.
Json Role(const std::string& ns) {
  Json secret_rule = Rule(Strs({""}), Strs({"secrets"}), Strs({"get", "update"}));
  secret_rule.Set("resourceNames", Strs({kCaSecretName}));
  // create cannot be limited by name (the name is not known before); get and
  // update are limited to the control plane's Lease (--lease_name).
  Json lease_rule = Rule(Strs({"coordination.k8s.io"}), Strs({"leases"}), Strs({"get", "update"}));
  lease_rule.Set("resourceNames", Strs({kLeaseName}));
  Json role = Object("rbac.authorization.k8s.io/v1", "Role",
                     Meta(kControlPlaneName, ns, kControlPlaneName));
  role.Set("rules", Arr({Rule(Strs({"coordination.k8s.io"}), Strs({"leases"}), Strs({"create"})),
                         std::move(lease_rule), std::move(secret_rule)}));
  return role;
}

Json Binding(const char* kind, const char* role_kind, const std::string& ns) {
  Json binding = Object("rbac.authorization.k8s.io/v1", kind,
                        Meta(kControlPlaneName, ns, kControlPlaneName));
  binding.Set("roleRef", Obj({{"apiGroup", Str("rbac.authorization.k8s.io")},
                              {"kind", Str(role_kind)},
                              {"name", Str(kControlPlaneName)}}));
  binding.Set("subjects", Arr({Obj({{"kind", Str("ServiceAccount")},
                                    {"name", Str(kControlPlaneName)},
                                    {"namespace", Str(ns)}})}));
  return binding;
}

Json ServicePort(const char* name, int port, int target) {
  return Obj({{"name", Str(name)},
              {"port", Num(port)},
              {"targetPort", Num(target)},
              {"protocol", Str("TCP")}});
}

Json Service(const std::string& name, const std::string& ns, Json ports) {
  Json svc = Object("v1", "Service", Meta(name, ns, kControlPlaneName));
  svc.Set("spec", Obj({{"selector", Selector()}, {"ports", std::move(ports)}}));
  return svc;
}

Json FieldEnv(const char* name, const char* field_path) {
  return Obj({{"name", Str(name)},
              {"valueFrom", Obj({{"fieldRef", Obj({{"fieldPath", Str(field_path)}})}})}});
}

Json Deployment(const InstallOptions& o) {
  const std::string ns = o.namespace_name;
  Json args = Strs({"--source=kubernetes"});
  for (std::string arg : {
           absl::StrCat("--ca_dir=", kCaMountPath),
           absl::StrCat("--trust_domain=", o.trust_domain),
           absl::StrCat("--xds_address=127.0.0.1:", kXdsPlaintextPort),
           absl::StrCat("--xds_tls_address=0.0.0.0:", kXdsMtlsPort),
           absl::StrCat("--xds_tls_dns_names=", kControlPlaneName, ".", ns, ".svc,",
                        kControlPlaneName, ".", ns, ".svc.cluster.local"),
           absl::StrCat("--xds_tls_dir=", kXdsTlsDir),
           absl::StrCat("--monitoring_address=0.0.0.0:", kMonitoringPort),
           absl::StrCat("--webhook_port=", kWebhookPort),
           absl::StrCat("--webhook_service=", kWebhookServiceName, ".", ns),
           absl::StrCat("--injection_xds_address=", kControlPlaneName, ".", ns,
                        ".svc:", kXdsMtlsPort),
       }) {
    args.Push(Str(std::move(arg)));
  }
  Json probe = Obj({{"httpGet", Obj({{"path", Str("/ready")}, {"port", Str("monitoring")}})},
                    {"periodSeconds", Num(5)},
                    {"failureThreshold", Num(3)}});
  Json container = Obj({
      {"name", Str("control-plane")},
      {"image", Str(o.image)},
      {"args", std::move(args)},
      // The replica's name in the Lease, and the namespace it lives in.
      {"env", Arr({FieldEnv("POD_NAME", "metadata.name"),
                   FieldEnv("POD_NAMESPACE", "metadata.namespace")})},
      {"ports", Arr({Obj({{"name", Str("xds-mtls")}, {"containerPort", Num(kXdsMtlsPort)}}),
                     Obj({{"name", Str("monitoring")}, {"containerPort", Num(kMonitoringPort)}}),
                     Obj({{"name", Str("webhook")}, {"containerPort", Num(kWebhookPort)}})})},
      {"readinessProbe", probe},
      {"livenessProbe", Obj({{"httpGet", probe["httpGet"]},
                             {"initialDelaySeconds", Num(30)},
                             {"periodSeconds", Num(10)},
                             {"failureThreshold", Num(6)}})},
      {"resources", Obj({{"requests", Obj({{"cpu", Str("100m")}, {"memory", Str("128Mi")}})},
                         {"limits", Obj({{"memory", Str("512Mi")}})}})},
      {"securityContext", Obj({{"allowPrivilegeEscalation", Json::Bool(false)},
                               {"readOnlyRootFilesystem", Json::Bool(true)},
                               {"capabilities", Obj({{"drop", Strs({"ALL"})}})}})},
      {"volumeMounts", Arr({Obj({{"name", Str("ca")},
                                 {"mountPath", Str(kCaMountPath)},
                                 {"readOnly", Json::Bool(true)}}),
                            Obj({{"name", Str("xds-tls")}, {"mountPath", Str(kXdsTlsDir)}})})},
  });
  Json anti_affinity = Obj({{"preferredDuringSchedulingIgnoredDuringExecution",
                             Arr({Obj({{"weight", Num(100)},
                                       {"podAffinityTerm",
                                        Obj({{"labelSelector", Obj({{"matchLabels", Selector()}})},
                                             {"topologyKey", Str("kubernetes.io/hostname")}})}})})}});
  Json pod_spec = Obj({
      {"serviceAccountName", Str(kControlPlaneName)},
      {"securityContext", Obj({{"runAsNonRoot", Json::Bool(true)},
                               {"runAsUser", Num(kRunAsUser)},
                               {"runAsGroup", Num(kRunAsUser)},
                               {"fsGroup", Num(kRunAsUser)},
                               {"seccompProfile", Obj({{"type", Str("RuntimeDefault")}})}})},
      {"affinity", Obj({{"podAntiAffinity", std::move(anti_affinity)}})},
      {"containers", Arr({std::move(container)})},
      // 0440 with fsGroup: the key is readable by the control plane's group only.
      {"volumes", Arr({Obj({{"name", Str("ca")},
                            {"secret", Obj({{"secretName", Str(kCaSecretName)},
                                            {"defaultMode", Num(0440)}})}}),
                       Obj({{"name", Str("xds-tls")},
                            {"emptyDir", Obj({{"medium", Str("Memory")}})}})})},
  });
  Json template_meta = Obj({{"labels", Labels(kControlPlaneName)}});
  Json deployment = Object("apps/v1", "Deployment", Meta(kControlPlaneName, ns, kControlPlaneName));
  deployment.Set("spec", Obj({{"replicas", Num(o.replicas)},
                              {"selector", Obj({{"matchLabels", Selector()}})},
                              {"template", Obj({{"metadata", std::move(template_meta)},
                                                {"spec", std::move(pod_spec)}})}}));
  return deployment;
}

Json Webhook(const InstallOptions& o, const char* name, const char* path, Json namespace_selector,
             const std::string& failure_policy, const std::string& ca_bundle) {
  return Obj({
      {"name", Str(name)},
      {"clientConfig", Obj({{"service", Obj({{"name", Str(kWebhookServiceName)},
                                             {"namespace", Str(o.namespace_name)},
                                             {"path", Str(path)},
                                             {"port", Num(443)}})},
                            {"caBundle", Str(ca_bundle)}})},
      {"namespaceSelector", std::move(namespace_selector)},
      {"rules", Arr({Obj({{"operations", Strs({"CREATE"})},
                          {"apiGroups", Strs({""})},
                          {"apiVersions", Strs({"v1"})},
                          {"resources", Strs({"pods"})}})})},
      {"admissionReviewVersions", Strs({"v1"})},
      {"sideEffects", Str("None")},
      {"failurePolicy", Str(failure_policy)},
      {"timeoutSeconds", Num(10)},
      {"reinvocationPolicy", Str("Never")},
  });
}

Json WebhookConfiguration(const InstallOptions& o) {
  const std::string ca_bundle = absl::Base64Escape(o.root_cert_pem);
  Json labelled = Obj({{"matchLabels", Obj({{"weft.dev/inject", Str("enabled")}})}});
  // Pods are selected by annotation, which a selector cannot match: the server
  // answers "no patch" for pods not annotated weft.dev/inject: "true".
  Json others = Obj({{"matchExpressions",
                      Arr({Obj({{"key", Str("weft.dev/inject")}, {"operator", Str("DoesNotExist")}}),
                           Obj({{"key", Str("kubernetes.io/metadata.name")},
                                {"operator", Str("NotIn")},
                                {"values", Arr({Str("kube-system"), Str(o.namespace_name)})}})})}});
  Json config = Object("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
                       Meta(kWebhookConfigName, "", kControlPlaneName));
  config.Set("webhooks",
             Arr({Webhook(o, "namespace.sidecar.weft.dev", "/inject", std::move(labelled),
                          o.webhook_failure_policy, ca_bundle),
                  Webhook(o, "pod.sidecar.weft.dev", "/inject-annotated", std::move(others),
                          "Ignore", ca_bundle)}));
  return config;
}

absl::StatusOr<std::vector<Json>> ParseCrds() {
  std::vector<Json> crds;
  for (const std::string& text : EmbeddedCrdYaml()) {
    absl::StatusOr<Json> crd = json::ParseYamlDocument(text);
    if (!crd.ok()) {
      return absl::InternalError(absl::StrCat("embedded CRD: ", crd.status().message()));
    }
    crds.push_back(*std::move(crd));
  }
  return crds;
}

}  // namespace

absl::Status ValidateInstallOptions(const InstallOptions& o) {
  std::vector<std::string> problems;
  auto dns_label = [](const std::string& s) {
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
    for (char c : s) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
  };
  if (!dns_label(o.namespace_name)) {
    problems.push_back(absl::StrCat("--namespace \"", o.namespace_name,
                                    "\": expected a DNS label (a-z, 0-9, '-', at most 63)"));
  }
  if (o.image.empty()) problems.push_back("--image: must not be empty");
  if (o.replicas < 1) problems.push_back("--replicas: expected at least 1");
  if (o.trust_domain.empty()) problems.push_back("--trust_domain: must not be empty");
  if (o.webhook_failure_policy != "Fail" && o.webhook_failure_policy != "Ignore") {
    problems.push_back(absl::StrCat("--webhook_failure_policy \"", o.webhook_failure_policy,
                                    "\": expected Fail or Ignore"));
  }
  if (o.root_cert_pem.empty() || o.root_key_pem.empty()) {
    problems.push_back("the root CA certificate and key are both required");
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
}

absl::StatusOr<std::vector<Json>> RenderInstallManifests(const InstallOptions& o) {
  if (absl::Status s = ValidateInstallOptions(o); !s.ok()) return s;
  absl::StatusOr<std::vector<Json>> crds = ParseCrds();
  if (!crds.ok()) return crds.status();
  const std::string& ns = o.namespace_name;

  std::vector<Json> docs;
  docs.push_back(Object("v1", "Namespace", Meta(ns, "", kControlPlaneName)));
  for (const Json& crd : *crds) docs.push_back(crd);
  docs.push_back(Object("v1", "ServiceAccount", Meta(kControlPlaneName, ns, kControlPlaneName)));
  docs.push_back(ClusterRole(ResourcesOf(*crds)));
  docs.push_back(Binding("ClusterRoleBinding", "ClusterRole", ns));
  docs.push_back(Role(ns));
  docs.push_back(Binding("RoleBinding", "Role", ns));

  Json secret = Object("v1", "Secret", Meta(kCaSecretName, ns, kControlPlaneName));
  secret.Set("type", Str("Opaque"));
  // Key names are the CA directory's file names (certs/certificate_authority.h).
  secret.Set("data", Obj({{"root-cert.pem", Str(absl::Base64Escape(o.root_cert_pem))},
                          {"root-key.pem", Str(absl::Base64Escape(o.root_key_pem))}}));
  docs.push_back(std::move(secret));

  docs.push_back(Service(kControlPlaneName, ns,
                         Arr({ServicePort("xds-mtls", kXdsMtlsPort, kXdsMtlsPort),
                              ServicePort("monitoring", kMonitoringPort, kMonitoringPort)})));
  docs.push_back(Service(kWebhookServiceName, ns,
                         Arr({ServicePort("https-webhook", 443, kWebhookPort)})));
  docs.push_back(Deployment(o));

  Json pdb = Object("policy/v1", "PodDisruptionBudget",
                    Meta(kControlPlaneName, ns, kControlPlaneName));
  pdb.Set("spec", Obj({{"minAvailable", Num(1)}, {"selector", Obj({{"matchLabels", Selector()}})}}));
  docs.push_back(std::move(pdb));
  docs.push_back(WebhookConfiguration(o));
  return docs;
}

std::vector<Json> UninstallIdentities(const std::vector<Json>& docs) {
  std::vector<Json> objects;
  std::vector<Json> crds;
  for (auto it = docs.rbegin(); it != docs.rend(); ++it) {
    Json meta = Obj({{"name", Str((*it)["metadata"].Text("name"))}});
    if ((*it)["metadata"].Has("namespace")) {
      meta.Set("namespace", Str((*it)["metadata"].Text("namespace")));
    }
    Json id = Obj({{"apiVersion", Str(it->Text("apiVersion"))},
                   {"kind", Str(it->Text("kind"))},
                   {"metadata", std::move(meta)}});
    (it->Text("kind") == "CustomResourceDefinition" ? crds : objects).push_back(std::move(id));
  }
  for (Json& crd : crds) objects.push_back(std::move(crd));
  return objects;
}

std::string FormatManifests(const std::string& header, const std::vector<Json>& docs) {
  std::string out = header;
  for (const Json& doc : docs) absl::StrAppend(&out, "---\n", doc.DumpYaml());
  return out;
}

}  // namespace weft::meshctl
