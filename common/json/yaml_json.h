#ifndef WEFT_COMMON_JSON_YAML_JSON_H_
#define WEFT_COMMON_JSON_YAML_JSON_H_

// Reads YAML into the JSON document model with YAML 1.2 core-schema typing:
// quoted scalars are strings; plain ones are null, booleans, integers or floats
// when they look like one, strings otherwise. Used for Kubernetes manifests
// (`meshctl get -o json`, `meshctl inject`); Json::DumpYaml writes them back.
//
//   absl::StatusOr<std::vector<Json>> docs = ParseYamlDocuments(text);  // "---" separated
//   for (const Json& doc : *docs) ...
//
// Thread-compatible (pure functions). Errors are kInvalidArgument and name the line.

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/json/json_value.h"

namespace weft::json {

// Exactly one document (an empty text is a null value).
absl::StatusOr<Json> ParseYamlDocument(absl::string_view text);

// Every document of a multi-document stream, in order; empty documents are skipped.
absl::StatusOr<std::vector<Json>> ParseYamlDocuments(absl::string_view text);

}  // namespace weft::json

#endif  // WEFT_COMMON_JSON_YAML_JSON_H_
