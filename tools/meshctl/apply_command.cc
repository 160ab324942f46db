#include "tools/meshctl/apply_command.h"

#include <algorithm>
#include <set>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "control-plane/core/build_model.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/directory_writer.h"
#include "tools/meshctl/manifest_set.h"

namespace weft::meshctl {
namespace {

const std::vector<FlagSpec>& Flags() {
  static const auto* const flags = new std::vector<FlagSpec>{
      {"filename", "f", true, "FILE", "manifest file, directory, or - for stdin (repeatable)"},
      {"manifests", "", true, "DIR",
       "manifest directory the control plane watches (default $WEFT_MANIFESTS or "
       "/var/lib/weft/manifests)"},
      {"dry-run", "", false, "", "validate and show what would change, write nothing"},
  };
  return *flags;
}

constexpr char kUsage[] =
    "Usage: meshctl apply -f FILE|DIR|- [--manifests=DIR] [--dry-run]\n"
    "\n"
    "Validates the given manifests together with the manifest directory (what the\n"
    "control plane would build) and, if everything is valid, writes each object to\n"
    "<kind>-<namespace>-<name>.yaml in the directory. Nothing is written when any\n"
    "problem is found; every problem is listed.\n"
    "\n"
    "Flags:\n";

enum class Action { kCreated, kConfigured, kUnchanged };

struct PlannedChange {
  const StoredObject* object;  // from the input
  Action action;
  std::string remove_file;  // a previous file of the object to remove, or empty
};

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kCreated:
      return "created";
    case Action::kConfigured:
      return "configured";
    case Action::kUnchanged:
      return "unchanged";
  }
  return "";
}

}  // namespace

int RunApply(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, Flags());
  if (!args.ok()) {
    *env.err << "meshctl apply: " << args.status().message() << "\n"
             << "Run 'meshctl apply --help' for usage.\n";
    return kExitUsage;
  }
  if (args->help) {
    *env.out << kUsage << FlagsHelp(Flags());
    return kExitOk;
  }
  if (!args->positionals.empty()) {
    *env.err << "meshctl apply: unexpected argument \"" << args->positionals[0]
             << "\" (manifests are given with -f)\n";
    return kExitUsage;
  }
  const std::vector<std::string> inputs = args->GetAll("filename");
  if (inputs.empty()) {
    *env.err << "meshctl apply: -f FILE|DIR|- is required\n";
    return kExitUsage;
  }
  const std::string directory = args->Get("manifests", env.default_manifests);
  const bool dry_run = args->Has("dry-run");

  config::ProblemList problems;
  ManifestSet input;
  for (const std::string& path : inputs) {
    ManifestSet one = LoadInput(path, *env.in, problems);
    for (StoredObject& object : one.objects) input.objects.push_back(std::move(object));
    for (std::string& warning : one.warnings) input.warnings.push_back(std::move(warning));
  }
  ManifestSet current = LoadDirectory(directory, /*missing_ok=*/true, problems);

  // What the control plane would read after the apply: the directory with every
  // applied object replacing the one of the same kind/namespace/name.
  std::set<ObjectId> applied_ids;
  for (const StoredObject& object : input.objects) applied_ids.insert(object.id);
  std::vector<control_plane::Resource> resulting;
  for (const StoredObject& object : current.objects) {
    if (applied_ids.count(object.id) == 0) resulting.push_back(object.resource);
  }
  for (const StoredObject& object : input.objects) resulting.push_back(object.resource);
  (void)control_plane::BuildModel(resulting, problems);

  for (const std::string& warning : input.warnings) *env.err << "warning: " << warning << "\n";
  if (!problems.empty()) {
    PrintProblems(env, "error: nothing applied, the manifests would be invalid", problems);
    return kExitInvalid;
  }
  if (input.objects.empty()) {
    *env.err << "error: no Service, Workload, HTTPRoute, GRPCRoute or TrafficPolicy in the input\n";
    return kExitInvalid;
  }

  // Plan every change before making any, so that a refusal changes nothing.
  std::vector<PlannedChange> plan;
  std::vector<std::string> refusals;
  for (const StoredObject& object : input.objects) {
    const std::string owned_file = OwnedFileName(object.id);
    const StoredObject* existing = current.Find(object.id);
    PlannedChange change{&object, Action::kCreated, ""};
    if (existing != nullptr) {
      if (existing->text == object.text) {
        plan.push_back({&object, Action::kUnchanged, ""});
        continue;
      }
      if (!existing->sole_in_file) {
        refusals.push_back(absl::StrCat(
            object.id.ToString(), " is defined in ", existing->file,
            " together with other documents; meshctl only replaces files that hold one "
            "object. Edit that file, or move the object to a file of its own first"));
        continue;
      }
      change.action = Action::kConfigured;
      if (existing->file != owned_file) change.remove_file = existing->file;
    }
    // The owned file name must not hold anything else (names can collide:
    // namespace "a", name "b-c" and namespace "a-b", name "c").
    std::string content;
    const bool owned_file_exists = ReadFileIfExists(directory, owned_file, content).ok();
    if (owned_file_exists && (existing == nullptr || existing->file != owned_file)) {
      refusals.push_back(absl::StrCat("cannot write ", object.id.ToString(), ": ", owned_file,
                                      " already exists and holds something else"));
      continue;
    }
    plan.push_back(std::move(change));
  }
  if (!refusals.empty()) {
    *env.err << "error: nothing applied:\n";
    for (const std::string& refusal : refusals) *env.err << "  " << refusal << "\n";
    return kExitInvalid;
  }

  // Referenced kinds first, so that the watching control plane sees few dangling
  // references while files appear one by one.
  std::vector<const PlannedChange*> order;
  for (const PlannedChange& change : plan) order.push_back(&change);
  std::stable_sort(order.begin(), order.end(), [](const PlannedChange* a, const PlannedChange* b) {
    return KindWriteOrder(a->object->id.kind) < KindWriteOrder(b->object->id.kind);
  });
  if (!dry_run) {
    for (const PlannedChange* change : order) {
      if (change->action == Action::kUnchanged) continue;
      absl::Status written =
          WriteFileAtomically(directory, OwnedFileName(change->object->id), change->object->text);
      if (written.ok() && !change->remove_file.empty()) {
        written = RemoveFile(directory, change->remove_file);
      }
      if (!written.ok()) {
        *env.err << "error: " << written.message() << "\n";
        return kExitInvalid;
      }
    }
  }
  for (const PlannedChange& change : plan) {
    *env.out << change.object->id.ToString() << " " << ActionName(change.action)
             << (dry_run ? " (dry run)" : "") << "\n";
  }
  return kExitOk;
}

}  // namespace weft::meshctl
