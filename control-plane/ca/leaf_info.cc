#include "control-plane/ca/leaf_info.h"

#include "absl/strings/escaping.h"
#include "openssl/asn1.h"
#include "openssl/bio.h"
#include "openssl/bn.h"
#include "openssl/mem.h"
#include "openssl/pem.h"
#include "openssl/x509.h"

namespace weft::control_plane::ca {
namespace {

// Seconds since the Unix epoch, computed against an ASN1_TIME of 0 so that
// BoringSSL never reads the clock.
absl::StatusOr<absl::Time> ToTime(const ASN1_TIME* t) {
  bssl::UniquePtr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0;
  int seconds = 0;
  if (epoch == nullptr || !ASN1_TIME_diff(&days, &seconds, epoch.get(), t)) {
    return absl::InvalidArgumentError("certificate has an invalid validity time");
  }
  return absl::UnixEpoch() + absl::Hours(24) * days + absl::Seconds(seconds);
}

}  // namespace

absl::StatusOr<LeafInfo> ReadLeafInfo(absl::string_view chain_pem) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(chain_pem.data(), chain_pem.size()));
  if (bio == nullptr) return absl::InternalError("out of memory");
  bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return absl::InvalidArgumentError("the chain holds no certificate");
  LeafInfo info;
  bssl::UniquePtr<BIGNUM> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
  if (serial == nullptr) return absl::InvalidArgumentError("certificate has no serial number");
  std::string bytes(BN_num_bytes(serial.get()), '\0');
  BN_bn2bin(serial.get(), reinterpret_cast<uint8_t*>(bytes.data()));
  info.serial = absl::BytesToHexString(bytes);
  absl::StatusOr<absl::Time> nb = ToTime(X509_get0_notBefore(cert.get()));
  if (!nb.ok()) return nb.status();
  absl::StatusOr<absl::Time> na = ToTime(X509_get0_notAfter(cert.get()));
  if (!na.ok()) return na.status();
  info.not_before = *nb;
  info.not_after = *na;
  return info;
}

}  // namespace weft::control_plane::ca
