#ifndef WEFT_CONTROL_PLANE_CORE_STABLE_HASH_H_
#define WEFT_CONTROL_PLANE_CORE_STABLE_HASH_H_

// FNV-1a, 64 bit: the same value in every process and on every platform, unlike
// absl::Hash (seeded per process). For anything persisted or compared across
// restarts: VIPs, resource versions.

#include <cstdint>

#include "absl/strings/string_view.h"

namespace weft::control_plane {

inline uint64_t StableHash(absl::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_STABLE_HASH_H_
