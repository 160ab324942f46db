#include "control-plane/kube/object_decoders.h"

#include <exception>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/json/json_value.h"
#include "control-plane/local/manifest_parser.h"

namespace weft::control_plane::kube {
namespace {

std::string Str(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return "";
  const YAML::Node value = map[key];
  return value.IsDefined() && value.IsScalar() ? value.Scalar() : "";
}

Labels StringMap(const YAML::Node& map) {
  Labels out;
  if (!map.IsDefined() || !map.IsMap()) return out;
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && entry.second.IsScalar()) {
      out[entry.first.Scalar()] = entry.second.Scalar();
    }
  }
  return out;
}

// The value of label `key`, else of `fallback` (an older name for it), else "".
std::string LabelOf(const Labels& labels, const char* key, const char* fallback = nullptr) {
  auto it = labels.find(key);
  if (it == labels.end() && fallback != nullptr) it = labels.find(fallback);
  return it == labels.end() ? std::string() : it->second;
}

std::shared_ptr<KubeObject> Keyed(const YAML::Node& object) {
  auto out = std::make_shared<KubeObject>();
  const YAML::Node meta = object["metadata"];
  out->key = ObjectKey{Str(meta, "namespace"), Str(meta, "name")};
  out->resource_version = Str(meta, "resourceVersion");
  absl::SimpleAtoi(Str(meta, "generation"), &out->generation);
  return out;
}

// "HTTPRoute default/split", the origin of an API object in messages.
std::string OriginName(const YAML::Node& object, const ObjectKey& key) {
  return absl::StrCat(Str(object, "kind"), " ", key.ToString());
}

bool ReadyCondition(const YAML::Node& status) {
  const YAML::Node conditions = status["conditions"];
  if (!conditions.IsDefined() || !conditions.IsSequence()) return false;
  for (const YAML::Node& c : conditions) {
    if (Str(c, "type") == "Ready") return Str(c, "status") == "True";
  }
  return false;
}

template <typename Fn>
std::shared_ptr<const KubeObject> Guarded(const YAML::Node& object, Fn decode) {
  try {
    return decode();
  } catch (const std::exception& e) {
    std::shared_ptr<KubeObject> failed = Keyed(object);
    failed->problems.push_back({OriginName(object, failed->key),
                                absl::StrCat("cannot read: ", e.what())});
    failed->resource.reset();
    return failed;
  }
}

// A route's spec.parentRefs, each with the fields the Gateway API defines
// (strings, and port as a number), as compact JSON; malformed entries are
// left out (the strict reader reports them).
std::vector<std::string> RouteParentRefs(const YAML::Node& object) {
  std::vector<std::string> out;
  const std::string kind = Str(object, "kind");
  if (kind != "HTTPRoute" && kind != "GRPCRoute") return out;
  const YAML::Node spec = object["spec"];
  if (!spec.IsDefined() || !spec.IsMap()) return out;
  const YAML::Node refs = spec["parentRefs"];
  if (!refs.IsDefined() || !refs.IsSequence()) return out;
  for (const YAML::Node& ref : refs) {
    if (!ref.IsMap() || Str(ref, "name").empty()) continue;
    json::Json entry = json::Json::Object();
    for (const char* field : {"group", "kind", "namespace", "name", "sectionName"}) {
      if (ref[field].IsDefined() && ref[field].IsScalar()) {
        entry.Set(field, json::Json::String(ref[field].Scalar()));
      }
    }
    int port = 0;
    if (absl::SimpleAtoi(Str(ref, "port"), &port)) entry.Set("port", json::Json::Number(port));
    out.push_back(entry.DumpCompact());
  }
  return out;
}

}  // namespace

std::shared_ptr<const KubeObject> DecodeManifestKind(const YAML::Node& object) {
  return Guarded(object, [&]() -> std::shared_ptr<const KubeObject> {
    std::shared_ptr<KubeObject> out = Keyed(object);
    config::ProblemList problems;
    local::ParsedManifests parsed =
        local::ParseManifestObject(object, OriginName(object, out->key), problems);
    // Line and column would point into the API server's JSON, not at anything
    // the operator wrote: the field path says where.
    for (config::ConfigProblem& p : problems.mutable_problems()) p.line = p.column = 0;
    out->problems = problems.problems();
    out->warnings = std::move(parsed.warnings);
    out->parent_refs = RouteParentRefs(object);
    if (problems.empty() && parsed.resources.size() == 1) {
      out->resource = std::move(parsed.resources[0]);
      out->resource->origin.position_of = nullptr;
    }
    return out;
  });
}

