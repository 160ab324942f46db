#include "proxy/observability/access_log_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace weft::observability {
namespace {

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return std::string(tmp != nullptr ? tmp : "/tmp") + "/" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FdAccessLogSinkTest, BuffersUntilFlushAndAppends) {
  const std::string path = TempPath("access.log");
  ::unlink(path.c_str());
  {
    auto sink = FdAccessLogSink::OpenFile(path, {});
    ASSERT_TRUE(sink.ok()) << sink.status();
    (*sink)->Write("{\"a\":1}\n");
    (*sink)->Write("{\"a\":2}\n");
    EXPECT_EQ(ReadFile(path), "");  // nothing before the flush
    ASSERT_TRUE((*sink)->Flush().ok());
    EXPECT_EQ(ReadFile(path), "{\"a\":1}\n{\"a\":2}\n");
    EXPECT_EQ((*sink)->buffered_bytes(), 0u);
    (*sink)->Write("{\"a\":3}\n");
  }  // destructor flushes
  auto again = FdAccessLogSink::OpenFile(path, {});
  ASSERT_TRUE(again.ok());
  (*again)->Write("{\"a\":4}\n");
  ASSERT_TRUE((*again)->Flush().ok());
  EXPECT_EQ(ReadFile(path), "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n");
}

TEST(FdAccessLogSinkTest, FlushesByItselfPastTheThreshold) {
  const std::string path = TempPath("threshold.log");
  ::unlink(path.c_str());
  FdAccessLogSink::Options options;
  options.flush_threshold_bytes = 10;
  auto sink = FdAccessLogSink::OpenFile(path, options);
  ASSERT_TRUE(sink.ok());
  (*sink)->Write("12345\n");
  EXPECT_EQ(ReadFile(path), "");
  (*sink)->Write("67890\n");  // 12 bytes >= 10
  EXPECT_EQ(ReadFile(path), "12345\n67890\n");
}

TEST(FdAccessLogSinkTest, ReportsAnUnopenablePath) {
  auto sink = FdAccessLogSink::OpenFile("/nonexistent-dir/x/access.log", {});
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("/nonexistent-dir/x/access.log"), absl::string_view::npos);
}

TEST(FdAccessLogSinkTest, FullPipeKeepsTheRestAndTheCapDropsLines) {
  ::signal(SIGPIPE, SIG_IGN);  // as mesh-proxy's main does
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  ASSERT_GT(::fcntl(fds[1], F_SETPIPE_SZ, 4096), 0);
  FdAccessLogSink::Options options;
  options.flush_threshold_bytes = 1 << 20;
  options.max_buffer_bytes = 8192;
  auto sink = FdAccessLogSink::ForFd(fds[1], options);
  const std::string line(99, 'x');
  const std::string nl_line = line + "\n";
  for (int i = 0; i < 100; ++i) sink->Write(nl_line);  // 81 fit in 8192 bytes
  EXPECT_EQ(sink->dropped_lines(), 19u);
  EXPECT_TRUE(sink->Flush().ok());  // the pipe takes 4096 bytes; EAGAIN is not an error
  EXPECT_EQ(sink->buffered_bytes(), 8100u - 4096u);
  char buf[8192];
  ASSERT_EQ(::read(fds[0], buf, sizeof(buf)), 4096);
  EXPECT_TRUE(sink->Flush().ok());
  EXPECT_EQ(sink->buffered_bytes(), 0u);
  ASSERT_EQ(::read(fds[0], buf, sizeof(buf)), 8100 - 4096);
  ::close(fds[0]);
  // Reader gone: EPIPE is an error, the buffer is dropped and counted.
  sink->Write(nl_line);
  sink->Write(nl_line);
  absl::Status st = sink->Flush();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_EQ(sink->dropped_lines(), 21u);
  EXPECT_EQ(sink->buffered_bytes(), 0u);
  sink.reset();
  ::close(fds[1]);
}

}  // namespace
}  // namespace weft::observability
