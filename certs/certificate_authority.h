#ifndef WEFT_CERTS_CERTIFICATE_AUTHORITY_H_
#define WEFT_CERTS_CERTIFICATE_AUTHORITY_H_

// The control plane's CA: signs short-lived workload certificates (X.509
// SVIDs) for CSRs whose keys the proxies made themselves.
//
//   CertificateAuthority::Options options;
//   options.trust_domain = "weft.local";
//   absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
//       CertificateAuthority::LoadOrCreate("/var/lib/weft/ca", options, time_source);
//   // ... the caller authenticated the proxy (service-account or join token)
//   // and so knows which identity it may have:
//   absl::StatusOr<std::string> chain = (*ca)->Sign(csr_pem, granted_id);
//
// Sign() checks the CSR's signature and that the CSR asks for exactly the
// granted identity; the CA never decides who a caller is. The returned chain is
// the leaf followed by the intermediate (if any), not the root: peers get the
// root from the trust bundle.
//
// Files (LoadOrCreate): root-cert.pem, root-key.pem, and optionally
// intermediate-cert.pem + intermediate-key.pem. Key files are mode 0600 and
// written atomically; certificates 0644. When an intermediate is present it
// signs, and root-key.pem may be absent (kept offline).
//
// Thread-safe after creation: Sign() may be called from many threads. The
// TimeSource is borrowed and must outlive the CA. Never logs; key material
// never appears in a Status.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "certs/key_pair.h"
#include "certs/spiffe_id.h"
#include "common/time/time_source.h"
#include "openssl/base.h"
#include "openssl/x509.h"

namespace weft {
namespace certs {

class CertificateAuthority {
 public:
  struct Options {
    std::string trust_domain;  // Required, e.g. "weft.local".
    // Leaf lifetime when Sign() is given no TTL.
    absl::Duration default_leaf_ttl = absl::Hours(24);
    // Leaves start this far in the past, so peers with a slow clock accept them.
    absl::Duration backdate = absl::Minutes(5);
    // Used only when generating a new CA.
    absl::Duration root_lifetime = absl::Hours(24 * 365 * 10);
    bool generate_intermediate = false;
    absl::Duration intermediate_lifetime = absl::Hours(24 * 365);
  };

  // PEM contents of a CA. The signing key is the intermediate's when
  // `intermediate_cert_pem` is set, else the root's.
  struct Pem {
    std::string root_cert_pem;
    std::string intermediate_cert_pem;  // Empty: the root signs.
    std::string signing_key_pem;        // PKCS#8. Secret.
    std::string root_key_pem;           // Optional with an intermediate. Secret.
  };

  // File names inside a CA directory.
  static constexpr char kRootCertFile[] = "root-cert.pem";
  static constexpr char kRootKeyFile[] = "root-key.pem";
  static constexpr char kIntermediateCertFile[] = "intermediate-cert.pem";
  static constexpr char kIntermediateKeyFile[] = "intermediate-key.pem";

  // kInvalidArgument for bad options.
  static absl::Status ValidateOptions(const Options& options);

  // A CA from PEM. kInvalidArgument when anything does not decode, the root is
  // not a self-signed CA, the intermediate is not a CA issued by the root, the
  // key does not match the signing certificate, or a certificate names another
  // trust domain; kFailedPrecondition when the signing certificate has expired.
  static absl::StatusOr<std::unique_ptr<CertificateAuthority>> FromPem(
      const Pem& pem, const Options& options, const TimeSource& time);

  // A new CA in memory (root, plus intermediate if options ask), valid from
  // now - backdate.
  static absl::StatusOr<std::unique_ptr<CertificateAuthority>> Generate(
      const Options& options, const TimeSource& time);

  // Loads the CA in `dir`, or, when `dir` holds no root-cert.pem, generates one
  // and writes it there (creating `dir` with mode 0700 if missing). Errors as
  // FromPem, plus file errors naming the path.
  static absl::StatusOr<std::unique_ptr<CertificateAuthority>> LoadOrCreate(
      const std::string& dir, const Options& options, const TimeSource& time);

  // Writes this CA's files into `dir` (keys 0600, atomically; root-cert.pem
  // last, so a crash never leaves a root certificate without its key).
  absl::Status WriteToDirectory(const std::string& dir) const;

  // Issues a workload certificate for `csr_pem`, for `granted` only.
  // ttl <= 0 means options.default_leaf_ttl; notAfter is capped at the CA's
  // own expiry. Returns leaf PEM followed by the intermediate PEM, if any.
  //   kInvalidArgument: the CSR is malformed, its signature does not verify,
  //     its key is not P-256, it has not exactly one URI SAN, or `granted` is in
  //     another trust domain.
  //   kPermissionDenied: the CSR asks for an identity other than `granted`
  //     (the message names both).
  //   kFailedPrecondition: the CA's certificate has expired.
  absl::StatusOr<std::string> Sign(absl::string_view csr_pem, const SpiffeId& granted,
                                   absl::Duration ttl = absl::ZeroDuration()) const;

  // Issues a TLS serving certificate for `dns_names` (e.g. the injection
  // webhook's "<svc>.<ns>.svc") with the public half of `subject_key`. Returns
  // leaf PEM followed by the intermediate PEM, if any. kInvalidArgument when
  // `dns_names` is empty or holds an empty or non-printable name;
  // kFailedPrecondition when the CA's certificate has expired.
  absl::StatusOr<std::string> IssueServingCertificate(EVP_PKEY* subject_key,
                                                      const std::vector<std::string>& dns_names,
                                                      absl::Duration ttl) const;

  const std::string& trust_domain() const { return options_.trust_domain; }
  const std::string& root_cert_pem() const { return root_cert_pem_; }
  // Empty when the root signs.
  const std::string& intermediate_cert_pem() const { return intermediate_cert_pem_; }
  // Latest time a leaf may be valid: the earliest notAfter of root and intermediate.
  absl::Time not_after() const { return not_after_; }
  // True when LoadOrCreate generated this CA rather than loading it.
  bool newly_created() const { return newly_created_; }

 private:
  CertificateAuthority(const Options& options, const TimeSource& time)
      : options_(options), time_(time) {}

  Options options_;
  const TimeSource& time_;
  bssl::UniquePtr<X509> root_;
  bssl::UniquePtr<X509> intermediate_;  // Null when the root signs.
  std::unique_ptr<KeyPair> signing_key_;
  std::unique_ptr<KeyPair> root_key_;   // Null when kept offline.
  std::string root_cert_pem_;
  std::string intermediate_cert_pem_;
  absl::Time not_after_;
  bool newly_created_ = false;
};

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_CERTIFICATE_AUTHORITY_H_
