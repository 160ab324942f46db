#ifndef WEFT_PROXY_XDS_XDS_TRANSLATOR_TLS_H_
#define WEFT_PROXY_XDS_XDS_TRANSLATOR_TLS_H_

// The mTLS half of the xDS edge: a filter chain's transport_protocol match and
// DownstreamTlsContext, a Cluster's UpstreamTlsContext, and the trust bundle
// Secret (SDS). Part of TranslateXds, kept apart so each file is about one thing.
//
// What Weft accepts (what its control plane sends, Istio-shaped):
//   - certificates by SDS name "default" only: the proxy's own workload
//     certificate, whose key the proxy made itself (proxy/identity/). Inline
//     certificates and keys are refused: keys never travel over xDS;
//   - validation by SDS name "ROOTCA" (the trust bundle Secret), directly or in
//     a combined_validation_context whose default context holds only SAN matchers;
//   - on clusters, URI SAN matchers (exact) naming the SPIFFE IDs the server may
//     present; at least one is required (no "any identity" by accident).
// Everything else is reported through `problem`, so the resource is NACKed with
// the field named.

#include <map>
#include <string>

#include "envoy/config/core/v3/base.pb.h"
#include "envoy/extensions/transport_sockets/tls/v3/secret.pb.h"
#include "proxy/config/model.h"
#include "proxy/xds/xds_translator_resilience.h"

namespace weft::xds {

inline constexpr char kTlsTransportSocket[] = "envoy.transport_sockets.tls";

// "tls", "raw_buffer" or empty.
bool ReadTransportProtocol(const std::string& transport_protocol, const std::string& where,
                           const ProblemSink& problem, config::TransportMatch& out);

bool ReadDownstreamTls(const envoy::config::core::v3::TransportSocket& socket,
                       const std::string& where, const ProblemSink& problem,
                       config::DownstreamTls& out);

bool ReadUpstreamTls(const envoy::config::core::v3::TransportSocket& socket,
                     const std::string& where, const ProblemSink& problem,
                     config::UpstreamTls& out);

// The PEM roots of the "ROOTCA" secret, if held; empty otherwise.
std::string TrustBundleFromSecrets(
    const std::map<std::string, envoy::extensions::transport_sockets::tls::v3::Secret>& secrets,
    const ProblemSink& problem);

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_XDS_TRANSLATOR_TLS_H_
