#include "control-plane/xds/xds_tls_flags.h"

#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(std::string, xds_tls_address, "",
          "TLS xDS address, host:port (Kubernetes: 0.0.0.0:15012): ADS, MeshStatus and the CA "
          "as on --xds_address, over TLS with a certificate from the CA (needs --ca_dir). No "
          "client certificate is asked for: the CA authenticates proxies by token. Empty: off.");
ABSL_FLAG(std::string, xds_tls_dns_names,
          "weft-control-plane.weft-system.svc,weft-control-plane.weft-system.svc.cluster.local",
          "Comma-separated DNS names of the --xds_tls_address certificate: the names proxies "
          "dial (mesh-proxy checks the server name against them).");
ABSL_FLAG(absl::Duration, xds_tls_cert_ttl, absl::Hours(24),
          "Lifetime of the --xds_tls_address certificate (at most --max_workload_cert_ttl); a "
          "new one is issued after two thirds of it and served without a restart.");
ABSL_FLAG(std::string, xds_tls_dir, "",
          "Writable directory for the --xds_tls_address key and certificate files (gRPC "
          "re-reads them on renewal). Empty: a new directory under $TMPDIR or /tmp.");

namespace weft::xds {

absl::StatusOr<XdsTls> XdsTlsFromFlags(control_plane::ca::RotatingAuthority* authority,
                                       event::Dispatcher& dispatcher) {
  XdsTls tls;
  tls.address = absl::GetFlag(FLAGS_xds_tls_address);
  if (tls.address.empty()) return tls;
  if (authority == nullptr) {
    return absl::InvalidArgumentError(
        "--xds_tls_address needs --ca_dir (its certificate comes from the CA)");
  }
  const std::vector<std::string> dns_names =
      absl::StrSplit(absl::GetFlag(FLAGS_xds_tls_dns_names), ',', absl::SkipWhitespace());
  if (dns_names.empty()) {
    return absl::InvalidArgumentError("--xds_tls_dns_names: at least one DNS name is required");
  }
  const absl::Duration ttl = absl::GetFlag(FLAGS_xds_tls_cert_ttl);
  if (ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--xds_tls_cert_ttl: must be positive");
  }
  TlsServingFiles::Options options;
  options.directory = absl::GetFlag(FLAGS_xds_tls_dir);
  absl::StatusOr<std::unique_ptr<TlsServingFiles>> files = TlsServingFiles::Create(
      options,
      [authority, dns_names, ttl](EVP_PKEY* key) -> absl::StatusOr<std::string> {
        absl::StatusOr<control_plane::ca::RotatingAuthority::Issued> issued =
            authority->IssueServingCertificate(key, dns_names, ttl);
        if (!issued.ok()) return issued.status();
        return issued->chain_pem;
      },
      dispatcher);
  if (!files.ok()) {
    return absl::Status(files.status().code(),
                        absl::StrCat("--xds_tls_address certificate for ",
                                     absl::StrJoin(dns_names, ","), ": ", files.status().message()));
  }
  tls.files = *std::move(files);
  return tls;
}

}  // namespace weft::xds
