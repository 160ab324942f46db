#ifndef WEFT_TOOLS_MESHCTL_COMMAND_H_
#define WEFT_TOOLS_MESHCTL_COMMAND_H_

// What every meshctl command gets and returns. Commands write only to the streams
// given here and return an exit code, so tests run them in-process on a temp
// directory and compare their output.
//
//   CommandEnv env{&std::cin, &std::cout, &std::cerr, "/var/lib/weft/manifests"};
//   return RunApply({"-f", "svc.yaml"}, env);
//
// Thread-compatible; one command runs at a time.

#include <istream>
#include <ostream>
#include <functional>
#include <string>

#include "common/time/time_source.h"
#include "tools/meshctl/http_fetcher.h"

#include "proxy/config/problem_list.h"

namespace weft::meshctl {

// Exit codes, documented in docs/meshctl.md.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // invalid input, refused, not found
inline constexpr int kExitUsage = 2;    // bad command line, or the control plane unreachable

inline constexpr char kDefaultManifests[] = "/var/lib/weft/manifests";
inline constexpr char kManifestsEnv[] = "WEFT_MANIFESTS";

struct CommandEnv {
  std::istream* in;
  std::ostream* out;
  std::ostream* err;
  // The manifest directory when --manifests is not given ($WEFT_MANIFESTS or the
  // default, chosen by main).
  std::string default_manifests = kDefaultManifests;
  // For RPC deadlines; main.cc passes the real clock.
  const TimeSource* time = nullptr;
  // HTTP reads of proxies and the control plane's monitoring port (stat, top,
  // proxy-config, check); main.cc passes a SocketHttpFetcher, tests a fake.
  HttpFetcher* http = nullptr;
  // Waits between two scrapes (stat, top); tests pass a no-op.
  std::function<void(absl::Duration)> sleep;
};

// Prints "<header>:" and then every problem, one per line, to env.err.
void PrintProblems(const CommandEnv& env, const std::string& header,
                   const config::ProblemList& problems);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_COMMAND_H_
