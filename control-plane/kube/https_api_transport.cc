#include "control-plane/kube/https_api_transport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "control-plane/kube/http_response_decoder.h"
#include "openssl/err.h"
#include "openssl/pem.h"
#include "openssl/x509.h"

namespace weft::control_plane::kube {
namespace {

std::string SslErrors() {
  std::string out;
  while (uint32_t e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out.empty() ? "unknown TLS error" : out;
}

bool IsIpLiteral(const std::string& host) {
  in6_addr v6;
  in_addr v4;
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpsApiTransport>> HttpsApiTransport::Create(
    const KubeConfig& config, const Options& options) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  if (!ctx) return absl::InternalError(absl::StrCat("SSL_CTX_new: ", SslErrors()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (!config.insecure_skip_tls_verify) {
    bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(config.ca_pem.data(), config.ca_pem.size()));
    int added = 0;
    while (bssl::UniquePtr<X509> cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
      if (X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), cert.get()) != 1) {
        return absl::InvalidArgumentError(absl::StrCat("API server CA: ", SslErrors()));
      }
      ++added;
    }
    ERR_clear_error();  // the end of the PEM list
    if (added == 0) {
      return absl::InvalidArgumentError("API server CA: no PEM certificate in it");
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  if (!config.client_cert_pem.empty()) {
    bssl::UniquePtr<BIO> cert_bio(
        BIO_new_mem_buf(config.client_cert_pem.data(), config.client_cert_pem.size()));
    bssl::UniquePtr<X509> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    bssl::UniquePtr<BIO> key_bio(
        BIO_new_mem_buf(config.client_key_pem.data(), config.client_key_pem.size()));
    bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!cert || !key || SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
        SSL_CTX_check_private_key(ctx.get()) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("client certificate/key: unusable: ", SslErrors()));
    }
    while (bssl::UniquePtr<X509> extra{
        PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)}) {
      SSL_CTX_add1_chain_cert(ctx.get(), extra.get());
    }
    ERR_clear_error();
  }
  return std::unique_ptr<HttpsApiTransport>(new HttpsApiTransport(config, options, std::move(ctx)));
}

void HttpsApiTransport::Cancel() {
  cancelled_ = true;
  weft::MutexLock lock(&fd_mu_);
  if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);  // wakes a blocked read; the owner closes
}

absl::StatusOr<std::string> HttpsApiTransport::Token() const {
  if (config_.token_file.empty()) return config_.token;
  std::ifstream in(config_.token_file);
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read token file ", config_.token_file));
  std::ostringstream out;
  out << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(out.str()));
}

absl::StatusOr<int> HttpsApiTransport::Connect() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(config_.port);
  if (int rc = getaddrinfo(config_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot resolve ", config_.host, ": ", gai_strerror(rc)));
  }
  std::string last_error = "no address";
  int connected = -1;
  for (addrinfo* a = found; a != nullptr && connected < 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(options_.connect_timeout)));
      if (rc == 0) {
        errno = ETIMEDOUT;
        rc = -1;
      } else if (rc > 0) {
        int error = 0;
        socklen_t len = sizeof(error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
        errno = error;
        rc = error == 0 ? 0 : -1;
      }
    }
    if (rc != 0) {
      last_error = strerror(errno);
      close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const timeval tv = absl::ToTimeval(options_.read_timeout);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    connected = fd;
  }
  freeaddrinfo(found);
  if (connected < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", config_.host, ":", config_.port, ": ", last_error));
  }
  return connected;
}