std::shared_ptr<const KubeObject> DecodePod(const YAML::Node& object) {
  return Guarded(object, [&]() -> std::shared_ptr<const KubeObject> {
    std::shared_ptr<KubeObject> out = Keyed(object);
    const YAML::Node meta = object["metadata"];
    const YAML::Node spec = object["spec"];
    const YAML::Node status = object["status"];
    Workload workload;
    workload.meta.ns = out->key.ns;
    workload.meta.name = out->key.name;
    workload.meta.labels = StringMap(meta["labels"]);
    workload.meta.annotations = StringMap(meta["annotations"]);
    workload.address = Str(status, "podIP");
    // No IP yet, the node's IP (shared by every host-network pod), or finished
    // (its IP may already belong to a new pod): not a mesh workload.
    const std::string phase = Str(status, "phase");
    if (workload.address.empty() || Str(spec, "hostNetwork") == "true" || phase == "Succeeded" ||
        phase == "Failed") {
      return out;
    }
    out->node_name = Str(spec, "nodeName");
    if (std::string sa = Str(spec, "serviceAccountName"); !sa.empty()) {
      workload.service_account = sa;
    }
    const bool passing = phase == "Running" && ReadyCondition(status);
    const bool deleting = meta["deletionTimestamp"].IsDefined();
    workload.ready = passing && !deleting;
    workload.serving_while_terminating = passing && deleting;
    auto annotation = workload.meta.annotations.find("mesh.weft.dev/sidecar");
    workload.sidecar = annotation != workload.meta.annotations.end() && annotation->second == "true";
    for (const char* list : {"containers", "initContainers"}) {
      const YAML::Node containers = spec[list];
      if (!containers.IsDefined() || !containers.IsSequence()) continue;
      for (const YAML::Node& container : containers) {
        if (Str(container, "name") == "mesh-proxy") workload.sidecar = true;
        const YAML::Node ports = container["ports"];
        if (!ports.IsDefined() || !ports.IsSequence() || std::string(list) != "containers") continue;
        for (const YAML::Node& port : ports) {
          WorkloadPort p;
          p.name = Str(port, "name");
          if (p.name.empty() || !absl::SimpleAtoi(Str(port, "containerPort"), &p.port)) continue;
          workload.ports.push_back(std::move(p));
        }
      }
    }
    Resource resource;
    resource.origin.file = OriginName(object, out->key);
    resource.object = std::move(workload);
    out->resource = std::move(resource);
    return out;
  });
}

std::shared_ptr<const KubeObject> DecodeEndpointSlice(const YAML::Node& object) {
  return Guarded(object, [&]() -> std::shared_ptr<const KubeObject> {
    const Labels labels = StringMap(object["metadata"]["labels"]);
    // Written for a Service by someone other than the controller that
    // follows selectors (by hand, or mirrored from an Endpoints object): the
    // endpoints of a Service without a selector, read like any manifest.
    if (!LabelOf(labels, kServiceNameLabel).empty() &&
        LabelOf(labels, "endpointslice.kubernetes.io/managed-by") !=
            "endpointslice-controller.k8s.io") {
      return DecodeManifestKind(object);
    }
    std::shared_ptr<KubeObject> out = Keyed(object);
    const YAML::Node endpoints = object["endpoints"];
    if (!endpoints.IsDefined() || !endpoints.IsSequence()) return out;
    for (const YAML::Node& endpoint : endpoints) {
      const YAML::Node ref = endpoint["targetRef"];
      if (Str(ref, "kind") != "Pod") continue;
      const YAML::Node conditions = endpoint["conditions"];
      const std::string ready = Str(conditions, "ready");
      // An absent `serving` means the same as `ready` (the API's rule).
      std::string serving = Str(conditions, "serving");
      if (serving.empty()) serving = ready;
      std::string ns = Str(ref, "namespace");
      const ObjectKey pod{ns.empty() ? out->key.ns : ns, Str(ref, "name")};
      if (ready == "false") out->not_ready_pods.push_back(pod);
      if (serving == "false") out->not_serving_pods.push_back(pod);
    }
    return out;
  });
}

std::shared_ptr<const KubeObject> DecodeNode(const YAML::Node& object) {
  return Guarded(object, [&]() -> std::shared_ptr<const KubeObject> {
    std::shared_ptr<KubeObject> out = Keyed(object);
    const Labels labels = StringMap(object["metadata"]["labels"]);
    // The well-known labels, else their names before Kubernetes 1.17.
    Locality locality;
    locality.region = LabelOf(labels, "topology.kubernetes.io/region",
                              "failure-domain.beta.kubernetes.io/region");
    locality.zone = LabelOf(labels, "topology.kubernetes.io/zone",
                            "failure-domain.beta.kubernetes.io/zone");
    out->node_locality = std::move(locality);
    return out;
  });
}

std::shared_ptr<const KubeObject> DecodeNamespace(const YAML::Node& object) {
  return Guarded(object, [&]() -> std::shared_ptr<const KubeObject> { return Keyed(object); });
}

}  // namespace weft::control_plane::kube
