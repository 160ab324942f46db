#ifndef WEFT_PROXY_CONFIG_PROBLEM_LIST_H_
#define WEFT_PROXY_CONFIG_PROBLEM_LIST_H_

// Collects everything wrong with a configuration so that it can be validated as a
// whole and every problem reported at once, instead of making the operator fix one
// error per restart.
//
// Each problem names the field it is about with a path such as
// "listeners[1].port"; a loader that knows where a field came from (a YAML line)
// attaches the position.
//
// Usage:
//   ProblemList problems;
//   problems.Add("clusters[0].name", "must not be empty");
//   return problems.ToStatus("invalid proxy config");
//
// Thread-compatible value type.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace weft::config {

struct ConfigProblem {
  std::string path;     // e.g. "listeners[1].port"; empty for the whole document
  std::string message;  // e.g. "70000 is not a port (1-65535)"
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown

  // "listeners[1].port: 70000 is not a port (1-65535) (line 8, column 11)".
  std::string ToString() const;
};

class ProblemList {
 public:
  void Add(std::string path, std::string message, int line = 0, int column = 0);
  void Add(ConfigProblem problem);

  bool empty() const { return problems_.empty(); }
  size_t size() const { return problems_.size(); }
  const std::vector<ConfigProblem>& problems() const { return problems_; }
  std::vector<ConfigProblem>& mutable_problems() { return problems_; }

  // Orders problems by position in the source; problems without a position keep
  // their relative order and go last.
  void SortByPosition();

  // OK when empty; otherwise kInvalidArgument whose message is
  // "<header> (N problems):" followed by one problem per line, at most
  // `max_listed` of them and then a line saying how many were left out.
  absl::Status ToStatus(absl::string_view header, size_t max_listed = 100) const;

 private:
  std::vector<ConfigProblem> problems_;
};

// Field path helpers: ChildPath("listeners[0]", "port") == "listeners[0].port",
// ChildPath("", "admin") == "admin", IndexPath("listeners", 2) == "listeners[2]".
std::string ChildPath(absl::string_view parent, absl::string_view key);
std::string IndexPath(absl::string_view parent, size_t index);

}  // namespace weft::config

#endif  // WEFT_PROXY_CONFIG_PROBLEM_LIST_H_