absl::StatusOr<int> HttpsApiTransport::Exchange(
    const Outgoing& outgoing, const BodyCallback& on_body) {
  if (cancelled_) return absl::CancelledError("the API client is shutting down");
  absl::StatusOr<std::string> token = Token();
  if (!token.ok()) return token.status();
  absl::StatusOr<int> fd = Connect();
  if (!fd.ok()) return fd.status();
  {
    weft::MutexLock lock(&fd_mu_);
    fd_ = *fd;
  }
  if (cancelled_) shutdown(*fd, SHUT_RDWR);
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx_.get()));
  auto finish = [&](absl::StatusOr<int> result) -> absl::StatusOr<int> {
    {
      weft::MutexLock lock(&fd_mu_);
      fd_ = -1;
    }
    close(*fd);
    if (!result.ok() && cancelled_) return absl::CancelledError("the API client is shutting down");
    return result;
  };
  const std::string where = absl::StrCat("https://", config_.host, ":", config_.port);
  SSL_set_fd(ssl.get(), *fd);
  if (!config_.insecure_skip_tls_verify) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
    const int ok = IsIpLiteral(config_.host)
                       ? X509_VERIFY_PARAM_set1_ip_asc(param, config_.host.c_str())
                       : X509_VERIFY_PARAM_set1_host(param, config_.host.data(),
                                                     config_.host.size());
    if (ok != 1) return finish(absl::InternalError("cannot set the expected server name"));
  }
  if (!IsIpLiteral(config_.host)) SSL_set_tlsext_host_name(ssl.get(), config_.host.c_str());
  if (SSL_connect(ssl.get()) != 1) {
    const long verify = SSL_get_verify_result(ssl.get());
    std::string reason = verify != X509_V_OK
                             ? absl::StrCat("server certificate rejected: ",
                                            X509_verify_cert_error_string(verify))
                             : SslErrors();
    ERR_clear_error();
    return finish(absl::UnavailableError(absl::StrCat("TLS handshake with ", where, ": ", reason)));
  }
  std::string request = absl::StrCat(outgoing.method, " ", outgoing.path_and_query,
                                     " HTTP/1.1\r\nHost: ", config_.host, ":", config_.port,
                                     "\r\nAccept: application/json\r\n",
                                     "User-Agent: ", options_.user_agent, "\r\n");
  if (!token->empty()) absl::StrAppend(&request, "Authorization: Bearer ", *token, "\r\n");
  if (outgoing.method != "GET") {
    absl::StrAppend(&request, "Content-Type: ", outgoing.content_type,
                    "\r\nContent-Length: ", outgoing.body.size(), "\r\n");
  }
  absl::StrAppend(&request, "Connection: close\r\n\r\n", outgoing.body);
  if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) !=
      static_cast<int>(request.size())) {
    return finish(absl::UnavailableError(absl::StrCat("sending to ", where, ": ", SslErrors())));
  }
  HttpResponseDecoder decoder;
  bool stopped = false;
  char buf[16384];
  while (!decoder.complete()) {
    const int n = SSL_read(ssl.get(), buf, sizeof(buf));
    if (n <= 0) {
      const int error = SSL_get_error(ssl.get(), n);
      const int saved_errno = errno;
      ERR_clear_error();
      if (error == SSL_ERROR_SYSCALL && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
        return finish(absl::DeadlineExceededError(absl::StrCat(
            where, ": nothing received for ", absl::FormatDuration(options_.read_timeout))));
      }
      if (error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && n == 0)) {
        absl::Status eof = decoder.OnEof();
        if (!eof.ok()) return finish(absl::Status(eof.code(), absl::StrCat(where, ": ", eof.message())));
        break;
      }
      return finish(absl::UnavailableError(absl::StrCat(where, ": connection lost")));
    }
    absl::Status fed = decoder.Feed(absl::string_view(buf, static_cast<size_t>(n)),
                                    [&](absl::string_view data) {
                                      if (!stopped && !on_body(decoder.status_code(), data)) stopped = true;
                                    });
    if (!fed.ok()) return finish(absl::Status(fed.code(), absl::StrCat(where, ": ", fed.message())));
    if (stopped) return finish(absl::CancelledError("stopped reading the stream"));
  }
  return finish(decoder.status_code());
}

absl::StatusOr<ApiTransport::Response> HttpsApiTransport::Get(const std::string& path_and_query) {
  return Fetch({"GET", path_and_query, "", ""});
}

absl::StatusOr<ApiTransport::Response> HttpsApiTransport::Send(const std::string& method,
                                                               const std::string& path_and_query,
                                                               const std::string& content_type,
                                                               const std::string& body) {
  return Fetch({method, path_and_query, content_type, body});
}

absl::StatusOr<ApiTransport::Response> HttpsApiTransport::Fetch(const Outgoing& outgoing) {
  const std::string& path_and_query = outgoing.path_and_query;
  Response response;
  bool too_big = false;
  absl::StatusOr<int> status = Exchange(outgoing, [&](int, absl::string_view data) {
    if (response.body.size() + data.size() > options_.max_body_bytes) {
      too_big = true;
      return false;
    }
    response.body.append(data.data(), data.size());
    return true;
  });
  if (too_big) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path_and_query, ": response larger than ", options_.max_body_bytes, " bytes"));
  }
  if (!status.ok()) return status.status();
  response.status = *status;
  return response;
}

absl::StatusOr<ApiTransport::Response> HttpsApiTransport::Watch(const std::string& path_and_query,
                                                                const LineCallback& on_line) {
  std::string pending;  // a line not yet ended (200), or the whole body (any other status)
  bool too_big = false;
  absl::StatusOr<int> status = Exchange({"GET", path_and_query, "", ""},
                                        [&](int code, absl::string_view data) {
    if (pending.size() + data.size() > options_.max_body_bytes) {
      too_big = true;
      return false;
    }
    pending.append(data.data(), data.size());
    if (code != 200) return true;
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      absl::string_view line = absl::string_view(pending).substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && !on_line(line)) return false;
    }
    pending.erase(0, start);
    return true;
  });
  if (too_big) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path_and_query, ": a line longer than ", options_.max_body_bytes, " bytes"));
  }
  if (!status.ok()) return status.status();
  Response response;
  response.status = *status;
  if (*status != 200) response.body = std::move(pending);
  return response;
}

}  // namespace weft::control_plane::kube
