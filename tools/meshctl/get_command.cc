#include "tools/meshctl/get_command.h"

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "control-plane/core/build_model.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/get_tables.h"
#include "tools/meshctl/kinds.h"
#include "tools/meshctl/manifest_set.h"
#include "tools/meshctl/yaml_json.h"

namespace weft::meshctl {
namespace {

using control_plane::ObjectKey;

const std::vector<FlagSpec>& Flags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      {"namespace", "n", true, "NS", "namespace to list (default: default)"},
      {"all-namespaces", "A", false, "", "list every namespace"},
      {"output", "o", true, "FORMAT", "table (default), json or yaml"},
      {"manifests", "", true, "DIR",
       "manifest directory the control plane watches (default $WEFT_MANIFESTS or "
       "/var/lib/weft/manifests)"},
  };
  return *flags;
}

constexpr char kUsage[] =
    "Usage: meshctl get <kind> [name] [-n NS | -A] [-o table|json|yaml] [--manifests=DIR]\n"
    "\n"
    "Lists objects of the manifest directory, as the control plane builds them.\n"
    "Kinds: services (svc), endpointslices (eps), workloads (wl), httproutes, grpcroutes,\n"
    "trafficpolicies (tp), peerauthentications (pa), authorizationpolicies (ap).\n"
    "\n"
    "Flags:\n";

int UsageError(const CommandEnv& env, absl::string_view message) {
  *env.err << "meshctl get: " << message << "\n"
           << "Run 'meshctl get --help' for usage.\n";
  return kExitUsage;
}

}  // namespace

int RunGet(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, Flags());
  if (!args.ok()) return UsageError(env, args.status().message());
  if (args->help) {
    *env.out << kUsage << FlagsHelp(Flags());
    return kExitOk;
  }
  if (args->positionals.empty()) return UsageError(env, "expected a kind");
  if (args->positionals.size() > 2) {
    return UsageError(env, absl::StrCat("unexpected argument \"", args->positionals[2], "\""));
  }
  absl::StatusOr<std::string> kind = ResolveKind(args->positionals[0]);
  if (!kind.ok()) return UsageError(env, kind.status().message());
  const std::string name = args->positionals.size() == 2 ? args->positionals[1] : "";
  const std::string output = args->Get("output", "table");
  if (output != "table" && output != "json" && output != "yaml") {
    return UsageError(env, absl::StrCat("unknown output format \"", output,
                                        "\" (table, json or yaml)"));
  }
  const bool all_namespaces = args->Has("all-namespaces");
  if (all_namespaces && args->Has("namespace")) {
    return UsageError(env, "give either -n or -A, not both");
  }
  if (all_namespaces && !name.empty()) return UsageError(env, "a name needs a namespace, not -A");
  const std::string ns = args->Get("namespace", "default");
  const std::string directory = args->Get("manifests", env.default_manifests);

  config::ProblemList problems;
  ManifestSet set = LoadDirectory(directory, /*missing_ok=*/false, problems);
  absl::StatusOr<control_plane::Model> model = control_plane::BuildModel(set.Resources(), problems);
  if (!problems.empty() || !model.ok()) {
    if (problems.empty()) problems.Add(directory, std::string(model.status().message()));
    PrintProblems(env, absl::StrCat("error: the manifests in ", directory, " are invalid"),
                  problems);
    return kExitInvalid;
  }

  std::vector<ObjectKey> keys;
  for (const ObjectKey& key : KeysOfKind(*kind, *model)) {
    if (!all_namespaces && key.ns != ns) continue;
    if (!name.empty() && key.name != name) continue;
    keys.push_back(key);
  }
  const std::string plural = absl::AsciiStrToLower(*kind);
  if (keys.empty()) {
    if (!name.empty()) {
      *env.err << "error: " << plural << " \"" << name << "\" not found in namespace \"" << ns
               << "\"\n";
      return kExitInvalid;
    }
    *env.err << "No " << plural << " found"
             << (all_namespaces ? "." : absl::StrCat(" in namespace \"", ns, "\".")) << "\n";
    return kExitOk;
  }

  if (output == "table") {
    *env.out << FormatObjectTable(*kind, *model, keys);
    return kExitOk;
  }
  std::vector<const StoredObject*> objects;
  for (const ObjectKey& key : keys) objects.push_back(set.Find(ObjectId{*kind, key.ns, key.name}));
  if (output == "yaml") {
    for (size_t i = 0; i < objects.size(); ++i) {
      if (i > 0) *env.out << "---\n";
      *env.out << objects[i]->text;
    }
    return kExitOk;
  }
  std::string json;
  if (!name.empty()) {
    absl::StatusOr<std::string> one = YamlDocumentToJson(objects[0]->text);
    if (!one.ok()) {
      *env.err << "error: " << one.status().message() << "\n";
      return kExitInvalid;
    }
    json = *one;
  } else {
    json = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [";
    for (size_t i = 0; i < objects.size(); ++i) {
      absl::StatusOr<std::string> item = YamlDocumentToJson(objects[i]->text, 4);
      if (!item.ok()) {
        *env.err << "error: " << objects[i]->id.ToString() << ": " << item.status().message()
                 << "\n";
        return kExitInvalid;
      }
      absl::StrAppend(&json, i == 0 ? "\n    " : ",\n    ", *item);
    }
    absl::StrAppend(&json, "\n  ]\n}");
  }
  *env.out << json << "\n";
  return kExitOk;
}

}  // namespace weft::meshctl
