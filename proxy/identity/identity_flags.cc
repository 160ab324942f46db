#include "proxy/identity/identity_flags.h"

#include "absl/flags/flag.h"
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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
ABSL_FLAG(std::string, identity_cert_file, "",
          "Static identity (no CA): PEM certificate chain, leaf first, whose URI SAN is this "
          "workload's SPIFFE ID. With --identity_key_file and --trust_bundle_file; re-read on "
          "SIGHUP.");
ABSL_FLAG(std::string, identity_key_file, "",
          "Static identity: the PEM (PKCS#8) private key of --identity_cert_file.");
ABSL_FLAG(std::string, trust_bundle_file, "",
          "Static identity: PEM roots to trust for mTLS with other sidecars.");
ABSL_FLAG(std::string, xds_root_cert, "",
          "PEM file of the mesh root certificate(s) (Kubernetes: the weft-ca-root ConfigMap). "
          "Set: the xDS stream and the CA channel use TLS, trusting these roots and checking "
          "the server's DNS name (the host of the address, or --xds_server_name); re-read "
          "every --xds_root_refresh, so a root rotation needs no restart (an invalid file is "
          "refused and the roots read before stay). Empty: plaintext (local mode).");
ABSL_FLAG(absl::Duration, xds_root_refresh, weft::identity::kDefaultRootRefresh,
          "How often --xds_root_cert is read again (at least 1s); new roots apply to the "
          "next connection to the control plane within twice this.");
ABSL_FLAG(std::string, xds_server_name, "",
          "With --xds_root_cert: the DNS name the control plane's certificate must carry, "
          "when the address is an IP. Empty: the address's host.");

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

absl::StatusOr<std::optional<StaticIdentityFiles>> StaticIdentityFromCommandLine() {
  StaticIdentityFiles files{absl::GetFlag(FLAGS_identity_cert_file),
                            absl::GetFlag(FLAGS_identity_key_file),
                            absl::GetFlag(FLAGS_trust_bundle_file)};
  const std::pair<const char*, bool> given[] = {
      {"--identity_cert_file", !files.cert_file.empty()},
      {"--identity_key_file", !files.key_file.empty()},
      {"--trust_bundle_file", !files.trust_bundle_file.empty()}};
  std::vector<std::string> missing;
  for (const auto& [flag, set] : given) {
    if (!set) missing.push_back(flag);
  }
  if (missing.size() == 3) return std::optional<StaticIdentityFiles>();
  if (!absl::GetFlag(FLAGS_ca_address).empty()) {
    return absl::InvalidArgumentError(
        "--identity_cert_file, --identity_key_file and --trust_bundle_file (a static "
        "identity) cannot be combined with --ca_address (an identity from the CA)");
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a static identity needs --identity_cert_file, --identity_key_file and "
                     "--trust_bundle_file together; missing ",
                     absl::StrJoin(missing, ", ")));
  }
  return std::optional<StaticIdentityFiles>(std::move(files));
}

absl::StatusOr<ControlPlaneChannel> ControlPlaneChannelFromCommandLine() {
  const std::string root = absl::GetFlag(FLAGS_xds_root_cert);
  const std::string name = absl::GetFlag(FLAGS_xds_server_name);
  const absl::Duration refresh = absl::GetFlag(FLAGS_xds_root_refresh);
  if (!root.empty() && refresh < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--xds_root_refresh: must be at least 1s, got ", absl::FormatDuration(refresh)));
  }
  absl::StatusOr<ControlPlaneChannel> channel = MakeControlPlaneChannel(root, name, refresh);
  if (!channel.ok()) {
    return absl::InvalidArgumentError(
        root.empty() ? absl::StrCat("--xds_server_name: ", channel.status().message())
                     : absl::StrCat("--xds_root_cert: ", channel.status().message()));
  }
  return channel;
}

}  // namespace weft::identity
