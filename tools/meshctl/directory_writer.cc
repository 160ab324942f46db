#include "tools/meshctl/directory_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace weft::meshctl {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(errno)));
}

absl::Status MakeDirectories(const std::string& path) {
  if (path.empty()) return absl::OkStatus();
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    return S_ISDIR(st.st_mode) ? absl::OkStatus()
                               : absl::InternalError(absl::StrCat(path, " is not a directory"));
  }
  const size_t slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) {
    if (absl::Status parent = MakeDirectories(path.substr(0, slash)); !parent.ok()) return parent;
  }
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return Errno("create directory", path);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& directory, const std::string& relative_path,
                                 const std::string& content) {
  const std::string target = absl::StrCat(directory, "/", relative_path);
  const size_t slash = target.find_last_of('/');
  if (absl::Status made = MakeDirectories(target.substr(0, slash)); !made.ok()) return made;
  const std::string temp = absl::StrCat(target.substr(0, slash), "/.", target.substr(slash + 1),
                                        ".meshctl-", ::getpid(), ".tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("create", temp);
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status status = Errno("write", temp);
      ::close(fd);
      ::unlink(temp.c_str());
      return status;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    absl::Status status = Errno("flush", temp);
    ::unlink(temp.c_str());
    return status;
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    absl::Status status = Errno("rename into place", target);
    ::unlink(temp.c_str());
    return status;
  }
  return absl::OkStatus();
}

absl::Status RemoveFile(const std::string& directory, const std::string& relative_path) {
  const std::string path = absl::StrCat(directory, "/", relative_path);
  if (::unlink(path.c_str()) != 0) return Errno("remove", path);
  return absl::OkStatus();
}

absl::Status ReadFileIfExists(const std::string& directory, const std::string& relative_path,
                              std::string& content) {
  const std::string path = absl::StrCat(directory, "/", relative_path);
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  content = buffer.str();
  return absl::OkStatus();
}

}  // namespace weft::meshctl
