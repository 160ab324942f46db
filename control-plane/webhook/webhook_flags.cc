#include "control-plane/webhook/webhook_flags.h"

#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"

ABSL_FLAG(int, webhook_port, 0,
          "The sidecar injection webhook's HTTPS port (15017 in Kubernetes); 0 turns it off. "
          "Needs --ca_dir: its certificate comes from the CA. Paths: POST /inject, POST "
          "/inject-annotated, GET /ready (docs/injection.md).");
ABSL_FLAG(std::string, webhook_address, "0.0.0.0", "The webhook's listening IPv4 address.");
ABSL_FLAG(std::string, webhook_service, "weft-webhook.weft-system",
          "<service>.<namespace> the API server calls the webhook by: its certificate names "
          "<service>.<namespace>.svc and <service>.<namespace>.svc.cluster.local.");
ABSL_FLAG(absl::Duration, webhook_cert_ttl, absl::Hours(24),
          "Lifetime of the webhook's certificate; renewed after two thirds of it.");
ABSL_FLAG(std::string, proxy_image, "weft/mesh-proxy:latest", "Injection: the mesh-proxy image.");
ABSL_FLAG(std::string, init_image, "weft/mesh-init:latest", "Injection: the mesh-init image.");
ABSL_FLAG(std::string, injection_xds_address, "weft-control-plane.weft-system.svc:15012",
          "Injection: the xDS + CA address injected proxies connect to, host:port.");
ABSL_FLAG(bool, native_sidecars, true,
          "Injection: the proxy as a native sidecar (Kubernetes >= 1.29); false: a regular "
          "first container whose postStart hook holds the app until the proxy is ready.");
ABSL_FLAG(std::string, proxy_token_audience, "weft-ca",
          "Injection: audience of the projected service-account token the proxy sends with its "
          "CSR.");

namespace weft::webhook {

absl::StatusOr<std::unique_ptr<Webhook>> StartWebhookFromFlags(
    control_plane::ca::RotatingAuthority* authority, const TimeSource& time) {
  const int port = absl::GetFlag(FLAGS_webhook_port);
  if (port == 0) return std::unique_ptr<Webhook>();
  if (authority == nullptr) {
    return absl::InvalidArgumentError("--webhook_port needs --ca_dir (the webhook's certificate "
                                      "comes from the CA)");
  }
  const std::vector<std::string> service =
      absl::StrSplit(absl::GetFlag(FLAGS_webhook_service), '.');
  if (service.size() != 2 || service[0].empty() || service[1].empty()) {
    return absl::InvalidArgumentError("--webhook_service: expected <service>.<namespace>");
  }
  const std::string host = absl::StrCat(service[0], ".", service[1], ".svc");
  const std::vector<std::string> dns_names = {host, host + ".cluster.local"};
  const absl::Duration ttl = absl::GetFlag(FLAGS_webhook_cert_ttl);

  auto webhook = std::make_unique<Webhook>();
  webhook->certificate = std::make_unique<ServingCertificate>(
      [authority, dns_names, ttl](EVP_PKEY* key) -> absl::StatusOr<std::string> {
        absl::StatusOr<control_plane::ca::RotatingAuthority::Issued> issued =
            authority->IssueServingCertificate(key, dns_names, ttl);
        if (!issued.ok()) return issued.status();
        return issued->chain_pem;
      },
      time);
  // The first certificate now, so that a CA problem stops the start.
  if (absl::StatusOr<std::shared_ptr<SSL_CTX>> first = webhook->certificate->Current(); !first.ok()) {
    return first.status();
  }
  WebhookServer::Options options;
  options.ip = absl::GetFlag(FLAGS_webhook_address);
  options.port = port;
  options.injection.proxy_image = absl::GetFlag(FLAGS_proxy_image);
  options.injection.init_image = absl::GetFlag(FLAGS_init_image);
  options.injection.control_plane_address = absl::GetFlag(FLAGS_injection_xds_address);
  options.injection.trust_domain = authority->trust_domain();
  options.injection.native_sidecar = absl::GetFlag(FLAGS_native_sidecars);
  options.injection.token_audience = absl::GetFlag(FLAGS_proxy_token_audience);
  absl::StatusOr<std::unique_ptr<WebhookServer>> server =
      WebhookServer::Start(options, *webhook->certificate, time);
  if (!server.ok()) return server.status();
  webhook->server = *std::move(server);
  WEFT_LOG(kInfo, "mesh-control-plane injection webhook on https://%s:%d/inject (%s)", options.ip,
           webhook->server->port(), host);
  return webhook;
}

}  // namespace weft::webhook
