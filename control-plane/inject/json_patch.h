#ifndef WEFT_CONTROL_PLANE_INJECT_JSON_PATCH_H_
#define WEFT_CONTROL_PLANE_INJECT_JSON_PATCH_H_

// RFC 6902 JSON Patch, the subset the injector emits (add, replace, remove), with
// RFC 6901 JSON Pointer paths. The webhook sends the ops to the API server;
// `meshctl inject` and the tests apply them here, so both see the same result.
//
//   std::vector<PatchOp> ops = {PatchOp::Add("/metadata/annotations/" +
//                                            EscapePointerToken("weft.dev/injected"), v)};
//   RETURN_IF_ERROR(ApplyPatch(ops, &pod));
//   std::string wire = PatchToJson(ops).DumpCompact();
//
// Thread-compatible (pure functions).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/json/json_value.h"

namespace weft::inject {

using ::weft::json::Json;

struct PatchOp {
  std::string op;  // "add", "replace" or "remove"
  std::string path;
  Json value;      // unused for "remove"

  static PatchOp Add(std::string path, Json value) { return {"add", std::move(path), std::move(value)}; }
  static PatchOp Replace(std::string path, Json value) {
    return {"replace", std::move(path), std::move(value)};
  }
  static PatchOp Remove(std::string path) { return {"remove", std::move(path), Json()}; }
};

// One reference token: "~" -> "~0", "/" -> "~1" ("weft.dev/inject" -> "weft.dev~1inject").
std::string EscapePointerToken(absl::string_view token);

// [{"op": ..., "path": ..., "value": ...}, ...]
Json PatchToJson(const std::vector<PatchOp>& ops);

// The inverse of PatchToJson; kInvalidArgument when `patch` is not a list of ops.
absl::StatusOr<std::vector<PatchOp>> PatchFromJson(const Json& patch);

// Applies the ops in order. kInvalidArgument naming the op's index and path when a
// path does not resolve (missing parent, index out of range, "replace" or
// "remove" of an absent member); `doc` may then be partly patched.
absl::Status ApplyPatch(const std::vector<PatchOp>& ops, Json* doc);

}  // namespace weft::inject

#endif  // WEFT_CONTROL_PLANE_INJECT_JSON_PATCH_H_
