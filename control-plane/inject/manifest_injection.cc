#include "control-plane/inject/manifest_injection.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json/yaml_json.h"
#include "control-plane/inject/annotations.h"
#include "control-plane/inject/injector.h"

namespace weft::inject {
namespace {

using json::Json;

// The pod (template) inside an object of `kind`, or nullptr when it has none.
Json* PodOf(const std::string& kind, Json* object) {
  if (kind == "Pod") return object;
  Json* spec = object->Find("spec");
  if (spec == nullptr) return nullptr;
  if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
      kind == "ReplicaSet" || kind == "Job") {
    return spec->Find("template");
  }
  if (kind == "CronJob") {
    Json* job = spec->Find("jobTemplate");
    Json* job_spec = job == nullptr ? nullptr : job->Find("spec");
    return job_spec == nullptr ? nullptr : job_spec->Find("template");
  }
  return nullptr;
}

class Injector {
 public:
  explicit Injector(const InjectionConfig& config) : config_(config) {}

  void Object(const std::string& where, Json* object) {
    const std::string kind = object->Text("kind");
    if (kind == "List") {
      if (Json* items = object->Find("items"); items != nullptr) {
        for (size_t i = 0; i < items->items().size(); ++i) {
          Object(absl::StrCat(where, " item ", i + 1), &items->mutable_items()[i]);
        }
      }
      return;
    }
    Json* pod = PodOf(kind, object);
    if (pod == nullptr) return;
    const std::string name =
        absl::StrCat(absl::AsciiStrToLower(kind), "/", (*object)["metadata"].Text("name"));
    NamespaceInfo ns{(*object)["metadata"].Text("namespace"), {{kInjectLabel, "enabled"}}};
    absl::StatusOr<InjectionResult> result =
        InjectPod(*pod, ns, config_, (*object)["metadata"].Text("name"));
    if (!result.ok()) {
      problems_.push_back(absl::StrCat(where, " (", name, "): ", result.status().message()));
      return;
    }
    if (!result->injected()) {
      report_.push_back(absl::StrCat(name, ": skipped: ", result->skipped_reason));
      return;
    }
    if (absl::Status s = ApplyPatch(result->patch, pod); !s.ok()) {
      problems_.push_back(absl::StrCat(where, " (", name, "): ", s.message()));
      return;
    }
    report_.push_back(absl::StrCat(name, ": injected"));
  }

  const std::vector<std::string>& problems() const { return problems_; }
  std::vector<std::string> TakeReport() { return std::move(report_); }

 private:
  const InjectionConfig& config_;
  std::vector<std::string> problems_;
  std::vector<std::string> report_;
};

}  // namespace

absl::StatusOr<ManifestInjection> ApplyToManifest(absl::string_view yaml,
                                                  const InjectionConfig& config) {
  absl::StatusOr<std::vector<Json>> docs = json::ParseYamlDocuments(yaml);
  if (!docs.ok()) return docs.status();
  Injector injector(config);
  for (size_t i = 0; i < docs->size(); ++i) {
    Json& doc = (*docs)[i];
    if (doc.type() == Json::Type::kObject) injector.Object(absl::StrCat("document ", i + 1), &doc);
  }
  if (!injector.problems().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot inject: ", absl::StrJoin(injector.problems(), "; ")));
  }
  ManifestInjection out;
  for (size_t i = 0; i < docs->size(); ++i) {
    if (i > 0) out.yaml += "---\n";
    out.yaml += (*docs)[i].DumpYaml();
  }
  out.report = injector.TakeReport();
  return out;
}

}  // namespace weft::inject
