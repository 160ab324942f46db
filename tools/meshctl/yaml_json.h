#ifndef WEFT_TOOLS_MESHCTL_YAML_JSON_H_
#define WEFT_TOOLS_MESHCTL_YAML_JSON_H_

// Renders a manifest document as JSON for `meshctl get -o json`, with YAML 1.2
// core-schema typing: quoted scalars are strings; plain ones are null, booleans,
// integers or floats when they look like one, strings otherwise.
//
// The reading is common/json/yaml_json.h; this only pretty-prints it.
//
// Thread-compatible (a pure function).

#include <string>

#include "absl/status/statusor.h"

namespace weft::meshctl {

// `yaml` must hold one document (meshctl only passes documents the manifest
// parser accepted). `indent` is the indentation of the opening brace's line;
// output is pretty-printed with two spaces per level, no trailing newline.
absl::StatusOr<std::string> YamlDocumentToJson(const std::string& yaml, int indent = 0);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_YAML_JSON_H_
