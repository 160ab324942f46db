#ifndef WEFT_TOOLS_MESHCTL_TEST_DIRECTORY_H_
#define WEFT_TOOLS_MESHCTL_TEST_DIRECTORY_H_

// Test helpers for meshctl: a fresh manifest directory under TEST_TMPDIR, running
// a command in-process with captured output, and golden files under
// tools/meshctl/testdata/ (WEFT_UPDATE_GOLDEN=1 rewrites them in the source tree:
//   bazel test //tools/meshctl/... --test_env=WEFT_UPDATE_GOLDEN=1).

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tools/meshctl/command.h"

namespace weft::meshctl::testing {

// A new empty directory; removed with everything in it on destruction.
class TestDirectory {
 public:
  TestDirectory();
  ~TestDirectory();
  TestDirectory(const TestDirectory&) = delete;
  TestDirectory& operator=(const TestDirectory&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(const std::string& relative) const { return path_ + "/" + relative; }
  void Write(const std::string& relative, const std::string& content) const;
  // Copies every file of a testdata directory (e.g. "tools/meshctl/testdata/mesh").
  void CopyFrom(const std::string& source) const;
  // relative path -> content, every regular file (dot files included).
  std::map<std::string, std::string> Snapshot() const;

 private:
  std::string path_;
};

struct CommandResult {
  int code = -1;
  std::string out;
  std::string err;
};

using Command = std::function<int(const std::vector<std::string>&, const CommandEnv&)>;
CommandResult RunCommand(const Command& command, const std::vector<std::string>& args,
                  const std::string& stdin_text = "");

std::string ReadTestdata(const std::string& relative);  // under tools/meshctl/testdata

// Compares `actual` with testdata/<name>; with WEFT_UPDATE_GOLDEN=1 rewrites it.
// Returns "" when equal (or updated), else a message with both texts.
std::string CompareGolden(const std::string& name, const std::string& actual);

}  // namespace weft::meshctl::testing

#endif  // WEFT_TOOLS_MESHCTL_TEST_DIRECTORY_H_
