#ifndef WEFT_PROXY_CONFIG_YAML_READER_H_
#define WEFT_PROXY_CONFIG_YAML_READER_H_

// Reads typed values out of a parsed yaml-cpp tree into config structs, reporting
// every type error (with its line and column) to a ProblemList instead of throwing
// or stopping at the first one. Strict on purpose: unknown and duplicate keys are
// errors (typo protection), booleans are only true/false, durations need a unit.
//
// Usage:
//   YamlReader reader(problems);
//   reader.ReadMapping(node, "admin", {reader.StringField("address", admin.address),
//                                      reader.PortField("port", admin.port)});
//
// A value that cannot be read leaves the target untouched (its default). Lists keep
// one element per YAML item, readable or not, so that indexes in later messages
// match the document.
//
// yaml-cpp may still throw (it does for some malformed trees); the caller catches.
// Thread-compatible; the reader must outlive the Fields it makes.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proxy/config/model.h"
#include "proxy/config/problem_list.h"
#include "yaml-cpp/yaml.h"

namespace weft::config {

class YamlReader {
 public:
  // Reads `node` (the value found at `path`) into whatever the field targets.
  using ValueReader = std::function<void(const YAML::Node& node, const std::string& path)>;
  struct Field {
    std::string key;
    ValueReader read;
  };

  // Stops reading, with one problem, after `max_values` YAML values: aliases let a
  // few kilobytes of YAML expand into millions of values.
  explicit YamlReader(ProblemList& problems, size_t max_values = 100'000);

  // Reads a mapping; null counts as an empty mapping. Reports a value that is not
  // a mapping, keys that are not strings, and duplicate and unknown keys.
  // Returns false if `node` is not a mapping.
  bool ReadMapping(const YAML::Node& node, const std::string& path,
                   const std::vector<Field>& fields);

  // Calls `element` for each item of a list; null counts as an empty list.
  // Returns false if `node` is not a list.
  bool ReadList(const YAML::Node& node, const std::string& path, const ValueReader& element);

  // Scalar readers: return false (and report) if the value cannot be read.
  bool ReadString(const YAML::Node& node, const std::string& path, std::string& out);
  bool ReadBool(const YAML::Node& node, const std::string& path, bool& out);
  bool ReadPort(const YAML::Node& node, const std::string& path, uint16_t& out);
  // `what` names the value in messages: "a weight" -> "0 is not a weight (1-10)".
  bool ReadUint32(const YAML::Node& node, const std::string& path, absl::string_view what,
                  uint32_t min, uint32_t max, uint32_t& out);
  // A decimal number in [min, max] ("12.5", "100"); `what` as for ReadUint32.
  bool ReadDouble(const YAML::Node& node, const std::string& path, absl::string_view what,
                  double min, double max, double& out);
  bool ReadUint64(const YAML::Node& node, const std::string& path, absl::string_view what,
                  uint64_t min, uint64_t max, uint64_t& out);
  // "250ms", "1s", "1.5s", "5m", "1h30m" (absl::ParseDuration) or "0"; a bare
  // number other than 0 is an error because its unit would be a guess.
  bool ReadDuration(const YAML::Node& node, const std::string& path, absl::Duration& out);
  // "10.96.0.0/16", "fd00::/8", or one address (its full length); host bits cleared.
  bool ReadCidr(const YAML::Node& node, const std::string& path, CidrRange& out);
  // One of `names` (matched exactly); `what` names the value in messages.
  template <typename Enum>
  bool ReadEnum(const YAML::Node& node, const std::string& path, absl::string_view what,
                const std::vector<std::pair<absl::string_view, Enum>>& names, Enum& out);

  // Fields for ReadMapping that store into `out`.
  Field StringField(absl::string_view key, std::string& out);
  Field BoolField(absl::string_view key, bool& out);
  Field PortField(absl::string_view key, uint16_t& out);
  Field Uint32Field(absl::string_view key, absl::string_view what, uint32_t min, uint32_t max,
                    uint32_t& out);
  Field DoubleField(absl::string_view key, absl::string_view what, double min, double max,
                    double& out);
  Field Uint64Field(absl::string_view key, absl::string_view what, uint64_t min, uint64_t max,
                    uint64_t& out);
  Field DurationField(absl::string_view key, absl::Duration& out);
  Field StringListField(absl::string_view key, std::vector<std::string>& out);
  Field PortListField(absl::string_view key, std::vector<uint16_t>& out);
  Field CidrListField(absl::string_view key, std::vector<CidrRange>& out);
  template <typename Enum>
  Field EnumField(absl::string_view key, absl::string_view what,
                  std::vector<std::pair<absl::string_view, Enum>> names, Enum& out);
  // A list of structs: appends one default T per item and lets `read` fill it.
  template <typename T>
  Field ListField(absl::string_view key, std::vector<T>& out,
                  std::function<void(const YAML::Node&, const std::string&, T&)> read);

  // Reports a problem at `node`'s position.
  void Problem(const YAML::Node& node, const std::string& path, std::string message);

  // The position of `path`, or of its closest ancestor the reader visited, as
  // 1-based {line, column}; {0, 0} when unknown.
  std::pair<int, int> PositionOf(absl::string_view path) const;

  bool budget_exceeded() const { return budget_exceeded_; }

 private:
  // Counts a visited value and remembers its position; false once over budget.
  bool Visit(const YAML::Node& node, const std::string& path);
  // The scalar text of `node`, or false after reporting why it is not a scalar.
  bool Scalar(const YAML::Node& node, const std::string& path, absl::string_view expected,
              std::string& out);

  ProblemList& problems_;
  const size_t max_values_;
  size_t values_ = 0;
  bool budget_exceeded_ = false;
  absl::flat_hash_map<std::string, std::pair<int, int>> positions_;
};

// A scalar for messages: numbers as they are, anything else quoted, escaped and
// shortened.
std::string QuoteForMessage(absl::string_view text);

template <typename Enum>
bool YamlReader::ReadEnum(const YAML::Node& node, const std::string& path,
                          absl::string_view what,
                          const std::vector<std::pair<absl::string_view, Enum>>& names,
                          Enum& out) {
  std::string text;
  if (!Scalar(node, path, what, text)) return false;
  std::string choices;
  for (const auto& [name, value] : names) {
    if (name == text) {
      out = value;
      return true;
    }
    if (!choices.empty()) choices += ", ";
    choices.append(name.data(), name.size());
  }
  Problem(node, path,
          QuoteForMessage(text) + " is not " + std::string(what) + " (" + choices + ")");
  return false;
}

template <typename Enum>
YamlReader::Field YamlReader::EnumField(absl::string_view key, absl::string_view what,
                                        std::vector<std::pair<absl::string_view, Enum>> names,
                                        Enum& out) {
  return Field{std::string(key),
               [this, what, names = std::move(names), &out](const YAML::Node& node,
                                                             const std::string& path) {
                 ReadEnum(node, path, what, names, out);
               }};
}

template <typename T>
YamlReader::Field YamlReader::ListField(
    absl::string_view key, std::vector<T>& out,
    std::function<void(const YAML::Node&, const std::string&, T&)> read) {
  return Field{std::string(key), [this, &out, read = std::move(read)](
                                     const YAML::Node& node, const std::string& path) {
                 ReadList(node, path, [&](const YAML::Node& item, const std::string& item_path) {
                   out.emplace_back();
                   read(item, item_path, out.back());
                 });
               }};
}

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_YAML_READER_H_
