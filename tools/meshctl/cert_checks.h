#ifndef WEFT_TOOLS_MESHCTL_CERT_CHECKS_H_
#define WEFT_TOOLS_MESHCTL_CERT_CHECKS_H_

// The certificate part of `meshctl check`: roots and workload certificates as
// the CA reports them (/debug/certs on the control plane's monitoring port), and
// each proxy's own certificate (weft_workload_cert_expiry_seconds on its metrics
// port), against minimum remaining validities.
//
//   CheckReport report;
//   CheckCaCertificates(*debug_certs_json, time.SystemNow(), limits, &report);
//   CheckProxyCertificate("default/web-0", *samples, limits, &report);
//   // report.problems: one line each; empty when all is well.
//
// Pure functions; thread-safe.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/json/json_value.h"
#include "tools/meshctl/golden_stats.h"

namespace weft::meshctl {

struct CertLimits {
  absl::Duration root_min_validity = absl::Hours(24);
  absl::Duration workload_min_validity = absl::Hours(1);
};

struct CheckReport {
  std::vector<std::string> passed;
  std::vector<std::string> problems;
};

// Every signing or incoming root must outlive root_min_validity (a retiring
// root is on its way out of the bundles and is not checked); per identity, the
// newest workload certificate must outlive workload_min_validity (older ones
// were renewed and simply run out).
void CheckCaCertificates(const json::Json& debug_certs, absl::Time now, const CertLimits& limits,
                         CheckReport* report);

// A proxy without the metric runs without mTLS and passes; 0 means it has no
// certificate yet; otherwise the seconds left must reach workload_min_validity.
void CheckProxyCertificate(const std::string& proxy, const std::vector<PromSample>& metrics,
                           const CertLimits& limits, CheckReport* report);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_CERT_CHECKS_H_
