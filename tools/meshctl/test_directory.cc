#include "tools/meshctl/test_directory.h"

#include "common/time/real_time_source.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace weft::meshctl::testing {
namespace {

constexpr char kTestdata[] = "tools/meshctl/testdata";

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

void Walk(const std::string& root, const std::string& relative,
          const std::function<void(const std::string&, bool)>& visit) {
  const std::string dir = relative.empty() ? root : root + "/" + relative;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return;
  while (dirent* entry = ::readdir(handle)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string child = relative.empty() ? name : relative + "/" + name;
    struct stat st;
    if (::stat((root + "/" + child).c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      Walk(root, child, visit);
      visit(child, true);
    } else {
      visit(child, false);
    }
  }
  ::closedir(handle);
}

}  // namespace

TestDirectory::TestDirectory() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/meshctl-XXXXXX");
  path_ = ::mkdtemp(pattern.data());
}

TestDirectory::~TestDirectory() {
  Walk(path_, "", [this](const std::string& child, bool is_dir) {
    const std::string full = path_ + "/" + child;
    is_dir ? ::rmdir(full.c_str()) : ::unlink(full.c_str());
  });
  ::rmdir(path_.c_str());
}

void TestDirectory::Write(const std::string& relative, const std::string& content) const {
  const size_t slash = relative.find_last_of('/');
  if (slash != std::string::npos) ::mkdir(Join(relative.substr(0, slash)).c_str(), 0755);
  std::ofstream(Join(relative), std::ios::binary) << content;
}

void TestDirectory::CopyFrom(const std::string& source) const {
  Walk(source, "", [&](const std::string& child, bool is_dir) {
    if (!is_dir) Write(child, ReadFile(source + "/" + child));
  });
}

std::map<std::string, std::string> TestDirectory::Snapshot() const {
  std::map<std::string, std::string> files;
  Walk(path_, "", [&](const std::string& child, bool is_dir) {
    if (!is_dir) files[child] = ReadFile(Join(child));
  });
  return files;
}

CommandResult RunCommand(const Command& command, const std::vector<std::string>& args,
                  const std::string& stdin_text) {
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  CommandEnv env{&in, &out, &err, "/nonexistent/meshctl-test-default",
                 &RealTimeSource::Instance()};
  CommandResult result;
  result.code = command(args, env);
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::string ReadTestdata(const std::string& relative) {
  return ReadFile(absl::StrCat(kTestdata, "/", relative));
}

std::string CompareGolden(const std::string& name, const std::string& actual) {
  const std::string runfile = absl::StrCat(kTestdata, "/", name);
  const char* update = std::getenv("WEFT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    // Runfiles are symlinks into the source tree; find it through a file that
    // always exists, so that new golden files can be created too.
    char resolved[PATH_MAX];
    const std::string anchor = absl::StrCat(kTestdata, "/mesh/policy.yaml");
    if (::realpath(anchor.c_str(), resolved) == nullptr) return "cannot find the source tree";
    std::string source_dir = resolved;
    source_dir = source_dir.substr(0, source_dir.rfind("/mesh/"));
    std::ofstream(absl::StrCat(source_dir, "/", name), std::ios::binary) << actual;
    return "";
  }
  const std::string expected = ReadFile(runfile);
  if (expected == actual) return "";
  return absl::StrCat("golden ", name, " differs (rerun with --test_env=WEFT_UPDATE_GOLDEN=1 "
                      "to accept)\n--- expected\n", expected, "--- actual\n", actual);
}

}  // namespace weft::meshctl::testing
