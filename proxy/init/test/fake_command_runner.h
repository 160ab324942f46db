#ifndef WEFT_PROXY_INIT_TEST_FAKE_COMMAND_RUNNER_H_
#define WEFT_PROXY_INIT_TEST_FAKE_COMMAND_RUNNER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proxy/init/command_runner.h"

namespace weft::mesh_init {

// Answers commands from a script and records every call. A command with no
// scripted answer fails to start (kNotFound), like a missing binary.
class FakeCommandRunner final : public CommandRunner {
 public:
  struct Call {
    std::string command;  // argv joined with spaces.
    std::string stdin_text;
  };

  // Scripts the answer for `command` (argv joined with spaces).
  void Answer(const std::string& command, CommandResult result) {
    answers_[command] = std::move(result);
  }
  void Answer(const std::string& command, int exit_code,
              std::string stdout_text, std::string stderr_text = "") {
    Answer(command, CommandResult{exit_code, std::move(stdout_text),
                                  std::move(stderr_text)});
  }

  absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                    absl::string_view stdin_text) override {
    const std::string command = absl::StrJoin(argv, " ");
    calls_.push_back({command, std::string(stdin_text)});
    auto it = answers_.find(command);
    if (it == answers_.end()) {
      return absl::NotFoundError(absl::StrCat("cannot run ", argv[0]));
    }
    return it->second;
  }

  const std::vector<Call>& calls() const { return calls_; }

 private:
  absl::flat_hash_map<std::string, CommandResult> answers_;
  std::vector<Call> calls_;
};

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_TEST_FAKE_COMMAND_RUNNER_H_
