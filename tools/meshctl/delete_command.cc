#include "tools/meshctl/delete_command.h"

#include <algorithm>
#include <set>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "control-plane/core/build_model.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/directory_writer.h"
#include "tools/meshctl/kinds.h"
#include "tools/meshctl/manifest_set.h"

namespace weft::meshctl {
namespace {

const std::vector<FlagSpec>& Flags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      {"namespace", "n", true, "NS", "namespace of the object (default: default)"},
      {"filename", "f", true, "FILE", "delete the objects these manifests define (repeatable)"},
      {"manifests", "", true, "DIR",
       "manifest directory the control plane watches (default $WEFT_MANIFESTS or "
       "/var/lib/weft/manifests)"},
      {"dry-run", "", false, "", "check and show what would be deleted, change nothing"},
  };
  return *flags;
}

constexpr char kUsage[] =
    "Usage: meshctl delete <kind> <name>... [-n NS] [--manifests=DIR]\n"
    "       meshctl delete -f FILE|DIR|- [--manifests=DIR]\n"
    "\n"
    "Removes objects from the manifest directory if the objects left are still valid\n"
    "(nothing may still refer to what is deleted). Kinds: services (svc),\n"
    "endpointslices (eps), workloads (wl), httproutes, grpcroutes, trafficpolicies (tp),\n"
    "peerauthentications (pa), authorizationpolicies (ap).\n"
    "\n"
    "Flags:\n";

int UsageError(const CommandEnv& env, absl::string_view message) {
  *env.err << "meshctl delete: " << message << "\n"
           << "Run 'meshctl delete --help' for usage.\n";
  return kExitUsage;
}

}  // namespace

int RunDelete(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, Flags());
  if (!args.ok()) return UsageError(env, args.status().message());
  if (args->help) {
    *env.out << kUsage << FlagsHelp(Flags());
    return kExitOk;
  }
  const std::string directory = args->Get("manifests", env.default_manifests);
  const std::vector<std::string> inputs = args->GetAll("filename");

  std::vector<ObjectId> targets;
  config::ProblemList problems;
  if (!inputs.empty()) {
    if (!args->positionals.empty()) return UsageError(env, "give either -f or <kind> <name>");
    for (const std::string& path : inputs) {
      for (const StoredObject& object : LoadInput(path, *env.in, problems).objects) {
        targets.push_back(object.id);
      }
    }
    if (!problems.empty()) {
      PrintProblems(env, "error: cannot read the manifests to delete", problems);
      return kExitInvalid;
    }
  } else {
    if (args->positionals.size() < 2) return UsageError(env, "expected <kind> <name>");
    absl::StatusOr<std::string> kind = ResolveKind(args->positionals[0]);
    if (!kind.ok()) return UsageError(env, kind.status().message());
    const std::string ns = args->Get("namespace", "default");
    for (size_t i = 1; i < args->positionals.size(); ++i) {
      targets.push_back(ObjectId{*kind, ns, args->positionals[i]});
    }
  }
  if (targets.empty()) {
    *env.err << "error: nothing to delete\n";
    return kExitInvalid;
  }

  ManifestSet current = LoadDirectory(directory, /*missing_ok=*/true, problems);
  std::vector<std::string> refusals;
  std::vector<const StoredObject*> doomed;
  for (const ObjectId& id : targets) {
    const StoredObject* object = current.Find(id);
    if (object == nullptr) {
      refusals.push_back(absl::StrCat(id.ToString(), " not found in ", directory));
    } else if (!object->sole_in_file) {
      refusals.push_back(absl::StrCat(id.ToString(), " is defined in ", object->file,
                                      " together with other documents; edit that file"));
    } else if (std::find(doomed.begin(), doomed.end(), object) == doomed.end()) {
      doomed.push_back(object);
    }
  }
  if (!refusals.empty()) {
    *env.err << "error: nothing deleted:\n";
    for (const std::string& refusal : refusals) *env.err << "  " << refusal << "\n";
    return kExitInvalid;
  }

  std::set<ObjectId> doomed_ids;
  for (const StoredObject* object : doomed) doomed_ids.insert(object->id);
  std::vector<control_plane::Resource> remaining;
  for (const StoredObject& object : current.objects) {
    if (doomed_ids.count(object.id) == 0) remaining.push_back(object.resource);
  }
  (void)control_plane::BuildModel(remaining, problems);
  if (!problems.empty()) {
    PrintProblems(env, "error: nothing deleted, the manifests left would be invalid", problems);
    return kExitInvalid;
  }

  // Referring kinds first (the reverse of apply's order).
  std::vector<const StoredObject*> order = doomed;
  std::stable_sort(order.begin(), order.end(), [](const StoredObject* a, const StoredObject* b) {
    return KindWriteOrder(a->id.kind) > KindWriteOrder(b->id.kind);
  });
  const bool dry_run = args->Has("dry-run");
  if (!dry_run) {
    for (const StoredObject* object : order) {
      if (absl::Status removed = RemoveFile(directory, object->file); !removed.ok()) {
        *env.err << "error: " << removed.message() << "\n";
        return kExitInvalid;
      }
    }
  }
  for (const StoredObject* object : doomed) {
    *env.out << object->id.ToString() << " deleted" << (dry_run ? " (dry run)" : "") << "\n";
  }
  return kExitOk;
}

}  // namespace weft::meshctl
