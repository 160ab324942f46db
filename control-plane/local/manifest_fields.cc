#include "control-plane/local/manifest_fields.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "proxy/config/problem_list.h"

namespace weft::control_plane::local {

YamlReader::Field IgnoredField(absl::string_view key) {
  return YamlReader::Field{std::string(key), [](const YAML::Node&, const std::string&) {}};
}

bool ReadInt32(YamlReader& reader, const YAML::Node& node, const std::string& path, int32_t& out) {
  if (node.Type() != YAML::NodeType::Scalar) {
    reader.Problem(node, path, "expected a number");
    return false;
  }
  int64_t value;
  if (!absl::SimpleAtoi(node.Scalar(), &value) || value < INT32_MIN || value > INT32_MAX) {
    reader.Problem(node, path,
                   absl::StrCat(config::QuoteForMessage(node.Scalar()), " is not a whole number"));
    return false;
  }
  out = static_cast<int32_t>(value);
  return true;
}

YamlReader::Field Int32Field(YamlReader& reader, absl::string_view key, int32_t& out) {
  return YamlReader::Field{std::string(key),
                           [&reader, &out](const YAML::Node& node, const std::string& path) {
                             ReadInt32(reader, node, path, out);
                           }};
}

YamlReader::Field OptionalInt32Field(YamlReader& reader, absl::string_view key,
                                     std::optional<int32_t>& out) {
  return YamlReader::Field{std::string(key),
                           [&reader, &out](const YAML::Node& node, const std::string& path) {
                             int32_t value;
                             if (ReadInt32(reader, node, path, value)) out = value;
                           }};
}

bool ReadInt64(YamlReader& reader, const YAML::Node& node, const std::string& path, int64_t& out) {
  if (node.Type() != YAML::NodeType::Scalar) {
    reader.Problem(node, path, "expected a number");
    return false;
  }
  int64_t value;
  if (!absl::SimpleAtoi(node.Scalar(), &value)) {
    reader.Problem(node, path,
                   absl::StrCat(config::QuoteForMessage(node.Scalar()), " is not a whole number"));
    return false;
  }
  out = value;
  return true;
}

YamlReader::Field Int64Field(YamlReader& reader, absl::string_view key, int64_t& out) {
  return YamlReader::Field{std::string(key),
                           [&reader, &out](const YAML::Node& node, const std::string& path) {
                             ReadInt64(reader, node, path, out);
                           }};
}

YamlReader::Field OptionalInt64Field(YamlReader& reader, absl::string_view key,
                                     std::optional<int64_t>& out) {
  return YamlReader::Field{std::string(key),
                           [&reader, &out](const YAML::Node& node, const std::string& path) {
                             int64_t value;
                             if (ReadInt64(reader, node, path, value)) out = value;
                           }};
}

YamlReader::Field OptionalDurationField(YamlReader& reader, absl::string_view key,
                                        std::optional<absl::Duration>& out) {
  return YamlReader::Field{std::string(key),
                           [&reader, &out](const YAML::Node& node, const std::string& path) {
                             absl::Duration value;
                             if (reader.ReadDuration(node, path, value)) out = value;
                           }};
}

YamlReader::Field IntOrStringField(YamlReader& reader, absl::string_view key, int32_t& number,
                                   std::string& name) {
  return YamlReader::Field{
      std::string(key), [&reader, &number, &name](const YAML::Node& node, const std::string& path) {
        int64_t value;
        if (node.Type() == YAML::NodeType::Scalar && !absl::SimpleAtoi(node.Scalar(), &value)) {
          reader.ReadString(node, path, name);
        } else {
          ReadInt32(reader, node, path, number);
        }
      }};
}

YamlReader::Field LabelsField(YamlReader& reader, absl::string_view key, Labels& out) {
  return YamlReader::Field{std::string(key),
                           [&reader, &out](const YAML::Node& node, const std::string& path) {
                             if (node.Type() == YAML::NodeType::Null) return;
                             if (node.Type() != YAML::NodeType::Map) {
                               reader.Problem(node, path, "expected a mapping of names to values");
                               return;
                             }
                             for (auto it = node.begin(); it != node.end(); ++it) {
                               const YAML::Node name = it->first;
                               if (name.Type() != YAML::NodeType::Scalar) {
                                 reader.Problem(name, path, "keys must be names");
                                 continue;
                               }
                               const std::string item_path = config::ChildPath(path, name.Scalar());
                               if (out.count(name.Scalar()) > 0) {
                                 reader.Problem(name, item_path, "duplicate key");
                                 continue;
                               }
                               std::string value;
                               if (reader.ReadString(it->second, item_path, value))
                                 out[name.Scalar()] = value;
                             }
                           }};
}

}  // namespace weft::control_plane::local
