#ifndef WEFT_CONTROL_PLANE_CA_CA_METRICS_H_
#define WEFT_CONTROL_PLANE_CA_CA_METRICS_H_

// Counts of certificate requests by outcome, for /metrics:
//   weft_cp_certificate_signings_total{result="issued"|"unauthenticated"|
//       "permission_denied"|"invalid_request"|"ca_unavailable"|"internal"}
//
// Thread-safe (relaxed atomics).

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "proxy/stats/prometheus_text.h"

namespace weft::control_plane::ca {

enum class SigningResult {
  kIssued,
  kUnauthenticated,   // no/unknown/malformed proof
  kPermissionDenied,  // proof valid, identity not granted
  kInvalidRequest,    // malformed or tampered CSR, bad lifetime
  kCaUnavailable,     // CA expired or the verifier could not decide
  kInternal,
};
inline constexpr int kSigningResultCount = 6;

absl::string_view SigningResultLabel(SigningResult result);
// The result a failed request's status maps to.
SigningResult ResultOf(const absl::Status& status);

class CaMetrics {
 public:
  void Count(SigningResult result) {
    counts_[static_cast<int>(result)].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t Get(SigningResult result) const {
    return counts_[static_cast<int>(result)].load(std::memory_order_relaxed);
  }
  // One family, every result (zeros included, so rates work from the start).
  void Render(stats::PrometheusTextWriter& writer) const;

 private:
  std::array<std::atomic<uint64_t>, kSigningResultCount> counts_{};
};

}  // namespace weft::control_plane::ca

#endif  // WEFT_CONTROL_PLANE_CA_CA_METRICS_H_
