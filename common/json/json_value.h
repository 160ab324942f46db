#ifndef WEFT_COMMON_JSON_JSON_VALUE_H_
#define WEFT_COMMON_JSON_JSON_VALUE_H_

// A small JSON document model: what meshctl reads from proxies and the control
// plane (/config_dump, /debug/proxies) and writes for `-o json|yaml`, and the pods
// and AdmissionReviews the sidecar injector reads and patches. Object keys keep
// their order of appearance, so re-rendered output follows the source.
//
//   absl::StatusOr<Json> dump = Json::Parse(body);
//   for (const Json& l : (*dump)["listeners"].items()) ...
//   std::cout << dump->Dump();       // pretty JSON
//   std::cout << dump->DumpYaml();   // block YAML
//
// Thread-compatible value type.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft::json {

class Json {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Json() = default;
  static Json Bool(bool b);
  static Json Number(double d);
  static Json String(std::string s);
  static Json Array();
  static Json Object();

  // kInvalidArgument with the byte offset of the first error. Depth <= 64.
  static absl::StatusOr<Json> Parse(absl::string_view text);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  const std::string& as_string() const { return string_; }
  const std::vector<Json>& items() const { return items_; }
  const std::vector<std::pair<std::string, Json>>& fields() const { return fields_; }

  // Member lookup; a null value when absent or not an object.
  const Json& operator[](absl::string_view key) const;
  bool Has(absl::string_view key) const;
  // Mutable member lookup; nullptr when absent or not an object.
  Json* Find(absl::string_view key);
  // Removes a member; false when absent.
  bool Erase(absl::string_view key);
  std::vector<Json>& mutable_items() { return items_; }
  // A string member, or the number/bool member as text, or "".
  std::string Text(absl::string_view key) const;

  void Push(Json v) { items_.push_back(std::move(v)); }
  void Set(std::string key, Json v);

  // Pretty JSON (2 spaces), with a trailing newline at the top level.
  std::string Dump() const;
  // Pretty JSON whose opening line is indented by `indent`; no trailing newline.
  std::string DumpIndented(int indent) const;
  // One line, no spaces (what goes on the wire, e.g. a JSONPatch).
  std::string DumpCompact() const;

  // Same type and value, objects compared field by field in order.
  bool operator==(const Json& other) const;
  bool operator!=(const Json& other) const { return !(*this == other); }
  // Block-style YAML with a trailing newline.
  std::string DumpYaml() const;

 private:
  void DumpTo(std::string* out, int indent) const;
  void CompactTo(std::string* out) const;
  void YamlTo(std::string* out, int indent, bool in_list) const;

  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> fields_;
};

// A JSON string literal, quotes included.
std::string QuoteJson(absl::string_view s);
// A number as JSON prints it: integers without a fraction, else shortest %g.
std::string FormatNumber(double d);

}  // namespace weft::json

#endif  // WEFT_COMMON_JSON_JSON_VALUE_H_
