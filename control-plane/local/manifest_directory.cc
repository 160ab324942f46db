#include "control-plane/local/manifest_directory.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace weft::control_plane::local {
namespace fs = std::filesystem;

namespace {

bool IsManifestName(const std::string& name) {
  return absl::EndsWith(name, ".yaml") || absl::EndsWith(name, ".yml");
}

}  // namespace

std::vector<ManifestFileStat> ScanManifestDirectory(const std::string& directory,
                                                    config::ProblemList& problems,
                                                    const ManifestLimits& limits) {
  std::vector<ManifestFileStat> out;
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    problems.Add(directory,
                 error ? absl::StrCat("cannot read the manifest directory: ", error.message())
                       : "is not a directory (or does not exist)");
    return out;
  }
  fs::recursive_directory_iterator it(directory, fs::directory_options::none, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(error)) it.disable_recursion_pending();
      continue;
    }
    std::error_code stat_error;
    if (!IsManifestName(name) || !fs::is_regular_file(path, stat_error)) continue;
    ManifestFileStat stat;
    stat.path = path.lexically_relative(directory).generic_string();
    stat.size = fs::file_size(path, stat_error);
    const auto mtime = fs::last_write_time(path, stat_error);
    if (stat_error) continue;  // vanished while scanning: the next scan settles it
    stat.mtime_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
    out.push_back(std::move(stat));
    if (out.size() > limits.max_files) {
      problems.Add(directory, absl::StrCat("more than ", limits.max_files, " manifest files"));
      return {};
    }
  }
  if (error) {
    problems.Add(directory, absl::StrCat("cannot read the manifest directory: ", error.message()));
  }
  std::sort(out.begin(), out.end(),
            [](const ManifestFileStat& a, const ManifestFileStat& b) { return a.path < b.path; });
  return out;
}

std::vector<ManifestFile> ReadManifestFiles(const std::string& directory,
                                            const std::vector<ManifestFileStat>& files,
                                            config::ProblemList& problems,
                                            const ManifestLimits& limits) {
  std::vector<ManifestFile> out;
  for (const ManifestFileStat& stat : files) {
    if (stat.size > limits.max_file_bytes) {
      problems.Add(stat.path, absl::StrCat("larger than ", limits.max_file_bytes,
                                           " bytes; split it into several files"));
      continue;
    }
    std::ifstream in(fs::path(directory) / stat.path, std::ios::binary);
    if (!in) {
      problems.Add(stat.path, "cannot open the file");
      continue;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string content = std::move(buffer).str();
    if (content.size() > limits.max_file_bytes) {
      problems.Add(stat.path, absl::StrCat("larger than ", limits.max_file_bytes,
                                           " bytes; split it into several files"));
      continue;
    }
    out.push_back(ManifestFile{stat.path, std::move(content)});
  }
  return out;
}

}  // namespace weft::control_plane::local
