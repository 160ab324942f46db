#include "proxy/identity/identity_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "certs/spiffe_id.h"

ABSL_FLAG(std::string, ca_address, "",
          "The control plane's certificate authority, host:port (local mode: the control "
          "plane's :15010). Empty: no workload certificate.");
ABSL_FLAG(std::string, identity_token_file, "",
          "File holding this workload's join token (local mode), read before every "
          "certificate request. Required with --ca_address.");
ABSL_FLAG(std::string, trust_domain, "cluster.local",
          "SPIFFE trust domain of this workload's identity.");
ABSL_FLAG(absl::Duration, identity_cert_ttl, absl::ZeroDuration(),
          "Workload certificate lifetime to ask the CA for; 0: the CA's default.");

namespace weft::identity {

absl::StatusOr<std::optional<IdentityFlags>> IdentityFlagsFromCommandLine() {
  IdentityFlags flags;
  flags.ca.address = absl::GetFlag(FLAGS_ca_address);
  if (flags.ca.address.empty()) return std::optional<IdentityFlags>();
  flags.client.token_file = absl::GetFlag(FLAGS_identity_token_file);
  if (flags.client.token_file.empty()) {
    return absl::InvalidArgumentError("--identity_token_file is required with --ca_address");
  }
  flags.client.trust_domain = absl::GetFlag(FLAGS_trust_domain);
  if (absl::Status s = certs::ValidateTrustDomain(flags.client.trust_domain); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--trust_domain: ", s.message()));
  }
  flags.client.requested_lifetime = absl::GetFlag(FLAGS_identity_cert_ttl);
  if (flags.client.requested_lifetime < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--identity_cert_ttl: must not be negative");
  }
  return std::optional<IdentityFlags>(std::move(flags));
}

}  // namespace weft::identity
