#ifndef WEFT_TOOLS_MESHCTL_INSTALL_CA_H_
#define WEFT_TOOLS_MESHCTL_INSTALL_CA_H_

// The root CA `meshctl install` puts into the weft-ca Secret: either the
// operator's own (--ca_cert/--ca_key, checked to be a CA root of the trust domain
// whose key matches), or a new one made by the control plane's own CA code.
//
//   absl::StatusOr<InstallCa> ca = LoadInstallCa("root-cert.pem", "root-key.pem",
//                                                "cluster.local", time);
//   absl::StatusOr<InstallCa> fresh = GenerateInstallCa("cluster.local", time);
//
// Errors name the file or the problem and never carry key bytes. Thread-compatible.

#include <string>

#include "absl/status/statusor.h"
#include "common/time/time_source.h"

namespace weft::meshctl {

struct InstallCa {
  std::string root_cert_pem;
  std::string root_key_pem;  // PKCS#8. Secret.
};

// kNotFound/kPermissionDenied for unreadable files; kInvalidArgument when the
// pair is not a usable root of `trust_domain`; kFailedPrecondition if expired.
absl::StatusOr<InstallCa> LoadInstallCa(const std::string& cert_path, const std::string& key_path,
                                        const std::string& trust_domain, const TimeSource& time);

// A new self-signed root (P-256, ten years), valid from now.
absl::StatusOr<InstallCa> GenerateInstallCa(const std::string& trust_domain,
                                            const TimeSource& time);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_INSTALL_CA_H_
