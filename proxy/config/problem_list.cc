#include "proxy/config/problem_list.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace weft::config {

std::string ConfigProblem::ToString() const {
  std::string out = path.empty() ? message : absl::StrCat(path, ": ", message);
  if (line > 0) {
    absl::StrAppend(&out, " (line ", line);
    if (column > 0) absl::StrAppend(&out, ", column ", column);
    out += ")";
  }
  return out;
}

void ProblemList::Add(std::string path, std::string message, int line, int column) {
  problems_.push_back(ConfigProblem{std::move(path), std::move(message), line, column});
}

void ProblemList::Add(ConfigProblem problem) { problems_.push_back(std::move(problem)); }

void ProblemList::SortByPosition() {
  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) {
                     if ((a.line > 0) != (b.line > 0)) return a.line > 0;
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
}

absl::Status ProblemList::ToStatus(absl::string_view header, size_t max_listed) const {
  if (problems_.empty()) return absl::OkStatus();
  std::string message =
      absl::StrCat(header, " (", problems_.size(),
                   problems_.size() == 1 ? " problem):" : " problems):");
  for (size_t i = 0; i < problems_.size() && i < max_listed; ++i) {
    absl::StrAppend(&message, "\n", problems_[i].ToString());
  }
  if (problems_.size() > max_listed) {
    absl::StrAppend(&message, "\n... and ", problems_.size() - max_listed, " more");
  }
  return absl::InvalidArgumentError(message);
}

std::string ChildPath(absl::string_view parent, absl::string_view key) {
  if (parent.empty()) return std::string(key);
  return absl::StrCat(parent, ".", key);
}

std::string IndexPath(absl::string_view parent, size_t index) {
  return absl::StrCat(parent, "[", index, "]");
}

}  // namespace weft::config
