#ifndef WEFT_CONTROL_PLANE_LOCAL_MANIFEST_DIRECTORY_H_
#define WEFT_CONTROL_PLANE_LOCAL_MANIFEST_DIRECTORY_H_

// Finds and reads the manifest files of a local-mode directory: every *.yaml and
// *.yml below it, recursively, in sorted order. Names starting with '.' (editor
// swap files, Kubernetes ConfigMap "..data" directories) are skipped; symlinked
// files are followed (a mounted ConfigMap is made of them), symlinked directories
// are not (no loops).
//
// Two steps, so that a watcher can poll cheaply: ScanManifestDirectory only
// stats (path, size, mtime); ReadManifestFiles reads the contents.
//
// Thread-compatible (functions of the file system only).

#include <cstdint>
#include <string>
#include <vector>

#include "proxy/config/problem_list.h"

namespace weft::control_plane::local {

struct ManifestFileStat {
  std::string path;  // relative to the directory, e.g. "routes/split.yaml"
  uint64_t size = 0;
  int64_t mtime_ns = 0;

  friend bool operator==(const ManifestFileStat& a, const ManifestFileStat& b) {
    return a.path == b.path && a.size == b.size && a.mtime_ns == b.mtime_ns;
  }
};

struct ManifestFile {
  std::string path;  // relative, as above
  std::string content;
};

struct ManifestLimits {
  size_t max_files = 10'000;
  uint64_t max_file_bytes = 4 << 20;
};

// The manifest files under `directory`, sorted by path. A directory that cannot
// be read is a problem (path "<directory>").
std::vector<ManifestFileStat> ScanManifestDirectory(const std::string& directory,
                                                    config::ProblemList& problems,
                                                    const ManifestLimits& limits = {});

// The contents of `files`; a file that cannot be read (or is too big) is a
// problem naming it and is left out.
std::vector<ManifestFile> ReadManifestFiles(const std::string& directory,
                                            const std::vector<ManifestFileStat>& files,
                                            config::ProblemList& problems,
                                            const ManifestLimits& limits = {});

}  // namespace weft::control_plane::local

#endif  // WEFT_CONTROL_PLANE_LOCAL_MANIFEST_DIRECTORY_H_
