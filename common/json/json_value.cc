#include "common/json/json_value.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace weft::json {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<Json> ParseDocument() {
    Json v;
    if (!Value(&v, 0)) return Error();
    SkipSpace();
    if (pos_ != text_.size()) {
      error_ = "trailing characters";
      return Error();
    }
    return v;
  }

 private:
  absl::Status Error() const {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON at byte ", pos_, ": ", error_.empty() ? "syntax" : error_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Literal(absl::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Value(Json* out, int depth) {
    if (depth > kMaxDepth) {
      error_ = "nested too deeply";
      return false;
    }
    SkipSpace();
    if (pos_ >= text_.size()) {
      error_ = "unexpected end";
      return false;
    }
    const char c = text_[pos_];
    if (c == '{') return ObjectValue(out, depth);
    if (c == '[') return ArrayValue(out, depth);
    if (c == '"') {
      std::string s;
      if (!StringValue(&s)) return false;
      *out = Json::String(std::move(s));
      return true;
    }
    if (Literal("true")) {
      *out = Json::Bool(true);
      return true;
    }
    if (Literal("false")) {
      *out = Json::Bool(false);
      return true;
    }
    if (Literal("null")) {
      *out = Json();
      return true;
    }
    return NumberValue(out);
  }
  bool NumberValue(Json* out) {
    const size_t start = pos_;
    while (pos_ < text_.size() && std::string_view("+-0123456789.eE").find(text_[pos_]) !=
                                      std::string_view::npos) {
      ++pos_;
    }
    if (start == pos_) {
      error_ = "unexpected character";
      return false;
    }
    const std::string number(text_.substr(start, pos_ - start));
    char* end = nullptr;
    const double d = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) {
      pos_ = start;
      error_ = "bad number";
      return false;
    }
    *out = Json::Number(d);
    return true;
  }
  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  bool StringValue(std::string* out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'u': {
          if (pos_ + 4 > text_.size()) break;
          const std::string hex(text_.substr(pos_, 4));
          pos_ += 4;
          AppendUtf8(out, static_cast<uint32_t>(std::strtoul(hex.c_str(), nullptr, 16)));
          break;
        }
        default: out->push_back(e);
      }
    }
    error_ = "unterminated string";
    return false;
  }
  bool ArrayValue(Json* out, int depth) {
    ++pos_;
    *out = Json::Array();
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      Json item;
      if (!Value(&item, depth + 1)) return false;
      out->Push(std::move(item));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return true;
      }
      error_ = "expected ',' or ']'";
      return false;
    }
  }
  bool ObjectValue(Json* out, int depth) {
    ++pos_;
    *out = Json::Object();
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      std::string key;
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        error_ = "expected a key";
        return false;
      }
      if (!StringValue(&key)) return false;
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        error_ = "expected ':'";
        return false;
      }
      ++pos_;
      Json value;
      if (!Value(&value, depth + 1)) return false;
      out->Set(std::move(key), std::move(value));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return true;
      }
      error_ = "expected ',' or '}'";
      return false;
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

const Json& NullJson() {
  static const Json* const null = new Json();
  return *null;
}

bool YamlNeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  static const char* const kReserved[] = {"true", "false", "null", "yes", "no", "on", "off", "~"};
  for (const char* r : kReserved) {
    if (s == r) return true;
  }
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size()) return true;  // looks like a number
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(s[0]) != std::string_view::npos) return true;
  return s.find(": ") != std::string::npos || s.find(" #") != std::string::npos ||
         s.back() == ' ' || s.back() == ':' || s.find('\n') != std::string::npos;
}

}  // namespace

Json Json::Bool(bool b) {
  Json j;
  j.type_ = Type::kBool;
  j.bool_ = b;
  return j;
}
Json Json::Number(double d) {
  Json j;
  j.type_ = Type::kNumber;
  j.number_ = d;
  return j;
}
Json Json::String(std::string s) {
  Json j;
  j.type_ = Type::kString;
  j.string_ = std::move(s);
  return j;
}
Json Json::Array() {
  Json j;
  j.type_ = Type::kArray;
  return j;
}
Json Json::Object() {
  Json j;
  j.type_ = Type::kObject;
  return j;
}

absl::StatusOr<Json> Json::Parse(absl::string_view text) { return Parser(text).ParseDocument(); }

const Json& Json::operator[](absl::string_view key) const {
  for (const auto& [k, v] : fields_) {
    if (k == key) return v;
  }
  return NullJson();
}

std::string Json::Text(absl::string_view key) const {
  const Json& v = (*this)[key];
  switch (v.type()) {
    case Type::kString: return v.as_string();
    case Type::kNumber: return FormatNumber(v.as_number());
    case Type::kBool: return v.as_bool() ? "true" : "false";
    default: return "";
  }
}

bool Json::Has(absl::string_view key) const {
  for (const auto& field : fields_) {
    if (field.first == key) return true;
  }
  return false;
}

