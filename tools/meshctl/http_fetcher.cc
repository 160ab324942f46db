#include "tools/meshctl/http_fetcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace weft::meshctl {
namespace {

// Closes the socket on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

int RemainingMs(const TimeSource& time, absl::Time deadline) {
  const int64_t left = absl::ToInt64Milliseconds(deadline - time.MonotonicNow());
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

absl::StatusOr<std::string> SocketHttpFetcher::Get(const std::string& host_port,
                                                   const std::string& path) {
  return Request("GET", host_port, path);
}

absl::StatusOr<std::string> SocketHttpFetcher::Post(const std::string& host_port,
                                                    const std::string& path) {
  return Request("POST", host_port, path);
}

absl::StatusOr<std::string> SocketHttpFetcher::Request(const std::string& method,
                                                       const std::string& host_port,
                                                       const std::string& path) {
  const size_t colon = host_port.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(host_port.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("\"", host_port, "\" is not IP:PORT"));
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(*v6);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("\"", host, "\" is not an IP address"));
  }
  const absl::Time deadline = time_.MonotonicNow() + timeout_;
  Fd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::UnavailableError(absl::StrCat("socket: ", strerror(errno)));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS) {
    return absl::UnavailableError(absl::StrCat("connect ", host_port, ": ", strerror(errno)));
  }
  pollfd p{fd.get(), POLLOUT, 0};
  if (::poll(&p, 1, RemainingMs(time_, deadline)) != 1) {
    return absl::UnavailableError(absl::StrCat("connect ", host_port, ": timed out"));
  }
  int err = 0;
  socklen_t err_len = sizeof(err);
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0) return absl::UnavailableError(absl::StrCat("connect ", host_port, ": ", strerror(err)));

  const std::string request =
      absl::StrCat(method, " ", path, " HTTP/1.1\r\nhost: ", host_port,
                   method == "POST" ? "\r\ncontent-length: 0" : "", "\r\nconnection: close\r\n\r\n");
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd w{fd.get(), POLLOUT, 0};
    if (::poll(&w, 1, RemainingMs(time_, deadline)) != 1) {
      return absl::UnavailableError(absl::StrCat(host_port, ": timed out sending"));
    }
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) {
      return absl::UnavailableError(absl::StrCat(host_port, ": ", strerror(errno)));
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string response;
  constexpr size_t kMaxResponse = 64 << 20;
  char buf[16384];
  while (response.size() < kMaxResponse) {
    pollfd r{fd.get(), POLLIN, 0};
    if (::poll(&r, 1, RemainingMs(time_, deadline)) != 1) {
      return absl::UnavailableError(absl::StrCat(host_port, path, ": timed out reading"));
    }
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat(host_port, ": ", strerror(errno)));
    }
    response.append(buf, static_cast<size_t>(n));
  }
  const size_t head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || response.compare(0, 9, "HTTP/1.1 ") != 0) {
    return absl::UnavailableError(absl::StrCat(host_port, path, ": not an HTTP response"));
  }
  const std::string status = response.substr(9, 3);
  if (status != "200") {
    std::string detail;
    if (method != "GET") {
      const std::string body = response.substr(head_end + 4);
      detail = absl::StrCat(": ", body.substr(0, body.find('\n')));
    }
    return absl::FailedPreconditionError(
        absl::StrCat(method, " http://", host_port, path, ": HTTP ", status, detail));
  }
  // Admin servers answer with content-length and close; the body is the rest.
  return response.substr(head_end + 4);
}

void FakeHttpFetcher::Add(const std::string& host_port, const std::string& path,
                          std::string body) {
  bodies_[absl::StrCat(host_port, " ", path)].push_back(std::move(body));
}

void FakeHttpFetcher::AddError(const std::string& host_port, const std::string& path,
                               absl::Status error) {
  errors_.insert_or_assign(absl::StrCat(host_port, " ", path), std::move(error));
}

absl::StatusOr<std::string> FakeHttpFetcher::Get(const std::string& host_port,
                                                 const std::string& path) {
  ++calls_;
  const std::string key = absl::StrCat(host_port, " ", path);
  if (auto error = errors_.find(key); error != errors_.end()) return error->second;
  auto it = bodies_.find(key);
  if (it == bodies_.end() || it->second.empty()) {
    return absl::UnavailableError(absl::StrCat("connect ", host_port, ": connection refused"));
  }
  size_t& next = next_[key];
  const std::string& body = it->second[std::min(next, it->second.size() - 1)];
  ++next;
  return body;
}

void FakeHttpFetcher::SetPost(const std::string& host_port, const std::string& path,
                              absl::StatusOr<std::string> result) {
  post_results_.insert_or_assign(absl::StrCat(host_port, " ", path), std::move(result));
}

absl::StatusOr<std::string> FakeHttpFetcher::Post(const std::string& host_port,
                                                  const std::string& path) {
  ++calls_;
  const std::string key = absl::StrCat(host_port, " ", path);
  posts_.push_back(key);
  auto it = post_results_.find(key);
  if (it == post_results_.end()) {
    return absl::UnavailableError(absl::StrCat("connect ", host_port, ": connection refused"));
  }
  return it->second;
}

}  // namespace weft::meshctl
