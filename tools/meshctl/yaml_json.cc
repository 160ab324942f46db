#include "tools/meshctl/yaml_json.h"

#include <exception>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "re2/re2.h"
#include "yaml-cpp/yaml.h"

namespace weft::meshctl {
namespace {

std::string PlainScalarToJson(const std::string& value) {
  if (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL") {
    return "null";
  }
  if (value == "true" || value == "True" || value == "TRUE") return "true";
  if (value == "false" || value == "False" || value == "FALSE") return "false";
  static const LazyRE2 kInt = {"[-+]?[0-9]+"};
  static const LazyRE2 kFloat = {"[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?"};
  if (RE2::FullMatch(value, *kInt)) {
    int64_t number;
    if (absl::SimpleAtoi(value, &number)) return absl::StrCat(number);
  }
  if (RE2::FullMatch(value, *kFloat)) {
    double number;
    if (absl::SimpleAtod(value, &number)) return absl::StrCat(number);
  }
  return JsonQuote(value);
}

void Append(const YAML::Node& node, int indent, std::string& out) {
  const std::string pad(indent + 2, ' ');
  const std::string close_pad(indent, ' ');
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      if (node.size() == 0) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        absl::StrAppend(&out, pad, JsonQuote(it->first.as<std::string>("")), ": ");
        Append(it->second, indent + 2, out);
      }
      absl::StrAppend(&out, "\n", close_pad, "}");
      return;
    }
    case YAML::NodeType::Sequence: {
      if (node.size() == 0) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (size_t i = 0; i < node.size(); ++i) {
        if (i > 0) out += ",\n";
        out += pad;
        Append(node[i], indent + 2, out);
      }
      absl::StrAppend(&out, "\n", close_pad, "]");
      return;
    }
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      out += node.Tag() == "?" ? PlainScalarToJson(node.Scalar()) : JsonQuote(node.Scalar());
      return;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out += "null";
      return;
  }
}

}  // namespace

std::string JsonQuote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

absl::StatusOr<std::string> YamlDocumentToJson(const std::string& yaml, int indent) {
  try {
    std::string out;
    Append(YAML::Load(yaml), indent, out);
    return out;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("cannot convert to JSON: ", e.what()));
  }
}

}  // namespace weft::meshctl
