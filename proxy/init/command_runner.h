#ifndef WEFT_PROXY_INIT_COMMAND_RUNNER_H_
#define WEFT_PROXY_INIT_COMMAND_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::mesh_init {

// What a finished command left behind.
struct CommandResult {
  int exit_code = 0;  // 128 + signal number when the command was killed.
  std::string stdout_text;
  std::string stderr_text;
};

// Runs external programs (iptables-save, iptables-restore, ...). mesh-init's
// only door to the outside world, so that everything above it is tested with
// a fake.
//
//   absl::StatusOr<CommandResult> r =
//       runner.Run({"iptables-nft-restore", "--noflush"}, rules_text);
//
// Implementations need not be thread-safe; mesh-init is single-threaded.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;

  // Runs argv (argv[0] looked up in PATH) with `stdin_text` on its standard
  // input and waits for it. A non-zero exit is a normal result; an error
  // status means the command could not be run at all (kNotFound when the
  // program does not exist, kDeadlineExceeded when it hung and was killed).
  virtual absl::StatusOr<CommandResult> Run(
      const std::vector<std::string>& argv, absl::string_view stdin_text) = 0;
};

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_COMMAND_RUNNER_H_
