#include "proxy/config/env_expansion.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::config {
namespace {

bool IsVariableName(absl::string_view name) {
  if (name.empty() || absl::ascii_isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::string> ExpandEnvironment(absl::string_view text, const EnvLookup& lookup) {
  std::string out;
  std::vector<std::string> problems;
  size_t i = 0;
  while (i < text.size()) {
    const size_t dollar = text.find('$', i);
    if (dollar == absl::string_view::npos || dollar + 1 == text.size()) {
      absl::StrAppend(&out, text.substr(i));
      break;
    }
    absl::StrAppend(&out, text.substr(i, dollar - i));
    const char next = text[dollar + 1];
    if (next == '$') {
      out.push_back('$');
      i = dollar + 2;
      continue;
    }
    if (next != '{') {
      out.push_back('$');
      i = dollar + 1;
      continue;
    }
    const size_t close = text.find('}', dollar + 2);
    if (close == absl::string_view::npos) {
      problems.push_back(absl::StrCat("\"", text.substr(dollar), "\" has no closing '}'"));
      break;
    }
    const absl::string_view name = text.substr(dollar + 2, close - dollar - 2);
    i = close + 1;
    if (!IsVariableName(name)) {
      problems.push_back(absl::StrCat("${", name, "} is not a variable name (letters, digits, _)"));
      continue;
    }
    std::optional<std::string> value = lookup(name);
    if (!value.has_value()) {
      problems.push_back(absl::StrCat("${", name, "}: ", name, " is not set in the environment"));
      continue;
    }
    absl::StrAppend(&out, *value);
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return out;
}

std::optional<std::string> LookupProcessEnvironment(absl::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace weft::config
