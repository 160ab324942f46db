#ifndef WEFT_CONTROL_PLANE_WEBHOOK_WEBHOOK_SERVER_H_
#define WEFT_CONTROL_PLANE_WEBHOOK_WEBHOOK_SERVER_H_

// The mutating admission webhook (port 15017): HTTPS, one AdmissionReview per
// connection, answered by the injector (control-plane/inject/). Paths:
//   POST /inject            namespaces the webhook configuration selected by the
//                           label weft.dev/inject=enabled (the namespace counts
//                           as opted in)
//   POST /inject-annotated  any other namespace: only pods annotated
//                           weft.dev/inject: "true" are injected
//   GET  /ready             200 once the server has a certificate
// A malformed review is answered 400 with the problem named.
//
// Deliberately small: one blocking accept loop on its own thread, one request per
// connection, handled to completion before the next accept (the API server's
// calls are small and few; docs/injection.md sets its timeout). Each connection
// gets at most `request_timeout` and `max_request_bytes`.
//
//   ServingCertificate certs(issuer, time);
//   ASSIGN_OR_RETURN(auto server, WebhookServer::Start(options, certs, time));
//   ... server->port() ...
//   server->Shutdown();   // also on destruction
//
// Thread-safe. `certs` and `time` are borrowed and must outlive the server.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/time_source.h"
#include "control-plane/inject/injection_config.h"
#include "control-plane/webhook/serving_certificate.h"

namespace weft::webhook {

inline constexpr int kDefaultWebhookPort = 15017;

class WebhookServer {
 public:
  struct Options {
    std::string ip = "0.0.0.0";
    int port = kDefaultWebhookPort;  // 0: any free port (tests)
    size_t max_request_bytes = 4 * 1024 * 1024;
    absl::Duration request_timeout = absl::Seconds(5);
    inject::InjectionConfig injection;
  };

  // kInvalidArgument for a bad option or injection config; kUnavailable when the
  // port cannot be bound.
  static absl::StatusOr<std::unique_ptr<WebhookServer>> Start(const Options& options,
                                                              ServingCertificate& certs,
                                                              const TimeSource& time);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  int port() const { return port_; }
  uint64_t requests() const { return requests_.load(); }
  // Stops accepting and joins the thread (a request in progress finishes first).
  void Shutdown();

 private:
  WebhookServer(const Options& options, ServingCertificate& certs, const TimeSource& time)
      : options_(options), certs_(certs), time_(time) {}
  void AcceptLoop();
  void Serve(int fd);
  // The HTTP response for one complete request.
  std::string Respond(const std::string& method, const std::string& path, const std::string& body);

  const Options options_;
  ServingCertificate& certs_;
  const TimeSource& time_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> requests_{0};
  std::thread thread_;
};

}  // namespace weft::webhook

#endif  // WEFT_CONTROL_PLANE_WEBHOOK_WEBHOOK_SERVER_H_
