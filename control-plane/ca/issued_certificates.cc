#include "control-plane/ca/issued_certificates.h"

#include <algorithm>

namespace weft::control_plane::ca {

void IssuedCertificates::PruneLocked(absl::Time now) {
  certs_.erase(std::remove_if(certs_.begin(), certs_.end(),
                              [now](const IssuedCertificate& c) { return c.not_after <= now; }),
               certs_.end());
  while (certs_.size() > capacity_) certs_.pop_front();
}

void IssuedCertificates::Record(IssuedCertificate cert, absl::Time now) {
  weft::MutexLock lock(&mu_);
  certs_.push_back(std::move(cert));
  PruneLocked(now);
}

std::vector<IssuedCertificate> IssuedCertificates::List(absl::Time now) {
  weft::MutexLock lock(&mu_);
  PruneLocked(now);
  return std::vector<IssuedCertificate>(certs_.begin(), certs_.end());
}

}  // namespace weft::control_plane::ca
