#ifndef WEFT_PROXY_CONFIG_TLS_MODEL_H_
#define WEFT_PROXY_CONFIG_TLS_MODEL_H_

// The mTLS part of the proxy's config model: which filter chains terminate mTLS
// from other sidecars, which clusters originate it, and the trust bundle the
// control plane distributes (SDS). The proxy's own certificate is not config: it
// comes from the CA (proxy/identity/), with a key that never leaves the proxy.
//
//   config::FilterChain inbound;          // a STRICT port
//   inbound.transport = config::TransportMatch::kTls;
//   inbound.tls = config::DownstreamTls{/*require_client_certificate=*/true};
//   config::FilterChain refuse;           // plaintext to the same port
//   refuse.transport = config::TransportMatch::kPlaintext;
//   refuse.refuse_plaintext = true;
//
//   config::Cluster cart;
//   cart.tls = config::UpstreamTls{{"spiffe://cluster.local/ns/shop/sa/cart"}};

#include <string>
#include <vector>

namespace weft::config {

// Which connections a filter chain is for, by what their first bytes are.
enum class TransportMatch {
  kAny,        // both
  kTls,        // a TLS ClientHello (mTLS from another sidecar)
  kPlaintext,  // anything else
};

// A filter chain that terminates mTLS (server side, inbound).
struct DownstreamTls {
  // STRICT: a client without a certificate is refused. PERMISSIVE chains still
  // verify a certificate when one is sent.
  bool require_client_certificate = true;

  friend bool operator==(const DownstreamTls& a, const DownstreamTls& b) {
    return a.require_client_certificate == b.require_client_certificate;
  }
};

// A cluster whose connections originate mTLS (client side, outbound).
struct UpstreamTls {
  // The server must present one of these SPIFFE IDs (a service may run under
  // several service accounts). Never empty: a cluster with TLS always says whom
  // it expects.
  std::vector<std::string> expected_identities;
  // SNI sent in the ClientHello; optional (peers are checked by SPIFFE ID).
  std::string sni;

  friend bool operator==(const UpstreamTls& a, const UpstreamTls& b) {
    return a.expected_identities == b.expected_identities && a.sni == b.sni;
  }
};

// The name under which the control plane serves the trust bundle (SDS), and the
// name that means "the proxy's own workload certificate".
inline constexpr char kTrustBundleSecret[] = "ROOTCA";
inline constexpr char kWorkloadCertificateSecret[] = "default";

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_TLS_MODEL_H_
