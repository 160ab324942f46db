#ifndef WEFT_PROXY_IDENTITY_IDENTITY_FLAGS_H_
#define WEFT_PROXY_IDENTITY_IDENTITY_FLAGS_H_

// mesh-proxy's workload identity flags, defined here so that main.cc only wires:
//
//   --ca_address=HOST:PORT      the control plane's CA (local mode: <cp>:15010).
//                               Empty (default): no workload certificate.
//   --identity_token_file=PATH  the join token (local mode) to prove who we are
//   --trust_domain=NAME         SPIFFE trust domain (default cluster.local)
//   --identity_cert_ttl=DUR     lifetime to ask for (default 0: the CA's, 24 h)
//
// Or, without a CA, a static identity from PEM files (identity/static_identity.h),
// all three together and not with --ca_address:
//   --identity_cert_file=PATH   certificate chain, leaf first (SPIFFE ID URI SAN)
//   --identity_key_file=PATH    its private key (PKCS#8 PEM)
//   --trust_bundle_file=PATH    the roots to trust
//
// How both the ADS stream and the CA channel reach the control plane
// (identity/control_plane_channel.h):
//   --xds_root_cert=PATH        PEM mesh root(s): TLS, the server's DNS name checked.
//                               Empty (default): plaintext (local mode).
//   --xds_root_refresh=DURATION how often that file is read again (default 10s).
//   --xds_server_name=NAME      the name to check instead of the address's host
//                               (when the address is an IP). Needs --xds_root_cert.
//
// The namespace and service account come from the bootstrap (node metadata
// NAMESPACE / SERVICE_ACCOUNT), which main.cc already reads.
//
// Thread-compatible; call from main only.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "proxy/identity/certificate_client.h"
#include "proxy/identity/control_plane_channel.h"
#include "proxy/identity/grpc_ca_client.h"
#include "proxy/identity/static_identity.h"

namespace weft::identity {

struct IdentityFlags {
  GrpcCaClient::Options ca;            // ca.time is left null: main sets it
  CertificateClient::Options client;   // namespace_name / service_account left empty
};

// std::nullopt when --ca_address is empty (identity off). kInvalidArgument
// naming the flag when --ca_address is set but --identity_token_file is not.
absl::StatusOr<std::optional<IdentityFlags>> IdentityFlagsFromCommandLine();

// std::nullopt when none of the three file flags is set. kInvalidArgument naming
// the flags when only some are set, or when they are set with --ca_address.
absl::StatusOr<std::optional<StaticIdentityFiles>> StaticIdentityFromCommandLine();

// From --xds_root_cert, --xds_server_name and --xds_root_refresh: insecure when
// the first two are empty. kInvalidArgument naming the flag for an unreadable or
// garbage file, a refresh under 1s, or --xds_server_name without --xds_root_cert.
// The caller starts the returned channel's `roots` on its dispatcher.
absl::StatusOr<ControlPlaneChannel> ControlPlaneChannelFromCommandLine();

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_IDENTITY_FLAGS_H_
