#include "proxy/init/real_command_runner.h"

#include <string>

#include "common/time/real_time_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace weft::mesh_init {
namespace {

using ::testing::HasSubstr;

// These run real (tiny) processes: /bin/sh and coreutils.
class RealCommandRunnerTest : public ::testing::Test {
 protected:
  RealCommandRunner runner_{RealTimeSource::Instance(), absl::Seconds(20)};
};

TEST_F(RealCommandRunnerTest, FeedsStdinAndCapturesBothOutputsAndExitCode) {
  absl::StatusOr<CommandResult> result = runner_.Run(
      {"/bin/sh", "-c", "cat; echo oops >&2; exit 3"}, "*nat\nCOMMIT\n");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->stdout_text, "*nat\nCOMMIT\n");
  EXPECT_EQ(result->stderr_text, "oops\n");
}

TEST_F(RealCommandRunnerTest, LargeInputAndOutputDoNotDeadlock) {
  // Far beyond a pipe's 64 KiB buffer in both directions at once.
  const std::string big(2 << 20, 'x');
  absl::StatusOr<CommandResult> result = runner_.Run({"cat"}, big);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->stdout_text.size(), big.size());
}

TEST_F(RealCommandRunnerTest, ChildThatIgnoresStdinIsFine) {
  absl::StatusOr<CommandResult> result =
      runner_.Run({"/bin/sh", "-c", "exec 0<&-; echo done"},
                  std::string(1 << 20, 'y'));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stdout_text, "done\n");
}

TEST_F(RealCommandRunnerTest, MissingProgramIsNotFound) {
  absl::StatusOr<CommandResult> result =
      runner_.Run({"weft-no-such-program-xyz"}, "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(result.status().message(), HasSubstr("weft-no-such-program-xyz"));
}

TEST_F(RealCommandRunnerTest, HungChildIsKilledAtTheDeadline) {
  RealCommandRunner quick(RealTimeSource::Instance(), absl::Milliseconds(200));
  absl::StatusOr<CommandResult> result = quick.Run({"sleep", "30"}, "");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(RealCommandRunnerTest, SignalledChildReports128PlusSignal) {
  absl::StatusOr<CommandResult> result =
      runner_.Run({"/bin/sh", "-c", "kill -TERM $$"}, "");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 128 + 15);
}

}  // namespace
}  // namespace weft::mesh_init
