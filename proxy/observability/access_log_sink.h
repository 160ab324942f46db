#ifndef WEFT_PROXY_OBSERVABILITY_ACCESS_LOG_SINK_H_
#define WEFT_PROXY_OBSERVABILITY_ACCESS_LOG_SINK_H_

// Where access log lines go. FdAccessLogSink buffers lines in memory and writes
// them to a file descriptor (a file opened O_APPEND, or stdout) when the caller
// flushes (from a timer on its dispatcher) or when the buffer passes
// flush_threshold_bytes, so the hot path costs an append to a string and a
// write(2) every few dozen KiB. A buffer that cannot drain (a stuck stdout pipe)
// is capped: lines past max_buffer_bytes are dropped and counted, never queued
// without bound.
//
//   auto sink = FdAccessLogSink::OpenFile("/var/log/weft/access.log", {});
//   if (!sink.ok()) return sink.status();      // names the path and errno
//   (*sink)->Write("{...}\n");
//   (*sink)->Flush();                          // from the flush timer
//
// Threading: thread-compatible; one sink per worker. Lines from several
// workers' sinks on one O_APPEND file do not interleave within a write(2) to a
// regular file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::observability {

class AccessLogSink {
 public:
  virtual ~AccessLogSink() = default;
  // One complete line including its '\n'.
  virtual void Write(absl::string_view line) = 0;
  // Hands buffered lines to the OS. An error names the cause; lines that could
  // not be written are dropped (and counted) unless the fd was merely full.
  virtual absl::Status Flush() = 0;
};

class FdAccessLogSink final : public AccessLogSink {
 public:
  struct Options {
    size_t flush_threshold_bytes = 64 * 1024;
    size_t max_buffer_bytes = 4 * 1024 * 1024;
  };

  // Opens (creating, mode 0640) `path` for appending.
  static absl::StatusOr<std::unique_ptr<FdAccessLogSink>> OpenFile(const std::string& path,
                                                                   const Options& options);
  // Standard output; not closed by the sink.
  static std::unique_ptr<FdAccessLogSink> Stdout(const Options& options);
  // An fd the caller owns (not closed), e.g. a pipe in tests.
  static std::unique_ptr<FdAccessLogSink> ForFd(int fd, const Options& options);

  ~FdAccessLogSink() override;  // flushes what it can, closes an owned fd

  void Write(absl::string_view line) override;
  absl::Status Flush() override;

  uint64_t dropped_lines() const { return dropped_lines_; }
  size_t buffered_bytes() const { return buffer_.size(); }

 private:
  FdAccessLogSink(int fd, bool owned, const Options& options)
      : fd_(fd), owned_(owned), options_(options) {}

  const int fd_;
  const bool owned_;
  const Options options_;
  std::string buffer_;
  uint64_t dropped_lines_ = 0;
};

}  // namespace weft::observability

#endif  // WEFT_PROXY_OBSERVABILITY_ACCESS_LOG_SINK_H_
