#ifndef WEFT_PROXY_IDENTITY_STATIC_IDENTITY_H_
#define WEFT_PROXY_IDENTITY_STATIC_IDENTITY_H_

// A workload identity provisioned by the operator as PEM files instead of
// requested from the control plane's CA: mTLS between sidecars without a
// control plane (benchmarks, small static deployments, an external CA).
//
//   StaticIdentityFiles files{"/etc/weft/cert.pem", "/etc/weft/key.pem",
//                             "/etc/weft/roots.pem"};
//   absl::StatusOr<certs::SpiffeId> id = LoadStaticIdentity(files, server.mesh_tls());
//   // again on SIGHUP: a renewed certificate applies to new connections; a bad
//   // one is refused and the current one stays.
//
// The certificate file holds the chain, leaf first; its leaf's SPIFFE ID (URI
// SAN) names the identity and the trust domain. The key is a PEM private key
// (PKCS#8) and is never logged. The bundle holds the trusted roots. The chain
// must verify against the bundle at load time. Thread-compatible (call from the
// main thread); MeshTls itself is thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "certs/spiffe_id.h"
#include "proxy/tls/mesh_tls.h"

namespace weft::identity {

struct StaticIdentityFiles {
  std::string cert_file;
  std::string key_file;
  std::string trust_bundle_file;
};

// Reads the files and installs them into `mesh`. Returns our SPIFFE ID.
// kNotFound / kInvalidArgument / kUnauthenticated naming the file and the
// problem; on error `mesh` keeps what it had.
absl::StatusOr<certs::SpiffeId> LoadStaticIdentity(const StaticIdentityFiles& files,
                                                   const TimeSource& time, tls::MeshTls& mesh);

}  // namespace weft::identity

#endif  // WEFT_PROXY_IDENTITY_STATIC_IDENTITY_H_
