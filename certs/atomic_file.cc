#include "certs/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "openssl/mem.h"
#include "openssl/rand.h"

namespace weft {
namespace certs {
namespace {

absl::Status ErrnoStatus(absl::string_view what, const std::string& path, int err) {
  std::string message = absl::StrCat(what, " ", path, ": ", strerror(err));
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  if (err == ENOENT) return absl::NotFoundError(message);
  return absl::InternalError(message);
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status WriteAll(int fd, absl::string_view contents, const std::string& path) {
  while (!contents.empty()) {
    ssize_t n = write(fd, contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoStatus("writing", path, n < 0 ? errno : EIO);
    contents.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 mode_t mode) {
  uint8_t suffix[6];
  RAND_bytes(suffix, sizeof(suffix));
  std::string tmp = absl::StrCat(path, ".tmp-");
  for (uint8_t b : suffix) absl::StrAppend(&tmp, absl::Hex(b, absl::kZeroPad2));
  // Created with mode 0600 at most, so the contents are never exposed, then set
  // to exactly `mode` (fchmod is not subject to umask).
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                mode & 0600);
  if (fd < 0) return ErrnoStatus("creating", tmp, errno);
  absl::Status status = WriteAll(fd, contents, tmp);
  if (status.ok() && fchmod(fd, mode) != 0) status = ErrnoStatus("chmod", tmp, errno);
  if (status.ok() && fsync(fd) != 0) status = ErrnoStatus("fsync", tmp, errno);
  if (close(fd) != 0 && status.ok()) status = ErrnoStatus("closing", tmp, errno);
  if (status.ok() && rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus("renaming into place", path, errno);
  }
  if (!status.ok()) {
    unlink(tmp.c_str());
    return status;
  }
  const std::string dir = DirName(path);
  int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return ErrnoStatus("opening directory", dir, errno);
  if (fsync(dir_fd) != 0) status = ErrnoStatus("fsync directory", dir, errno);
  close(dir_fd);
  return status;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("opening", path, errno);
  std::string out;
  char buf[4096];
  absl::Status status;
  while (true) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = ErrnoStatus("reading", path, errno);
      break;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      status = absl::InvalidArgumentError(
          absl::StrCat(path, " is larger than ", max_bytes, " bytes"));
      break;
    }
  }
  OPENSSL_cleanse(buf, sizeof(buf));  // May have held key material.
  close(fd);
  if (!status.ok()) {
    OPENSSL_cleanse(out.data(), out.size());
    return status;
  }
  return out;
}

absl::Status EnsureDirectory(const std::string& dir, mode_t mode) {
  if (mkdir(dir.c_str(), mode) == 0) return absl::OkStatus();
  if (errno != EEXIST) return ErrnoStatus("creating directory", dir, errno);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return ErrnoStatus("stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not a directory"));
  }
  return absl::OkStatus();
}

}  // namespace certs
}  // namespace weft
