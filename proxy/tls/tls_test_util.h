#ifndef WEFT_PROXY_TLS_TLS_TEST_UTIL_H_
#define WEFT_PROXY_TLS_TLS_TEST_UTIL_H_

// A throwaway mesh PKI for TLS tests: a CA for one trust domain (made with the
// real certs::CertificateAuthority, so certificates look exactly like
// production SVIDs) and workload certificates on demand.
//
//   TestMesh mesh("weft.local", time);
//   TestMesh::Svid cart = mesh.Issue("shop", "cart");
//   TlsServerOptions options = mesh.ServerOptions(cart);
//
// Test-only; thread-compatible. `time` must outlive the mesh.

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "certs/certificate_authority.h"
#include "certs/spiffe_id.h"
#include "certs/trust_bundle.h"
#include "common/time/time_source.h"
#include "proxy/tls/tls_context.h"

namespace weft::tls {

class TestMesh {
 public:
  struct Svid {
    certs::SpiffeId id;
    std::string chain_pem;
    std::string key_pem;
  };

  // Crashes the test (CHECK-style abort) if the CA cannot be made: a test
  // environment problem, not behaviour under test.
  TestMesh(const std::string& trust_domain, const TimeSource& time);

  Svid Issue(const std::string& ns, const std::string& sa,
             absl::Duration ttl = absl::Hours(24)) const;
  certs::TrustBundle bundle() const;
  const std::string& root_pem() const { return ca_->root_cert_pem(); }

  TlsServerOptions ServerOptions(const Svid& svid) const;
  TlsClientOptions ClientOptions(const Svid& svid) const;

 private:
  std::string trust_domain_;
  const TimeSource& time_;
  std::unique_ptr<certs::CertificateAuthority> ca_;
};

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_TLS_TEST_UTIL_H_
