#include "tools/meshctl/cert_checks.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace weft::meshctl {
namespace {

constexpr char kExpiryMetric[] = "weft_workload_cert_expiry_seconds";
constexpr size_t kShortFingerprint = 16;

// "expired 2h ago" / "expires in 35m (less than 1h)", rounded down to the minute.
std::string Shortfall(absl::Duration left, absl::Duration min_validity) {
  absl::Duration shown = absl::Trunc(absl::AbsDuration(left), absl::Minutes(1));
  if (shown == absl::ZeroDuration()) shown = absl::AbsDuration(left);
  if (left <= absl::ZeroDuration()) return absl::StrCat("expired ", absl::FormatDuration(shown), " ago");
  return absl::StrCat("expires in ", absl::FormatDuration(shown), " (less than ",
                      absl::FormatDuration(min_validity), ")");
}

bool ParseRfc3339(const std::string& text, absl::Time* t) {
  std::string err;
  return absl::ParseTime(absl::RFC3339_full, text, t, &err);
}

}  // namespace

void CheckCaCertificates(const json::Json& certs, absl::Time now, const CertLimits& limits,
                         CheckReport* report) {
  size_t roots = 0;
  const size_t problems_before = report->problems.size();
  for (const json::Json& root : certs["roots"].items()) {
    if (root.Text("role") == "retiring") continue;
    ++roots;
    const std::string fingerprint = root.Text("fingerprint").substr(0, kShortFingerprint);
    absl::Time not_after;
    if (!ParseRfc3339(root.Text("not_after"), &not_after)) {
      report->problems.push_back(absl::StrCat("root ", fingerprint, ": unreadable not_after \"",
                                              root.Text("not_after"), "\""));
    } else if (not_after - now < limits.root_min_validity) {
      report->problems.push_back(absl::StrCat(
          "root ", fingerprint, " (", root.Text("role"), "): ",
          Shortfall(not_after - now, limits.root_min_validity),
          "; see docs/certificates.md (meshctl certs rotate-root)"));
    }
  }
  if (roots == 0) report->problems.push_back("CA: no signing root in /debug/certs");

  std::map<std::string, absl::Time> newest;  // per identity
  for (const json::Json& cert : certs["workloads"].items()) {
    absl::Time not_after;
    if (!ParseRfc3339(cert.Text("not_after"), &not_after)) {
      report->problems.push_back(absl::StrCat("workload ", cert.Text("spiffe_id"),
                                              ": unreadable not_after \"", cert.Text("not_after"),
                                              "\""));
      continue;
    }
    auto [it, inserted] = newest.emplace(cert.Text("spiffe_id"), not_after);
    if (!inserted && not_after > it->second) it->second = not_after;
  }
  for (const auto& [identity, not_after] : newest) {
    if (not_after - now < limits.workload_min_validity) {
      report->problems.push_back(
          absl::StrCat("workload ", identity, ": newest certificate ",
                       Shortfall(not_after - now, limits.workload_min_validity)));
    }
  }
  if (report->problems.size() == problems_before) {
    report->passed.push_back(absl::StrCat("certificates: ", roots, " root(s) valid for ",
                                          absl::FormatDuration(limits.root_min_validity), "+, ",
                                          newest.size(), " workload identit",
                                          newest.size() == 1 ? "y" : "ies", " valid for ",
                                          absl::FormatDuration(limits.workload_min_validity), "+"));
  }
}

void CheckProxyCertificate(const std::string& proxy, const std::vector<PromSample>& metrics,
                           const CertLimits& limits, CheckReport* report) {
  for (const PromSample& s : metrics) {
    if (s.name != kExpiryMetric) continue;
    if (s.value == 0) {
      report->problems.push_back(
          absl::StrCat("proxy ", proxy, ": no workload certificate yet (see its /certs)"));
    } else if (absl::Seconds(s.value) < limits.workload_min_validity) {
      report->problems.push_back(
          absl::StrCat("proxy ", proxy, ": workload certificate ",
                       Shortfall(absl::Seconds(s.value), limits.workload_min_validity)));
    }
    return;
  }
}

}  // namespace weft::meshctl
