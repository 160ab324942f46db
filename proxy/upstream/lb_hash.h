#ifndef WEFT_PROXY_UPSTREAM_LB_HASH_H_
#define WEFT_PROXY_UPSTREAM_LB_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace weft::upstream {

// A fixed 64-bit hash for consistent hashing: FNV-1a followed by a
// SplitMix64 finalizer (FNV alone mixes the high bits poorly). Unlike
// absl::Hash it is not seeded per process, so every proxy maps a key to the
// same endpoint. Not for hash tables exposed to attackers, nor for security.
//
//   LbContext ctx{.hash_key = HashKey(request.header("x-user"))};
uint64_t HashKey(absl::string_view data);

// Mixes a 64-bit value (SplitMix64's finalizer): a bijection, so distinct
// inputs stay distinct.
uint64_t Mix64(uint64_t x);

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_LB_HASH_H_
