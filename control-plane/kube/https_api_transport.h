#ifndef WEFT_CONTROL_PLANE_KUBE_HTTPS_API_TRANSPORT_H_
#define WEFT_CONTROL_PLANE_KUBE_HTTPS_API_TRANSPORT_H_

// ApiTransport over HTTPS/1.1 on BoringSSL: one TLS connection per request
// (Connection: close), the API server verified against the configured CA with
// the standard X.509 checks plus its DNS name or IP address, a bearer token
// and/or a client certificate. Blocking sockets with timeouts: it runs on a
// reflector's own thread, never on a dispatcher.
//
//   absl::StatusOr<std::unique_ptr<HttpsApiTransport>> t =
//       HttpsApiTransport::Create(config, {});
//   absl::StatusOr<ApiTransport::Response> r = (*t)->Get("/api/v1/namespaces");
//
// Why one connection per request: a LIST is a handful of pages and a WATCH
// lasts minutes, so reuse would save little and cost a connection pool.
//
// Thread-compatible, except Cancel (thread-safe).

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "control-plane/kube/api_transport.h"
#include "control-plane/kube/kube_config.h"
#include "openssl/ssl.h"

namespace weft::control_plane::kube {

class HttpsApiTransport : public ApiTransport {
 public:
  struct Options {
    absl::Duration connect_timeout = absl::Seconds(10);
    // No byte for this long fails the request. Watches ask the server for
    // bookmarks and end themselves sooner than this (timeoutSeconds).
    absl::Duration read_timeout = absl::Seconds(90);
    size_t max_body_bytes = 256 << 20;  // one LIST page
    std::string user_agent = "mesh-control-plane";
  };

  // kInvalidArgument for an unusable CA or client certificate/key.
  static absl::StatusOr<std::unique_ptr<HttpsApiTransport>> Create(const KubeConfig& config,
                                                                    const Options& options);

  absl::StatusOr<Response> Get(const std::string& path_and_query) override;
  absl::StatusOr<Response> Watch(const std::string& path_and_query,
                                 const LineCallback& on_line) override;
  absl::StatusOr<Response> Send(const std::string& method, const std::string& path_and_query,
                                const std::string& content_type,
                                const std::string& body) override;
  void Cancel() override;

 private:
  HttpsApiTransport(KubeConfig config, Options options, bssl::UniquePtr<SSL_CTX> ctx)
      : config_(std::move(config)), options_(std::move(options)), ctx_(std::move(ctx)) {}

  // Sends the request and decodes the response; body bytes go to `on_body`
  // with the response's status, which returns false to stop.
  using BodyCallback = std::function<bool(int status, absl::string_view data)>;
  struct Outgoing {
    std::string method = "GET";
    std::string path_and_query;
    std::string content_type;  // with a body only
    std::string body;
  };
  absl::StatusOr<int> Exchange(const Outgoing& request, const BodyCallback& on_body);
  // Collects the whole response body (bounded by max_body_bytes).
  absl::StatusOr<Response> Fetch(const Outgoing& request);
  absl::StatusOr<int> Connect();
  absl::StatusOr<std::string> Token() const;

  const KubeConfig config_;
  const Options options_;
  bssl::UniquePtr<SSL_CTX> ctx_;
  std::atomic<bool> cancelled_{false};
  weft::Mutex fd_mu_;
  int fd_ ABSL_GUARDED_BY(fd_mu_) = -1;  // the connection in use, for Cancel
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_HTTPS_API_TRANSPORT_H_
