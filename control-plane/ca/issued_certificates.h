#ifndef WEFT_CONTROL_PLANE_CA_ISSUED_CERTIFICATES_H_
#define WEFT_CONTROL_PLANE_CA_ISSUED_CERTIFICATES_H_

// An in-memory record of the workload certificates this CA issued and that have
// not expired yet: which identity holds what, until when, signed by which root.
// Feeds /debug/certs (`meshctl certs`). Lost on restart (proxies renew within
// half a lifetime, so the record fills again).
//
// Bounded: expired entries are dropped on every call, and beyond `capacity`
// the oldest entries go. Thread-safe.

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/sync/mutex.h"

namespace weft::control_plane::ca {

struct IssuedCertificate {
  std::string spiffe_id;
  std::string serial;            // lowercase hex
  std::string root_fingerprint;  // the root it chains to
  std::string peer;              // gRPC peer of the request, e.g. "ipv4:10.77.0.3:41234"
  absl::Time issued_at;
  absl::Time not_after;
};

class IssuedCertificates {
 public:
  explicit IssuedCertificates(size_t capacity = 10000) : capacity_(capacity) {}

  void Record(IssuedCertificate cert, absl::Time now);
  // Live certificates, oldest first.
  std::vector<IssuedCertificate> List(absl::Time now);

 private:
  void PruneLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t capacity_;
  weft::Mutex mu_;
  std::deque<IssuedCertificate> certs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_ISSUED_CERTIFICATES_H_
