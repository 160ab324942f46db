#include "proxy/observability/access_log_sink.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace weft::observability {

absl::StatusOr<std::unique_ptr<FdAccessLogSink>> FdAccessLogSink::OpenFile(const std::string& path,
                                                                           const Options& options) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    const int err = errno;
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open access log ", path, ": ", strerror(err)));
  }
  return std::unique_ptr<FdAccessLogSink>(new FdAccessLogSink(fd, true, options));
}

std::unique_ptr<FdAccessLogSink> FdAccessLogSink::Stdout(const Options& options) {
  return ForFd(STDOUT_FILENO, options);
}

std::unique_ptr<FdAccessLogSink> FdAccessLogSink::ForFd(int fd, const Options& options) {
  return std::unique_ptr<FdAccessLogSink>(new FdAccessLogSink(fd, false, options));
}

FdAccessLogSink::~FdAccessLogSink() {
  Flush().IgnoreError();  // best effort at shutdown; there is no one left to tell
  if (owned_) ::close(fd_);
}

void FdAccessLogSink::Write(absl::string_view line) {
  if (buffer_.size() + line.size() > options_.max_buffer_bytes) {
    ++dropped_lines_;
    return;
  }
  buffer_.append(line.data(), line.size());
  if (buffer_.size() >= options_.flush_threshold_bytes) Flush().IgnoreError();
}

absl::Status FdAccessLogSink::Flush() {
  size_t written = 0;
  absl::Status status;
  // Each pass writes something or stops, so this ends within buffer_.size() passes.
  while (written < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  // keep the rest
    const int err = n < 0 ? errno : EIO;
    // A broken fd will not recover by itself: drop rather than grow.
    dropped_lines_ += static_cast<uint64_t>(
        std::count(buffer_.begin() + static_cast<std::ptrdiff_t>(written), buffer_.end(), '\n'));
    written = buffer_.size();
    status = absl::UnavailableError(absl::StrCat("access log write failed: ", strerror(err)));
  }
  buffer_.erase(0, written);
  return status;
}

}  // namespace weft::observability
