#ifndef WEFT_PROXY_INIT_REAL_COMMAND_RUNNER_H_
#define WEFT_PROXY_INIT_REAL_COMMAND_RUNNER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/time/time_source.h"
#include "proxy/init/command_runner.h"

namespace weft::mesh_init {

// Runs commands with fork/exec, feeding stdin and capturing stdout and stderr
// through pipes (poll()ed together, so a chatty child never deadlocks us).
// A child still running after `timeout` is sent SIGKILL and reaped.
// Borrows `time`, which must outlive this object. Not thread-safe.
class RealCommandRunner final : public CommandRunner {
 public:
  RealCommandRunner(const TimeSource& time, absl::Duration timeout)
      : time_(time), timeout_(timeout) {}

  absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                    absl::string_view stdin_text) override;

 private:
  const TimeSource& time_;
  const absl::Duration timeout_;
};

}  // namespace weft::mesh_init

#endif  // WEFT_PROXY_INIT_REAL_COMMAND_RUNNER_H_
