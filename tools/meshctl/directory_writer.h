#ifndef WEFT_TOOLS_MESHCTL_DIRECTORY_WRITER_H_
#define WEFT_TOOLS_MESHCTL_DIRECTORY_WRITER_H_

// Changes files in the manifest directory the control plane watches, so that it
// never reads a half-written file: content goes to a temporary file whose name
// starts with '.' (the control plane skips those), is flushed, and is renamed over
// the target in one step.
//
// Thread-compatible (file system only).

#include <string>

#include "absl/status/status.h"

namespace weft::meshctl {

// Creates `directory` (and parents) if needed, then writes `relative_path` in it
// atomically. kInternal naming the path and errno text on failure.
absl::Status WriteFileAtomically(const std::string& directory, const std::string& relative_path,
                                 const std::string& content);

// Removes `relative_path` from `directory`.
absl::Status RemoveFile(const std::string& directory, const std::string& relative_path);

// The current content of `relative_path`, or kNotFound.
absl::Status ReadFileIfExists(const std::string& directory, const std::string& relative_path,
                              std::string& content);

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_DIRECTORY_WRITER_H_
