#ifndef WEFT_CERTS_ATOMIC_FILE_H_
#define WEFT_CERTS_ATOMIC_FILE_H_

// Whole-file reads and crash-safe writes for the CA's key and certificate files.
//
// WriteFileAtomically writes a temporary file in the same directory with
// exactly `mode` (umask does not widen or narrow it), fsyncs it, renames it
// over `path` and fsyncs the directory: readers see the old file or the new
// one, never a torn one, and a key file is never readable by others, not even
// for a moment. Thread-safe for distinct paths.

#include <string>

#include <sys/types.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace weft {
namespace certs {

// kInternal (or kPermissionDenied) naming the path and errno on failure.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 mode_t mode);

// The whole file; kNotFound when it does not exist, kInvalidArgument when it
// is larger than `max_bytes`, kPermissionDenied/kInternal on other errors.
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

// Creates `dir` with `mode` if it is missing (parent must exist). OK if present.
absl::Status EnsureDirectory(const std::string& dir, mode_t mode);

}  // namespace certs
}  // namespace weft

#endif  // WEFT_CERTS_ATOMIC_FILE_H_
