#include "control-plane/inject/injector.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control-plane/inject/annotations.h"
#include "control-plane/inject/pod_options.h"
#include "control-plane/inject/probe_rewrite.h"
#include "control-plane/inject/sidecar_parts.h"

namespace weft::inject {
namespace {

using json::Json;

bool HasContainerNamed(const Json& containers, const char* name) {
  for (const Json& c : containers.items()) {
    if (c.Text("name") == name) return true;
  }
  return false;
}

// Empty when the pod is to be injected, else why not.
std::string SkipReason(const Json& pod, const PodOptions& options, const NamespaceInfo& ns) {
  const Json& spec = pod["spec"];
  if (spec["hostNetwork"].type() == Json::Type::kBool && spec["hostNetwork"].as_bool()) {
    return "hostNetwork pod: capture would redirect the node's traffic";
  }
  if (pod["metadata"]["annotations"].Has(kInjectedAnnotation) ||
      HasContainerNamed(spec["containers"], kProxyContainerName) ||
      HasContainerNamed(spec["initContainers"], kProxyContainerName)) {
    return "already injected";
  }
  if (options.inject.has_value()) {
    return *options.inject ? "" : absl::StrCat("opted out (", kInjectAnnotation, ": false)");
  }
  auto label = ns.labels.find(kInjectLabel);
  if (label != ns.labels.end() && label->second == "enabled") return "";
  return absl::StrCat("not opted in (namespace label ", kInjectLabel, "=enabled or pod annotation ",
                      kInjectAnnotation, ": \"true\")");
}

PodIdentity IdentityOf(const Json& pod, const NamespaceInfo& ns, absl::string_view workload) {
  const Json& meta = pod["metadata"];
  PodIdentity id;
  id.ns = meta.Text("namespace").empty() ? ns.name : meta.Text("namespace");
  if (id.ns.empty()) id.ns = "default";
  id.name = meta.Text("name");
  if (id.name.empty()) {
    id.name = meta.Text("generateName");
    if (absl::EndsWith(id.name, "-")) id.name.pop_back();
  }
  if (id.name.empty()) id.name = workload.empty() ? "unnamed" : std::string(workload);
  if (!pod["spec"].Text("serviceAccountName").empty()) {
    id.service_account = pod["spec"].Text("serviceAccountName");
  }
  id.app = meta["labels"].Text("app").empty() ? id.name : meta["labels"].Text("app");
  return id;
}

// Adds `items` to the array at `path` (at `index`, or at the end when index < 0),
// creating the array when the pod has none.
void AddToArray(const Json& existing, const std::string& path, int index,
                const std::vector<Json>& items, std::vector<PatchOp>* ops) {
  if (existing.type() != Json::Type::kArray) {
    Json array = Json::Array();
    for (const Json& item : items) array.Push(item);
    ops->push_back(PatchOp::Add(path, std::move(array)));
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    ops->push_back(PatchOp::Add(
        index < 0 ? absl::StrCat(path, "/-") : absl::StrCat(path, "/", index + static_cast<int>(i)),
        items[i]));
  }
}

}  // namespace

absl::StatusOr<InjectionResult> InjectPod(const Json& pod, const NamespaceInfo& ns,
                                          const InjectionConfig& config,
                                          absl::string_view workload_name) {
  if (pod.type() != Json::Type::kObject || pod["spec"].type() != Json::Type::kObject ||
      pod["spec"]["containers"].type() != Json::Type::kArray ||
      pod["spec"]["containers"].items().empty()) {
    return absl::InvalidArgumentError("not a pod: spec.containers must be a non-empty list");
  }
  const Json& annotations = pod["metadata"]["annotations"];
  absl::StatusOr<PodOptions> options = ReadPodOptions(annotations, config);
  if (!options.ok()) return options.status();

  InjectionResult result;
  result.skipped_reason = SkipReason(pod, *options, ns);
  if (!result.injected()) return result;

  const Json& spec = pod["spec"];
  ProbeRewrites probes;
  if (options->rewrite_app_probes) {
    RewriteProbes(spec["containers"], "/spec/containers", options->exclude_inbound_ports, &probes);
  }
  const PodIdentity identity = IdentityOf(pod, ns, workload_name);
  SidecarParts parts = BuildSidecarParts(identity, *options, config, probes.originals);

  std::vector<PatchOp>& ops = result.patch;
  // Annotations: the injected marker and the bootstrap the proxy reads through
  // the downward API.
  Json added = Json::Object();
  added.Set(kInjectedAnnotation, Json::String(config.version));
  added.Set(kBootstrapAnnotation, Json::String(parts.bootstrap_yaml));
  if (pod["metadata"].type() != Json::Type::kObject) {
    Json meta = Json::Object();
    meta.Set("annotations", std::move(added));
    ops.push_back(PatchOp::Add("/metadata", std::move(meta)));
  } else if (annotations.type() != Json::Type::kObject) {
    ops.push_back(PatchOp::Add("/metadata/annotations", std::move(added)));
  } else {
    for (const auto& [key, value] : added.fields()) {
      ops.push_back(PatchOp::Add("/metadata/annotations/" + EscapePointerToken(key), value));
    }
  }
  // Probe rewrites before any container is inserted, while their indices hold.
  for (PatchOp& op : probes.ops) ops.push_back(std::move(op));
  AddToArray(spec["volumes"], "/spec/volumes", -1, parts.volumes, &ops);
  // mesh-init runs first of all; then (native) the proxy, so the pod's own init
  // containers already have the mesh.
  if (config.native_sidecar) {
    AddToArray(spec["initContainers"], "/spec/initContainers", 0,
               {parts.init_container, parts.proxy_container}, &ops);
  } else {
    AddToArray(spec["initContainers"], "/spec/initContainers", 0, {parts.init_container}, &ops);
    AddToArray(spec["containers"], "/spec/containers", 0, {parts.proxy_container}, &ops);
  }
  return result;
}

}  // namespace weft::inject
