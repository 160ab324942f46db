#ifndef WEFT_CONTROL_PLANE_WEBHOOK_WEBHOOK_FLAGS_H_
#define WEFT_CONTROL_PLANE_WEBHOOK_WEBHOOK_FLAGS_H_

// mesh-control-plane's --webhook_* flags and what they start: the injection
// webhook with a serving certificate from the control plane's CA, kept apart
// from main.cc so main only calls one function.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Webhook> webhook, StartWebhookFromFlags(authority, time));
//   // null when --webhook_port=0 (the default)
//
// Flags: --webhook_port (0 = off), --webhook_address, --webhook_service,
// --webhook_cert_ttl, --proxy_image, --init_image, --injection_xds_address,
// --native_sidecars, --proxy_token_audience (the trust domain is the CA's).

#include <memory>

#include "absl/status/statusor.h"
#include "common/time/time_source.h"
#include "control-plane/ca/rotating_authority.h"
#include "control-plane/webhook/serving_certificate.h"
#include "control-plane/webhook/webhook_server.h"

namespace weft::webhook {

struct Webhook {
  std::unique_ptr<ServingCertificate> certificate;
  std::unique_ptr<WebhookServer> server;  // destroyed first
  ~Webhook() { server.reset(); }
};

// nullptr when --webhook_port is 0. kInvalidArgument for bad flags (including a
// webhook without a CA: `authority` null); kUnavailable when the first
// certificate cannot be issued or the port cannot be bound. `authority` and
// `time` must outlive the result.
absl::StatusOr<std::unique_ptr<Webhook>> StartWebhookFromFlags(
    control_plane::ca::RotatingAuthority* authority, const TimeSource& time);

}  // namespace weft::webhook

#endif  // WEFT_CONTROL_PLANE_WEBHOOK_WEBHOOK_FLAGS_H_
