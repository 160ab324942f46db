#include "control-plane/ca/ca_metrics.h"

#include <string>

namespace weft::control_plane::ca {

absl::string_view SigningResultLabel(SigningResult result) {
  switch (result) {
    case SigningResult::kIssued:
      return "issued";
    case SigningResult::kUnauthenticated:
      return "unauthenticated";
    case SigningResult::kPermissionDenied:
      return "permission_denied";
    case SigningResult::kInvalidRequest:
      return "invalid_request";
    case SigningResult::kCaUnavailable:
      return "ca_unavailable";
    case SigningResult::kInternal:
      return "internal";
  }
  return "internal";
}

SigningResult ResultOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return SigningResult::kIssued;
    case absl::StatusCode::kUnauthenticated:
      return SigningResult::kUnauthenticated;
    case absl::StatusCode::kPermissionDenied:
      return SigningResult::kPermissionDenied;
    case absl::StatusCode::kInvalidArgument:
      return SigningResult::kInvalidRequest;
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kUnavailable:
      return SigningResult::kCaUnavailable;
    default:
      return SigningResult::kInternal;
  }
}

void CaMetrics::Render(stats::PrometheusTextWriter& writer) const {
  writer.Family("weft_cp_certificate_signings_total",
                "Workload certificate requests, by result (issued or the reason for refusal).",
                stats::MetricType::kCounter);
  for (int i = 0; i < kSigningResultCount; ++i) {
    const auto result = static_cast<SigningResult>(i);
    writer.Sample("weft_cp_certificate_signings_total", {"result"},
                  {std::string(SigningResultLabel(result))}, stats::FormatUint(Get(result)));
  }
}

}  // namespace weft::control_plane::ca
