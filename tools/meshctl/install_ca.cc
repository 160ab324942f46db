#include "tools/meshctl/install_ca.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "certs/certificate_authority.h"

namespace weft::meshctl {
namespace {

using certs::CertificateAuthority;

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CertificateAuthority::Options CaOptions(const std::string& trust_domain) {
  CertificateAuthority::Options options;
  options.trust_domain = trust_domain;
  return options;
}

}  // namespace

absl::StatusOr<InstallCa> LoadInstallCa(const std::string& cert_path, const std::string& key_path,
                                        const std::string& trust_domain, const TimeSource& time) {
  absl::StatusOr<std::string> cert = ReadWholeFile(cert_path);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadWholeFile(key_path);
  if (!key.ok()) return key.status();
  CertificateAuthority::Pem pem;
  pem.root_cert_pem = *cert;
  pem.signing_key_pem = *key;
  pem.root_key_pem = *key;
  // The control plane loads the Secret with the same checks: refuse here what it
  // would refuse at start.
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::FromPem(pem, CaOptions(trust_domain), time);
  if (!ca.ok()) {
    return absl::Status(ca.status().code(), absl::StrCat(cert_path, " + ", key_path, ": ",
                                                         ca.status().message()));
  }
  return InstallCa{*std::move(cert), *std::move(key)};
}

absl::StatusOr<InstallCa> GenerateInstallCa(const std::string& trust_domain,
                                            const TimeSource& time) {
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca =
      CertificateAuthority::Generate(CaOptions(trust_domain), time);
  if (!ca.ok()) return ca.status();
  // The CA writes its key only to a directory (keys 0600 in a 0700 directory):
  // use a private temporary one, read both files back and remove them.
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/meshctl-ca-XXXXXX");
  if (mkdtemp(dir.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create ", dir, ": ", std::strerror(errno)));
  }
  const std::string cert_path = absl::StrCat(dir, "/", CertificateAuthority::kRootCertFile);
  const std::string key_path = absl::StrCat(dir, "/", CertificateAuthority::kRootKeyFile);
  absl::Status written = (*ca)->WriteToDirectory(dir);
  absl::StatusOr<std::string> key = written.ok() ? ReadWholeFile(key_path) : written;
  unlink(key_path.c_str());
  unlink(cert_path.c_str());
  rmdir(dir.c_str());
  if (!key.ok()) return key.status();
  return InstallCa{(*ca)->root_cert_pem(), *std::move(key)};
}

}  // namespace weft::meshctl