Json* Json::Find(absl::string_view key) {
  for (auto& field : fields_) {
    if (field.first == key) return &field.second;
  }
  return nullptr;
}

bool Json::Erase(absl::string_view key) {
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    if (it->first == key) {
      fields_.erase(it);
      return true;
    }
  }
  return false;
}

bool Json::operator==(const Json& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kNull: return true;
    case Type::kBool: return bool_ == other.bool_;
    case Type::kNumber: return number_ == other.number_;
    case Type::kString: return string_ == other.string_;
    case Type::kArray: return items_ == other.items_;
    case Type::kObject: return fields_ == other.fields_;
  }
  return false;
}

void Json::Set(std::string key, Json v) {
  for (auto& [k, existing] : fields_) {
    if (k == key) {
      existing = std::move(v);
      return;
    }
  }
  fields_.emplace_back(std::move(key), std::move(v));
}

std::string QuoteJson(absl::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  out += "\"";
  return out;
}

std::string FormatNumber(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(d));
  }
  if (!std::isfinite(d)) return "null";
  return absl::StrFormat("%.6g", d);
}

void Json::DumpTo(std::string* out, int indent) const {
  const std::string pad(indent + 2, ' ');
  switch (type_) {
    case Type::kNull: *out += "null"; return;
    case Type::kBool: *out += bool_ ? "true" : "false"; return;
    case Type::kNumber: *out += FormatNumber(number_); return;
    case Type::kString: *out += QuoteJson(string_); return;
    case Type::kArray:
      if (items_.empty()) {
        *out += "[]";
        return;
      }
      *out += "[\n";
      for (size_t i = 0; i < items_.size(); ++i) {
        *out += pad;
        items_[i].DumpTo(out, indent + 2);
        *out += i + 1 < items_.size() ? ",\n" : "\n";
      }
      *out += std::string(indent, ' ') + "]";
      return;
    case Type::kObject:
      if (fields_.empty()) {
        *out += "{}";
        return;
      }
      *out += "{\n";
      for (size_t i = 0; i < fields_.size(); ++i) {
        *out += pad + QuoteJson(fields_[i].first) + ": ";
        fields_[i].second.DumpTo(out, indent + 2);
        *out += i + 1 < fields_.size() ? ",\n" : "\n";
      }
      *out += std::string(indent, ' ') + "}";
      return;
  }
}

std::string Json::Dump() const {
  std::string out;
  DumpTo(&out, 0);
  out += "\n";
  return out;
}

std::string Json::DumpIndented(int indent) const {
  std::string out;
  DumpTo(&out, indent);
  return out;
}

void Json::CompactTo(std::string* out) const {
  switch (type_) {
    case Type::kArray:
      *out += "[";
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i > 0) *out += ",";
        items_[i].CompactTo(out);
      }
      *out += "]";
      return;
    case Type::kObject:
      *out += "{";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0) *out += ",";
        *out += QuoteJson(fields_[i].first) + ":";
        fields_[i].second.CompactTo(out);
      }
      *out += "}";
      return;
    default:
      DumpTo(out, 0);  // scalars print the same either way
      return;
  }
}

std::string Json::DumpCompact() const {
  std::string out;
  CompactTo(&out);
  return out;
}

void Json::YamlTo(std::string* out, int indent, bool in_list) const {
  const std::string pad(indent, ' ');
  switch (type_) {
    case Type::kNull: *out += "null\n"; return;
    case Type::kBool: *out += bool_ ? "true\n" : "false\n"; return;
    case Type::kNumber: *out += FormatNumber(number_) + "\n"; return;
    case Type::kString:
      *out += (YamlNeedsQuotes(string_) ? QuoteJson(string_) : string_) + "\n";
      return;
    case Type::kArray:
      if (items_.empty()) {
        *out += "[]\n";
        return;
      }
      if (!in_list) *out += "\n";
      for (size_t i = 0; i < items_.size(); ++i) {
        if (!(in_list && i == 0)) *out += pad;
        *out += "- ";
        items_[i].YamlTo(out, indent + 2, true);
      }
      return;
    case Type::kObject:
      if (fields_.empty()) {
        *out += "{}\n";
        return;
      }
      if (!in_list) *out += "\n";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!(in_list && i == 0)) *out += pad;
        *out += (YamlNeedsQuotes(fields_[i].first) ? QuoteJson(fields_[i].first)
                                                   : fields_[i].first) +
                ":";
        const Json& v = fields_[i].second;
        const bool nested = (v.type_ == Type::kArray && !v.items_.empty()) ||
                            (v.type_ == Type::kObject && !v.fields_.empty());
        if (!nested) *out += " ";
        v.YamlTo(out, indent + 2, false);
      }
      return;
  }
}

std::string Json::DumpYaml() const {
  std::string out;
  if ((type_ == Type::kObject && !fields_.empty()) || (type_ == Type::kArray && !items_.empty())) {
    YamlTo(&out, 0, true);
  } else {
    YamlTo(&out, 0, false);
  }
  return out;
}

}  // namespace weft::json
