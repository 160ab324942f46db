#include "tools/meshctl/certs_command.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "control-plane/ca/join_token_store.h"
#include "tools/meshctl/cli_args.h"
#include "tools/meshctl/table.h"

namespace weft::meshctl {
namespace {

constexpr char kDefaultMonitoring[] = "127.0.0.1:15014";
constexpr size_t kShortFingerprint = 16;

constexpr char kUsage[] =
    "Usage:\n"
    "  meshctl certs [--monitoring=IP:PORT] [-o table|json|yaml]\n"
    "  meshctl certs rotate-root [--monitoring=IP:PORT]\n"
    "  meshctl certs token <namespace>/<workload> [--ca_dir=DIR] [--revoke]\n"
    "\n"
    "Shows the CA's roots and the workload certificates it issued (from the control\n"
    "plane's monitoring port, /debug/certs); begins a root rotation; or, in local\n"
    "mode, issues a workload's join token (printed alone on stdout).\n"
    "\n";

std::vector<FlagSpec> Flags() {
  return {
      {"monitoring", "", true, "IP:PORT", "control plane monitoring port (127.0.0.1:15014)"},
      {"output", "o", true, "FORMAT", "table (default), json or yaml"},
      {"ca_dir", "", true, "DIR", "token: the CA directory (/var/lib/weft/ca)"},
      {"revoke", "", false, "", "token: remove the workload's tokens instead"},
  };
}

int Usage(const CommandEnv& env, absl::string_view message) {
  *env.err << "meshctl certs: " << message << "\n"
           << "Run 'meshctl certs --help' for usage.\n";
  return kExitUsage;
}

std::string Short(const std::string& fingerprint) {
  return fingerprint.size() > kShortFingerprint ? fingerprint.substr(0, kShortFingerprint)
                                                : fingerprint;
}

// "23h59m", "9y 364d", "expired".
std::string Left(const std::string& rfc3339, absl::Time now) {
  absl::Time t;
  std::string err;
  if (now == absl::InfinitePast() || !absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) {
    return "-";
  }
  const absl::Duration d = t - now;
  if (d <= absl::ZeroDuration()) return "expired";
  const int64_t days = absl::ToInt64Hours(d) / 24;
  if (days >= 365) return absl::StrCat(days / 365, "y", days % 365, "d");
  if (days >= 2) return absl::StrCat(days, "d");
  const int64_t minutes = absl::ToInt64Minutes(d);
  return absl::StrCat(minutes / 60, "h", minutes % 60, "m");
}

int Show(const ParsedArgs& args, const CommandEnv& env) {
  const std::string output = args.Get("output", "table");
  if (output != "table" && output != "json" && output != "yaml") {
    return Usage(env, "-o: expected table, json or yaml");
  }
  const std::string monitoring = args.Get("monitoring", kDefaultMonitoring);
  absl::StatusOr<std::string> body = env.http->Get(monitoring, "/debug/certs");
  if (!body.ok()) {
    *env.err << "meshctl certs: control plane at " << monitoring << ": " << body.status().message()
             << (absl::IsFailedPrecondition(body.status())
                     ? "\n(is the CA on? mesh-control-plane --ca_dir=DIR)\n"
                     : "\n");
    return kExitUsage;
  }
  absl::StatusOr<Json> json = Json::Parse(*body);
  if (!json.ok()) {
    *env.err << "meshctl certs: /debug/certs: " << json.status().message() << "\n";
    return kExitInvalid;
  }
  if (output == "json") {
    *env.out << json->Dump();
  } else if (output == "yaml") {
    *env.out << json->DumpYaml();
  } else {
    *env.out << FormatCertsTables(
        *json, env.time != nullptr ? env.time->SystemNow() : absl::InfinitePast());
  }
  return kExitOk;
}

int RotateRoot(const ParsedArgs& args, const CommandEnv& env) {
  const std::string monitoring = args.Get("monitoring", kDefaultMonitoring);
  absl::StatusOr<std::string> body = env.http->Post(monitoring, "/debug/certs/rotate-root");
  if (absl::IsFailedPrecondition(body.status())) {
    *env.err << "meshctl certs rotate-root: refused: " << body.status().message() << "\n";
    return kExitInvalid;
  }
  if (!body.ok()) {
    *env.err << "meshctl certs rotate-root: control plane at " << monitoring << ": "
             << body.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<Json> json = Json::Parse(*body);
  if (!json.ok()) {
    *env.err << "meshctl certs rotate-root: bad answer: " << json.status().message() << "\n";
    return kExitInvalid;
  }
  std::string incoming;
  for (const Json& root : (*json)["roots"].items()) {
    if (root.Text("role") == "incoming") incoming = root.Text("fingerprint");
  }
  const Json& rotation = (*json)["rotation"];
  *env.out << "Root rotation begun (phase " << rotation.Text("phase") << ").\n"
           << "  1. distributing: new root " << Short(incoming)
           << " is added to every trust bundle; the old root still signs\n"
           << "  2. draining:     from " << rotation.Text("switch_at")
           << " the new root signs; bundles keep both roots\n"
           << "  3. retired:      once the last certificate the old root signed expires, the "
              "old root leaves the bundles\n"
           << "Follow it with 'meshctl certs'.\n";
  return kExitOk;
}

int Token(const ParsedArgs& args, const CommandEnv& env) {
  if (args.positionals.size() != 2) {
    return Usage(env, "token takes one <namespace>/<workload>");
  }
  absl::StatusOr<control_plane::ca::WorkloadRef> workload =
      control_plane::ca::WorkloadRef::Parse(args.positionals[1]);
  if (!workload.ok()) {
    *env.err << "meshctl certs token: " << workload.status().message() << "\n";
    return kExitInvalid;
  }
  const std::string ca_dir = args.Get("ca_dir", kDefaultCaDir);
  control_plane::ca::JoinTokenStore store(control_plane::ca::JoinTokenStore::DirectoryFor(ca_dir));
  if (args.Has("revoke")) {
    absl::StatusOr<int> revoked = store.Revoke(*workload);
    if (!revoked.ok()) {
      *env.err << "meshctl certs token: " << revoked.status().message() << "\n";
      return kExitInvalid;
    }
    *env.err << "revoked " << *revoked << " join token(s) of " << workload->ToString() << "\n";
    return kExitOk;
  }
  absl::StatusOr<std::string> token = store.Issue(*workload);
  if (!token.ok()) {
    *env.err << "meshctl certs token: " << token.status().message() << "\n";
    return kExitInvalid;
  }
  *env.out << *token << "\n";
  return kExitOk;
}

}  // namespace

std::string FormatCertsTables(const Json& certs, absl::Time now) {
  const Json& rotation = certs["rotation"];
  std::string out = absl::StrCat("Trust domain: ", certs.Text("trust_domain"),
                                 "   Rotation: ", rotation.Text("phase"));
  if (rotation.Text("phase") == "distributing") {
    absl::StrAppend(&out, " (new root signs from ", rotation.Text("switch_at"), ")");
  } else if (rotation.Text("phase") == "draining") {
    absl::StrAppend(&out, " (old root retires at ", rotation.Text("retire_at"), ")");
  }
  absl::StrAppend(&out, "\n\n");
  std::vector<std::vector<std::string>> roots;
  for (const Json& r : certs["roots"].items()) {
    roots.push_back({Short(r.Text("fingerprint")), r.Text("role"), r.Text("not_after"),
                     Left(r.Text("not_after"), now)});
  }
  absl::StrAppend(&out, FormatTable({"ROOT", "ROLE", "EXPIRES", "LEFT"}, roots), "\n");
  std::vector<std::vector<std::string>> workloads;
  for (const Json& w : certs["workloads"].items()) {
    workloads.push_back({w.Text("spiffe_id"), w.Text("serial"), w.Text("not_after"),
                         Left(w.Text("not_after"), now), Short(w.Text("root"))});
  }
  if (workloads.empty()) {
    absl::StrAppend(&out, "No workload certificates issued since the control plane started.\n");
  } else {
    absl::StrAppend(&out, FormatTable({"IDENTITY", "SERIAL", "EXPIRES", "LEFT", "ROOT"}, workloads));
  }
  return out;
}

int RunCerts(const std::vector<std::string>& argv, const CommandEnv& env) {
  absl::StatusOr<ParsedArgs> args = ParseArgs(argv, Flags());
  if (!args.ok()) return Usage(env, args.status().message());
  if (args->help) {
    *env.out << kUsage << FlagsHelp(Flags());
    return kExitOk;
  }
  const std::string sub = args->positionals.empty() ? "" : args->positionals[0];
  if (sub.empty()) return Show(*args, env);
  if (sub == "rotate-root") {
    if (args->positionals.size() != 1) return Usage(env, "rotate-root takes no arguments");
    return RotateRoot(*args, env);
  }
  if (sub == "token") return Token(*args, env);
  return Usage(env, absl::StrCat("unknown subcommand \"", sub,
                                 "\" (expected rotate-root or token, or none)"));
}

}  // namespace weft::meshctl
