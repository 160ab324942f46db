#include "common/log/log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace weft::log {

std::atomic<int> g_level{kInfo};

void SetLevel(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level GetLevel() { return static_cast<Level>(g_level.load(std::memory_order_relaxed)); }

bool ParseLevel(absl::string_view name, Level* level) {
  if (name == "debug") {
    *level = kDebug;
  } else if (name == "info") {
    *level = kInfo;
  } else if (name == "warning" || name == "warn") {
    *level = kWarning;
  } else if (name == "error") {
    *level = kError;
  } else if (name == "off") {
    *level = kOff;
  } else {
    return false;
  }
  return true;
}

absl::string_view LevelName(Level level) {
  switch (level) {
    case kDebug: return "debug";
    case kInfo: return "info";
    case kWarning: return "warning";
    case kError: return "error";
    case kOff: return "off";
  }
  return "unknown";
}

void Write(Level level, const std::string& message) {
  // One write(2) per line keeps lines from different threads whole.
  std::string line = absl::StrCat("[", LevelName(level), "] ", message, "\n");
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace weft::log
