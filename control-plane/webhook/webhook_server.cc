#include "control-plane/webhook/webhook_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "control-plane/inject/admission_review.h"
#include "control-plane/inject/annotations.h"
#include "control-plane/webhook/http_request.h"

namespace weft::webhook {
namespace {

constexpr char kJson[] = "application/json";
constexpr char kText[] = "text/plain; charset=utf-8";

void SetTimeouts(int fd, absl::Duration timeout) {
  const timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void WriteAll(SSL* ssl, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const int n = SSL_write(ssl, data.data() + done, static_cast<int>(data.size() - done));
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebhookServer>> WebhookServer::Start(const Options& options,
                                                                    ServingCertificate& certs,
                                                                    const TimeSource& time) {
  if (absl::Status s = options.injection.Validate(); !s.ok()) return s;
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("webhook port ", options.port, " out of range"));
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(options.port));
  if (inet_pton(AF_INET, options.ip.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("webhook address \"", options.ip, "\" is not an IPv4 address"));
  }
  std::unique_ptr<WebhookServer> server(new WebhookServer(options, certs, time));
  server->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(server->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  socklen_t len = sizeof(addr);
  if (server->listen_fd_ < 0 ||
      bind(server->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(server->listen_fd_, 64) != 0 ||
      getsockname(server->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return absl::UnavailableError(
        absl::StrCat("webhook on ", options.ip, ":", options.port, ": ", std::strerror(errno)));
  }
  server->port_ = ntohs(addr.sin_port);
  server->thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

WebhookServer::~WebhookServer() {
  Shutdown();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void WebhookServer::Shutdown() {
  if (stopping_.exchange(true)) return;
  // Wakes the blocking accept().
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
}

void WebhookServer::AcceptLoop() {
  while (!stopping_.load()) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_.load() || errno == EINVAL || errno == EBADF) return;
      continue;  // EINTR, ECONNABORTED, EMFILE...: try the next one
    }
    Serve(fd);
    close(fd);
  }
}

void WebhookServer::Serve(int fd) {
  SetTimeouts(fd, options_.request_timeout);
  absl::StatusOr<std::shared_ptr<SSL_CTX>> ctx = certs_.Current();
  if (!ctx.ok()) {
    WEFT_LOG(kError, "webhook: %s", std::string(ctx.status().message()));
    return;
  }
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx->get()));
  if (ssl == nullptr || !SSL_set_fd(ssl.get(), fd) || SSL_accept(ssl.get()) != 1) {
    WEFT_LOG(kDebug, "webhook: TLS handshake failed");
    return;
  }
  const absl::Time deadline = time_.SystemNow() + options_.request_timeout;
  std::string data;
  RequestHead head;
  HeadResult state = HeadResult::kIncomplete;
  char chunk[16 * 1024];
  while (true) {
    if (state == HeadResult::kIncomplete) state = ParseRequestHead(data, options_.max_request_bytes, &head);
    if (state == HeadResult::kError) break;
    if (state == HeadResult::kComplete && data.size() >= head.head_bytes + head.content_length) break;
    if (time_.SystemNow() >= deadline) {
      WriteAll(ssl.get(), HttpResponse(408, kText, "request timeout\n"));
      return;
    }
    const int n = SSL_read(ssl.get(), chunk, sizeof(chunk));
    if (n <= 0) return;  // closed, reset, or the read timeout passed
    data.append(chunk, static_cast<size_t>(n));
  }
  ++requests_;
  std::string reply =
      state == HeadResult::kError
          ? HttpResponse(head.error_status, kText, head.error + "\n")
          : Respond(head.method, head.path, data.substr(head.head_bytes, head.content_length));
  WriteAll(ssl.get(), reply);
  SSL_shutdown(ssl.get());
}

std::string WebhookServer::Respond(const std::string& method, const std::string& path,
                                   const std::string& body) {
  if (path == "/ready") {
    return method == "GET" ? HttpResponse(200, kText, "ok\n")
                           : HttpResponse(405, kText, "GET only\n");
  }
  std::map<std::string, std::string> namespace_labels;
  if (path == "/inject") {
    namespace_labels[inject::kInjectLabel] = "enabled";
  } else if (path != "/inject-annotated") {
    return HttpResponse(404, kText, "unknown path; POST AdmissionReviews to /inject\n");
  }
  if (method != "POST") return HttpResponse(405, kText, "POST an AdmissionReview\n");
  absl::StatusOr<std::string> reply =
      inject::HandleAdmissionReview(body, namespace_labels, options_.injection);
  if (!reply.ok()) {
    WEFT_LOG(kWarning, "webhook: %s", std::string(reply.status().message()));
    return HttpResponse(400, kText, absl::StrCat(reply.status().message(), "\n"));
  }
  return HttpResponse(200, kJson, *reply);
}

}  // namespace weft::webhook
