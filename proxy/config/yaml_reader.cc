#include "proxy/config/yaml_reader.h"

#include "proxy/network/cidr.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace weft::config {
namespace {

constexpr size_t kMaxQuotedLength = 40;

absl::string_view Describe(YAML::NodeType::value type) {
  switch (type) {
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "an undefined value";
}

// Positions in yaml-cpp are 0-based and -1 when unknown.
std::pair<int, int> PositionOfNode(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return {0, 0};
  return {mark.line + 1, mark.column + 1};
}

}  // namespace

std::string QuoteForMessage(absl::string_view text) {
  int64_t number;
  if (absl::SimpleAtoi(text, &number) && text.size() <= 20) return std::string(text);
  if (text.size() > kMaxQuotedLength) {
    return absl::StrCat("\"", absl::CHexEscape(text.substr(0, kMaxQuotedLength)), "...\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(text), "\"");
}

YamlReader::YamlReader(ProblemList& problems, size_t max_values)
    : problems_(problems), max_values_(max_values) {}

void YamlReader::Problem(const YAML::Node& node, const std::string& path, std::string message) {
  const auto [line, column] = PositionOfNode(node);
  problems_.Add(path, std::move(message), line, column);
}

std::pair<int, int> YamlReader::PositionOf(absl::string_view path) const {
  while (true) {
    auto it = positions_.find(path);
    if (it != positions_.end()) return it->second;
    const size_t cut = path.find_last_of(".[");
    if (cut == absl::string_view::npos || cut == 0) return {0, 0};
    path = path.substr(0, cut);
  }
}

bool YamlReader::Visit(const YAML::Node& node, const std::string& path) {
  if (budget_exceeded_) return false;
  if (++values_ > max_values_) {
    budget_exceeded_ = true;
    Problem(node, path,
            absl::StrFormat("the document has more than %d values (aliases included); a "
                            "bootstrap file must stay small",
                            max_values_));
    return false;
  }
  positions_.emplace(path, PositionOfNode(node));
  return true;
}

bool YamlReader::Scalar(const YAML::Node& node, const std::string& path,
                        absl::string_view expected, std::string& out) {
  if (!Visit(node, path)) return false;
  if (node.Type() != YAML::NodeType::Scalar) {
    Problem(node, path, absl::StrCat("expected ", expected, ", got ", Describe(node.Type())));
    return false;
  }
  out = node.Scalar();
  return true;
}

bool YamlReader::ReadMapping(const YAML::Node& node, const std::string& path,
                             const std::vector<Field>& fields) {
  if (!Visit(node, path)) return false;
  if (node.Type() == YAML::NodeType::Null) return true;
  if (node.Type() != YAML::NodeType::Map) {
    Problem(node, path, absl::StrCat("expected a mapping (key: value), got ",
                                     Describe(node.Type())));
    return false;
  }
  absl::flat_hash_set<std::string> seen;
  for (auto it = node.begin(); it != node.end() && !budget_exceeded_; ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` returns a temporary
    if (key.Type() != YAML::NodeType::Scalar) {
      Problem(key, path, absl::StrCat("keys must be names, got ", Describe(key.Type())));
      continue;
    }
    const std::string& name = key.Scalar();
    const std::string field_path = ChildPath(path, name);
    if (!seen.insert(name).second) {
      Problem(key, field_path, "duplicate key");
      continue;
    }
    auto field = std::find_if(fields.begin(), fields.end(),
                              [&](const Field& f) { return f.key == name; });
    if (field == fields.end()) {
      Problem(key, field_path,
              absl::StrCat("unknown key ", QuoteForMessage(name), " (known keys: ",
                           absl::StrJoin(fields, ", ",
                                         [](std::string* out, const Field& f) {
                                           out->append(f.key);
                                         }),
                           ")"));
      continue;
    }
    const YAML::Node value = it->second;
    field->read(value, field_path);
  }
  return true;
}

bool YamlReader::ReadList(const YAML::Node& node, const std::string& path,
                          const ValueReader& element) {
  if (!Visit(node, path)) return false;
  if (node.Type() == YAML::NodeType::Null) return true;
  if (node.Type() != YAML::NodeType::Sequence) {
    Problem(node, path, absl::StrCat("expected a list, got ", Describe(node.Type())));
    return false;
  }
  size_t index = 0;
  for (auto it = node.begin(); it != node.end() && !budget_exceeded_; ++it, ++index) {
    const YAML::Node item = *it;
    element(item, IndexPath(path, index));
  }
  return true;
}

bool YamlReader::ReadString(const YAML::Node& node, const std::string& path, std::string& out) {
  return Scalar(node, path, "a string", out);
}

bool YamlReader::ReadBool(const YAML::Node& node, const std::string& path, bool& out) {
  std::string text;
  if (!Scalar(node, path, "true or false", text)) return false;
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
  } else if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
  } else {
    Problem(node, path, absl::StrCat(QuoteForMessage(text), " is not true or false"));
    return false;
  }
  return true;
}

bool YamlReader::ReadPort(const YAML::Node& node, const std::string& path, uint16_t& out) {
  std::string text;
  if (!Scalar(node, path, "a port (1-65535)", text)) return false;
  int64_t value;
  if (!absl::SimpleAtoi(text, &value) || value < 1 || value > 65535) {
    Problem(node, path, absl::StrCat(QuoteForMessage(text), " is not a port (1-65535)"));
    return false;
  }
  out = static_cast<uint16_t>(value);
  return true;
}

bool YamlReader::ReadCidr(const YAML::Node& node, const std::string& path, CidrRange& out) {
  std::string text;
  if (!Scalar(node, path, "a CIDR such as 10.96.0.0/16", text)) return false;
  absl::StatusOr<network::Cidr> cidr = network::Cidr::Parse(text);
  if (!cidr.ok()) {
    Problem(node, path, std::string(cidr.status().message()));
    return false;
  }
  const std::string canonical = cidr->ToString();
  out.address = canonical.substr(0, canonical.find('/'));
  out.prefix_length = static_cast<uint32_t>(cidr->prefix_length());
  return true;
}

bool YamlReader::ReadUint32(const YAML::Node& node, const std::string& path,
                            absl::string_view what, uint32_t min, uint32_t max, uint32_t& out) {
  std::string text;
  const std::string expected = absl::StrFormat("%s (%u-%u)", what, min, max);
  if (!Scalar(node, path, expected, text)) return false;
  int64_t value;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    Problem(node, path, absl::StrCat(QuoteForMessage(text), " is not ", expected));
    return false;
  }
  out = static_cast<uint32_t>(value);
  return true;
}

bool YamlReader::ReadDouble(const YAML::Node& node, const std::string& path,
                            absl::string_view what, double min, double max, double& out) {
  std::string text;
  const std::string expected = absl::StrFormat("%s (%g-%g)", what, min, max);
  if (!Scalar(node, path, expected, text)) return false;
  double value;
  // SimpleAtod accepts "nan" and "inf"; neither is in any range.
  if (!absl::SimpleAtod(text, &value) || !(value >= min && value <= max)) {
    Problem(node, path, absl::StrCat(QuoteForMessage(text), " is not ", expected));
    return false;
  }
  out = value;
  return true;
}

bool YamlReader::ReadUint64(const YAML::Node& node, const std::string& path,
                            absl::string_view what, uint64_t min, uint64_t max, uint64_t& out) {
  std::string text;
  const std::string expected = absl::StrFormat("%s (%u-%u)", what, min, max);
  if (!Scalar(node, path, expected, text)) return false;
  uint64_t value;
  if (text.empty() || text[0] == '-' || !absl::SimpleAtoi(text, &value) || value < min ||
      value > max) {
    Problem(node, path, absl::StrCat(QuoteForMessage(text), " is not ", expected));
    return false;
  }
  out = value;
  return true;
}

bool YamlReader::ReadDuration(const YAML::Node& node, const std::string& path,
                              absl::Duration& out) {
  std::string text;
  if (!Scalar(node, path, "a duration (e.g. \"250ms\", \"1s\", \"5m\")", text)) return false;
  double number;
  const bool has_digit = std::any_of(text.begin(), text.end(), absl::ascii_isdigit);
  if (has_digit && absl::SimpleAtod(text, &number) && number != 0) {
    Problem(node, path,
            absl::StrCat(QuoteForMessage(text), " needs a unit: write e.g. \"", text, "s\" or \"",
                         text, "ms\""));
    return false;
  }
  absl::Duration value;
  if (!absl::ParseDuration(text, &value)) {
    Problem(node, path,
            absl::StrCat(QuoteForMessage(text),
                         " is not a duration (e.g. \"250ms\", \"1s\", \"5m\", \"1h\")"));
    return false;
  }
  out = value;
  return true;
}

YamlReader::Field YamlReader::StringField(absl::string_view key, std::string& out) {
  return Field{std::string(key), [this, &out](const YAML::Node& node, const std::string& path) {
                 ReadString(node, path, out);
               }};
}

YamlReader::Field YamlReader::BoolField(absl::string_view key, bool& out) {
  return Field{std::string(key), [this, &out](const YAML::Node& node, const std::string& path) {
                 ReadBool(node, path, out);
               }};
}

YamlReader::Field YamlReader::PortField(absl::string_view key, uint16_t& out) {
  return Field{std::string(key), [this, &out](const YAML::Node& node, const std::string& path) {
                 ReadPort(node, path, out);
               }};
}

YamlReader::Field YamlReader::Uint32Field(absl::string_view key, absl::string_view what,
                                          uint32_t min, uint32_t max, uint32_t& out) {
  return Field{std::string(key), [this, what = std::string(what), min, max, &out](
                                     const YAML::Node& node, const std::string& path) {
                 ReadUint32(node, path, what, min, max, out);
               }};
}

YamlReader::Field YamlReader::DoubleField(absl::string_view key, absl::string_view what,
                                          double min, double max, double& out) {
  return Field{std::string(key), [this, what = std::string(what), min, max, &out](
                                     const YAML::Node& node, const std::string& path) {
                 ReadDouble(node, path, what, min, max, out);
               }};
}

YamlReader::Field YamlReader::Uint64Field(absl::string_view key, absl::string_view what,
                                          uint64_t min, uint64_t max, uint64_t& out) {
  return Field{std::string(key), [this, what = std::string(what), min, max, &out](
                                     const YAML::Node& node, const std::string& path) {
                 ReadUint64(node, path, what, min, max, out);
               }};
}

YamlReader::Field YamlReader::DurationField(absl::string_view key, absl::Duration& out) {
  return Field{std::string(key), [this, &out](const YAML::Node& node, const std::string& path) {
                 ReadDuration(node, path, out);
               }};
}

YamlReader::Field YamlReader::CidrListField(absl::string_view key,
                                            std::vector<CidrRange>& out) {
  return ListField<CidrRange>(
      key, out, [this](const YAML::Node& node, const std::string& path, CidrRange& value) {
        ReadCidr(node, path, value);
      });
}

YamlReader::Field YamlReader::StringListField(absl::string_view key,
                                              std::vector<std::string>& out) {
  return ListField<std::string>(
      key, out, [this](const YAML::Node& node, const std::string& path, std::string& value) {
        ReadString(node, path, value);
      });
}

YamlReader::Field YamlReader::PortListField(absl::string_view key, std::vector<uint16_t>& out) {
  return ListField<uint16_t>(
      key, out, [this](const YAML::Node& node, const std::string& path, uint16_t& value) {
        ReadPort(node, path, value);
      });
}

}  // namespace weft::config
