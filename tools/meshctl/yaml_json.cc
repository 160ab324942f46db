#include "tools/meshctl/yaml_json.h"

#include "common/json/json_value.h"
#include "common/json/yaml_json.h"

namespace weft::meshctl {

absl::StatusOr<std::string> YamlDocumentToJson(const std::string& yaml, int indent) {
  absl::StatusOr<json::Json> doc = json::ParseYamlDocument(yaml);
  if (!doc.ok()) return doc.status();
  return doc->DumpIndented(indent);
}

}  // namespace weft::meshctl
