#include "proxy/init/real_command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::mesh_init {
namespace {

// Closes a descriptor once; -1 means "already closed".
void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Ignores SIGPIPE for its lifetime, so a child that exits without reading its
// stdin gives us EPIPE instead of killing mesh-init.
class ScopedIgnoreSigpipe {
 public:
  ScopedIgnoreSigpipe() {
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &previous_);
  }
  ~ScopedIgnoreSigpipe() { sigaction(SIGPIPE, &previous_, nullptr); }

 private:
  struct sigaction previous_ = {};
};

int ExitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

}  // namespace

absl::StatusOr<CommandResult> RealCommandRunner::Run(
    const std::vector<std::string>& argv, absl::string_view stdin_text) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command line");
  const std::string command = absl::StrJoin(argv, " ");

  // [0] is the read end, [1] the write end. exec_status carries errno from a
  // failed execvp; it is close-on-exec, so EOF on it means exec succeeded.
  int in[2], out[2], err[2], exec_status[2];
  int* pipes[] = {in, out, err, exec_status};
  for (int i = 0; i < 4; ++i) {
    if (pipe2(pipes[i], O_CLOEXEC) != 0) {
      const int saved = errno;
      for (int j = 0; j < i; ++j) {
        CloseFd(pipes[j][0]);
        CloseFd(pipes[j][1]);
      }
      return absl::InternalError(absl::StrCat("pipe: ", strerror(saved)));
    }
  }
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) {
    c_argv.push_back(const_cast<char*>(arg.c_str()));
  }
  c_argv.push_back(nullptr);

  ScopedIgnoreSigpipe ignore_sigpipe;
  const pid_t pid = fork();
  if (pid < 0) {
    const int saved = errno;
    for (int* p : pipes) {
      CloseFd(p[0]);
      CloseFd(p[1]);
    }
    return absl::InternalError(absl::StrCat("fork: ", strerror(saved)));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    signal(SIGPIPE, SIG_DFL);
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    execvp(c_argv[0], c_argv.data());
    const int saved = errno;
    ssize_t ignored = write(exec_status[1], &saved, sizeof(saved));
    (void)ignored;
    _exit(127);
  }

  CloseFd(in[0]);
  CloseFd(out[1]);
  CloseFd(err[1]);
  CloseFd(exec_status[1]);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = read(exec_status[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  CloseFd(exec_status[0]);
  if (n == static_cast<ssize_t>(sizeof(exec_errno))) {
    CloseFd(in[1]);
    CloseFd(out[0]);
    CloseFd(err[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    const std::string message =
        absl::StrCat("cannot run ", argv[0], ": ", strerror(exec_errno));
    return exec_errno == ENOENT ? absl::NotFoundError(message)
                                : absl::InternalError(message);
  }

  fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
  if (stdin_text.empty()) CloseFd(in[1]);

  CommandResult result;
  size_t written = 0;
  const absl::Time deadline = time_.MonotonicNow() + timeout_;
  while (out[0] >= 0 || err[0] >= 0) {
    pollfd fds[3];
    int count = 0;
    if (in[1] >= 0) fds[count++] = {in[1], POLLOUT, 0};
    if (out[0] >= 0) fds[count++] = {out[0], POLLIN, 0};
    if (err[0] >= 0) fds[count++] = {err[0], POLLIN, 0};
    const absl::Duration left = deadline - time_.MonotonicNow();
    const int ready =
        left <= absl::ZeroDuration()
            ? 0
            : poll(fds, count,
                   static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      CloseFd(in[1]);
      CloseFd(out[0]);
      CloseFd(err[0]);
      return absl::DeadlineExceededError(
          absl::StrCat(command, ": still running after ",
                       absl::FormatDuration(timeout_), ", killed"));
    }
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in[1]) {
        const ssize_t w = write(in[1], stdin_text.data() + written,
                                stdin_text.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        // EPIPE: the child stopped reading; its exit code will tell why.
        if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
            written == stdin_text.size()) {
          CloseFd(in[1]);
        }
        continue;
      }
      char buffer[4096];
      const ssize_t r = read(fds[i].fd, buffer, sizeof(buffer));
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r <= 0) {
        if (fds[i].fd == out[0]) CloseFd(out[0]);
        if (fds[i].fd == err[0]) CloseFd(err[0]);
        continue;
      }
      (fds[i].fd == out[0] ? result.stdout_text : result.stderr_text)
          .append(buffer, static_cast<size_t>(r));
    }
  }
  CloseFd(in[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCodeOf(status);
  return result;
}

}  // namespace weft::mesh_init
