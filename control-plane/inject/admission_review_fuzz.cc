// libFuzzer entry point for the webhook's AdmissionReview handling: any body must
// yield a reply or a status, never a crash or a hang; a reply must be valid JSON
// and its patch must apply to the pod it was made for.
//
//   bazel build --config=fuzz //control-plane/inject:admission_review_fuzz
//   bazel-bin/control-plane/inject/admission_review_fuzz -max_total_time=60 \
//       control-plane/inject/testdata/admission_review_fuzz_corpus

#include <cstddef>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "common/json/json_value.h"
#include "control-plane/inject/admission_review.h"
#include "control-plane/inject/json_patch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using weft::json::Json;
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  const weft::inject::InjectionConfig config;
  absl::StatusOr<std::string> reply =
      weft::inject::HandleAdmissionReview(body, {{"weft.dev/inject", "enabled"}}, config);
  if (!reply.ok()) return 0;
  absl::StatusOr<Json> parsed = Json::Parse(*reply);
  if (!parsed.ok()) __builtin_trap();
  const std::string patch_b64 = (*parsed)["response"].Text("patch");
  if (patch_b64.empty()) return 0;
  std::string patch_text;
  if (!absl::Base64Unescape(patch_b64, &patch_text)) __builtin_trap();
  absl::StatusOr<Json> patch = Json::Parse(patch_text);
  if (!patch.ok()) __builtin_trap();
  absl::StatusOr<std::vector<weft::inject::PatchOp>> ops = weft::inject::PatchFromJson(*patch);
  if (!ops.ok()) __builtin_trap();
  Json pod = weft::inject::ParseAdmissionReview(body)->object;
  if (!weft::inject::ApplyPatch(*ops, &pod).ok()) __builtin_trap();
  return 0;
}
