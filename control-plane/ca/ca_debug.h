#ifndef WEFT_CONTROL_PLANE_CA_CA_DEBUG_H_
#define WEFT_CONTROL_PLANE_CA_CA_DEBUG_H_

// The CA's state as JSON for the monitoring port's /debug/certs (and the body of
// POST /debug/certs/rotate-root), read by `meshctl certs`:
//
//   {"trust_domain": "cluster.local",
//    "rotation": {"phase": "stable|distributing|draining",
//                 "switch_at": RFC3339|null, "retire_at": RFC3339|null},
//    "roots": [{"fingerprint": hex, "role": "signing|incoming|retiring",
//               "not_after": RFC3339}],
//    "workloads": [{"spiffe_id": ..., "serial": hex, "root": hex,
//                   "issued_at": RFC3339, "not_after": RFC3339, "peer": ...}]}
//
// Pure functions; thread-safe.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "control-plane/ca/issued_certificates.h"
#include "control-plane/ca/rotating_authority.h"

namespace weft::control_plane::ca {

std::string CertsJson(const std::string& trust_domain, const RotatingAuthority::State& state,
                      const std::vector<IssuedCertificate>& workloads);

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_CA_DEBUG_H_
