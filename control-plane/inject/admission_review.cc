#include "control-plane/inject/admission_review.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-plane/inject/injector.h"

namespace weft::inject {
namespace {

using json::Json;

constexpr char kApiVersion[] = "admission.k8s.io/v1";

}  // namespace

absl::StatusOr<AdmissionRequest> ParseAdmissionReview(absl::string_view body) {
  absl::StatusOr<Json> review = Json::Parse(body);
  if (!review.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed AdmissionReview: ", review.status().message()));
  }
  std::vector<std::string> problems;
  if (review->type() != Json::Type::kObject) {
    return absl::InvalidArgumentError("malformed AdmissionReview: not a JSON object");
  }
  if (review->Text("apiVersion") != kApiVersion) {
    problems.push_back(absl::StrCat("apiVersion: \"", review->Text("apiVersion"),
                                    "\", expected \"", kApiVersion, "\""));
  }
  if (review->Text("kind") != "AdmissionReview") {
    problems.push_back(
        absl::StrCat("kind: \"", review->Text("kind"), "\", expected \"AdmissionReview\""));
  }
  const Json& request = (*review)["request"];
  AdmissionRequest out;
  if (request.type() != Json::Type::kObject) {
    problems.push_back("request: missing or not an object");
  } else {
    if (request["uid"].type() != Json::Type::kString || request.Text("uid").empty()) {
      problems.push_back("request.uid: missing");
    }
    if (request["object"].type() != Json::Type::kObject) {
      problems.push_back("request.object: missing or not an object");
    }
    out.uid = request.Text("uid");
    out.kind = request["kind"].Text("kind");
    out.ns = request.Text("namespace");
    out.operation = request.Text("operation");
    out.dry_run = request["dryRun"].type() == Json::Type::kBool && request["dryRun"].as_bool();
    out.object = request["object"];
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed AdmissionReview: ", absl::StrJoin(problems, "; ")));
  }
  return out;
}

std::string EncodeAdmissionReview(const AdmissionResponse& response) {
  Json r = Json::Object();
  r.Set("uid", Json::String(response.uid));
  r.Set("allowed", Json::Bool(response.allowed));
  if (!response.allowed) {
    Json status = Json::Object();
    status.Set("code", Json::Number(response.code));
    status.Set("message", Json::String(response.message));
    r.Set("status", std::move(status));
  }
  if (!response.patch.empty()) {
    r.Set("patchType", Json::String("JSONPatch"));
    r.Set("patch", Json::String(absl::Base64Escape(PatchToJson(response.patch).DumpCompact())));
  }
  Json review = Json::Object();
  review.Set("apiVersion", Json::String(kApiVersion));
  review.Set("kind", Json::String("AdmissionReview"));
  review.Set("response", std::move(r));
  return review.DumpCompact();
}

absl::StatusOr<std::string> HandleAdmissionReview(
    absl::string_view body, const std::map<std::string, std::string>& namespace_labels,
    const InjectionConfig& config) {
  absl::StatusOr<AdmissionRequest> request = ParseAdmissionReview(body);
  if (!request.ok()) return request.status();
  AdmissionResponse response;
  response.uid = request->uid;
  if (request->kind == "Pod" && (request->operation.empty() || request->operation == "CREATE")) {
    absl::StatusOr<InjectionResult> result =
        InjectPod(request->object, NamespaceInfo{request->ns, namespace_labels}, config);
    if (!result.ok()) {
      response.allowed = false;
      response.code = 400;
      response.message = std::string(result.status().message());
    } else {
      response.patch = std::move(result->patch);
    }
  }
  return EncodeAdmissionReview(response);
}

}  // namespace weft::inject
