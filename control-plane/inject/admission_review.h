#ifndef WEFT_CONTROL_PLANE_INJECT_ADMISSION_REVIEW_H_
#define WEFT_CONTROL_PLANE_INJECT_ADMISSION_REVIEW_H_

// AdmissionReview (admission.k8s.io/v1) in, AdmissionReview out: the webhook's
// protocol, apart from HTTP and TLS (control-plane/webhook/ carries the bytes).
//
//   absl::StatusOr<std::string> reply = HandleAdmissionReview(body, ns_labels, config);
//   if (!reply.ok()) -> HTTP 400 with reply.status().message()
//
// Thread-compatible (pure functions).

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/json/json_value.h"
#include "control-plane/inject/injection_config.h"
#include "control-plane/inject/json_patch.h"

namespace weft::inject {

struct AdmissionRequest {
  std::string uid;
  std::string kind;       // request.kind.kind, e.g. "Pod"
  std::string ns;         // request.namespace
  std::string operation;  // CREATE, UPDATE...
  bool dry_run = false;
  json::Json object;      // request.object
};

struct AdmissionResponse {
  std::string uid;
  bool allowed = true;
  std::vector<PatchOp> patch;  // sent as patchType JSONPatch when not empty
  int code = 0;                // with a denial: status.code
  std::string message;         // with a denial: status.message
};

// kInvalidArgument naming every problem: not JSON, not an admission.k8s.io/v1
// AdmissionReview, no request, request.uid missing, request.object not an object.
absl::StatusOr<AdmissionRequest> ParseAdmissionReview(absl::string_view body);

// The AdmissionReview v1 reply (compact JSON); the patch is base64 JSONPatch.
std::string EncodeAdmissionReview(const AdmissionResponse& response);

// Parses, injects (a Pod CREATE; anything else is allowed unchanged) and encodes.
// `namespace_labels` are the labels the caller knows the request's namespace to
// have. A pod with invalid injection annotations is denied (400, the problems
// named); only a malformed review is an error.
absl::StatusOr<std::string> HandleAdmissionReview(
    absl::string_view body, const std::map<std::string, std::string>& namespace_labels,
    const InjectionConfig& config);

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_ADMISSION_REVIEW_H_
