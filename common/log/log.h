#ifndef WEFT_COMMON_LOG_LOG_H_
#define WEFT_COMMON_LOG_LOG_H_

// A small leveled logger writing one line per message to stderr. The level can be
// changed at run time (the admin /logging endpoint) and is read with one relaxed
// atomic load, so disabled levels cost almost nothing on the data path.
//
//   WEFT_LOG(kWarning, "upstream %s refused: %s", address, reason);
//
// Thread-safe.

#include <atomic>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace weft::log {

enum Level : int { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

extern std::atomic<int> g_level;

inline bool Enabled(Level level) {
  return level >= g_level.load(std::memory_order_relaxed);
}
void SetLevel(Level level);
Level GetLevel();
// Accepts "debug", "info", "warning"/"warn", "error", "off".
bool ParseLevel(absl::string_view name, Level* level);
absl::string_view LevelName(Level level);

void Write(Level level, const std::string& message);

}  // namespace weft::log

#define WEFT_LOG(level, ...)                                               \
  do {                                                                     \
    if (::weft::log::Enabled(::weft::log::level)) {                        \
      ::weft::log::Write(::weft::log::level, absl::StrFormat(__VA_ARGS__)); \
    }                                                                      \
  } while (0)

#endif  // WEFT_COMMON_LOG_LOG_H_
