#ifndef WEFT_CONTROL_PLANE_TRANSLATE_MTLS_BUILDER_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_MTLS_BUILDER_H_

// mTLS between sidecars, in xDS terms (docs/security.md):
//
// - Clusters to service ports whose endpoints all run sidecars (and do not
//   disable mTLS) get an UpstreamTlsContext: our certificate by SDS name
//   "default" (the proxy makes it itself), the trust bundle by SDS name "ROOTCA",
//   and exact URI SAN matchers naming the SPIFFE ID of every endpoint's service
//   account, so a client only accepts a server running as the destination.
// - The inbound listener's chains are split by transport_protocol: "tls" chains
//   terminate mTLS (DownstreamTlsContext, require_client_certificate for STRICT)
//   and then do what the plaintext chain did; "raw_buffer" chains keep serving
//   plaintext for PERMISSIVE ports and, for STRICT ports, have no filters: the
//   proxy refuses the connection. DISABLE ports are left as they are.
// - The trust bundle Secret "ROOTCA" holds every root the mesh trusts now.
//
//   MeshSecurity security{true, "cluster.local", bundle_pem};
//   AddInboundMtls(MtlsFor(model, workload), listener);
//   if (auto socket = UpstreamMtls(model, endpoints, security)) ...
//
// Pure functions, thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "control-plane/core/model.h"
#include "control-plane/core/workload_security.h"
#include "envoy/config/core/v3/base.pb.h"
#include "envoy/config/listener/v3/listener.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"

namespace weft::control_plane {

inline constexpr char kTrustBundleSecretName[] = "ROOTCA";

// What the control plane knows about the mesh's certificates.
struct MeshSecurity {
  bool enabled = false;  // the CA is on, so every sidecar has a certificate
  std::string trust_domain = "cluster.local";
  std::string trust_bundle_pem;  // every root trusted now (PEM)
};

// Splits the inbound listener's chains as described above.
void AddInboundMtls(const WorkloadMtls& plan, envoy::config::listener::v3::Listener& listener);

// The client side for a cluster towards `endpoints`; nullopt when the cluster
// must stay plaintext (security off, no endpoints, an endpoint without a
// sidecar or whose workload disables mTLS on that port).
std::optional<envoy::config::core::v3::TransportSocket> UpstreamMtls(
    const Model& model, const PortEndpoints& endpoints, const MeshSecurity& security);

// Secret "ROOTCA" with the bundle.
envoy::extensions::transport_sockets::tls::v3::Secret TrustBundleSecret(
    const MeshSecurity& security);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_MTLS_BUILDER_H_
