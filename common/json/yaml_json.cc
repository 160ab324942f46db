#include "common/json/yaml_json.h"

#include <cstdint>
#include <exception>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "yaml-cpp/yaml.h"

namespace weft::json {
namespace {

Json PlainScalar(const std::string& value) {
  if (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL") {
    return Json();
  }
  if (value == "true" || value == "True" || value == "TRUE") return Json::Bool(true);
  if (value == "false" || value == "False" || value == "FALSE") return Json::Bool(false);
  static const LazyRE2 kInt = {"[-+]?[0-9]+"};
  static const LazyRE2 kFloat = {"[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?"};
  if (RE2::FullMatch(value, *kInt)) {
    int64_t number;
    if (absl::SimpleAtoi(value, &number)) return Json::Number(static_cast<double>(number));
  }
  if (RE2::FullMatch(value, *kFloat)) {
    double number;
    if (absl::SimpleAtod(value, &number)) return Json::Number(number);
  }
  return Json::String(value);
}

Json FromNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::Object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        out.Set(it->first.as<std::string>(""), FromNode(it->second));
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::Array();
      for (size_t i = 0; i < node.size(); ++i) out.Push(FromNode(node[i]));
      return out;
    }
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return node.Tag() == "?" ? PlainScalar(node.Scalar()) : Json::String(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return Json();
}

}  // namespace

absl::StatusOr<Json> ParseYamlDocument(absl::string_view text) {
  try {
    return FromNode(YAML::Load(std::string(text)));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("invalid YAML: ", e.what()));
  }
}

absl::StatusOr<std::vector<Json>> ParseYamlDocuments(absl::string_view text) {
  try {
    std::vector<Json> out;
    for (const YAML::Node& doc : YAML::LoadAll(std::string(text))) {
      if (doc.IsNull() || !doc.IsDefined()) continue;
      out.push_back(FromNode(doc));
    }
    return out;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("invalid YAML: ", e.what()));
  }
}

}  // namespace weft::json
