#include "control-plane/core/vip_allocator.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::control_plane {
namespace {

constexpr uint32_t kSlots = 65536;
constexpr uint32_t kUsableSlots = kSlots - 2;  // not .0.0 and not .255.255

// The slot of a dotted IPv4 address inside 10.96.0.0/16, or -1.
int SlotOf(const std::string& address) {
  std::vector<absl::string_view> parts = absl::StrSplit(address, '.');
  if (parts.size() != 4 || parts[0] != "10" || parts[1] != "96") return -1;
  int hi, lo;
  if (!absl::SimpleAtoi(parts[2], &hi) || !absl::SimpleAtoi(parts[3], &lo)) return -1;
  if (hi < 0 || hi > 255 || lo < 0 || lo > 255) return -1;
  return hi * 256 + lo;
}

}  // namespace

absl::StatusOr<std::map<ObjectKey, std::string>> AllocateVips(
    std::vector<ObjectKey> names, const std::vector<std::string>& reserved) {
  std::vector<bool> taken(kSlots, false);
  taken[0] = taken[kSlots - 1] = true;
  uint32_t free = kUsableSlots;
  for (const std::string& address : reserved) {
    const int slot = SlotOf(address);
    if (slot > 0 && slot < static_cast<int>(kSlots - 1) && !taken[slot]) {
      taken[slot] = true;
      --free;
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.size() > free) {
    return absl::ResourceExhaustedError(absl::StrCat(names.size(), " services need a VIP but only ",
                                                     free, " are free in ", kVipRange));
  }
  std::map<ObjectKey, std::string> out;
  for (const ObjectKey& key : names) {
    uint32_t slot = 1 + static_cast<uint32_t>(StableHash(key.ToString()) % kUsableSlots);
    while (taken[slot]) slot = slot % kUsableSlots + 1;  // 1..65534, wrapping
    taken[slot] = true;
    out[key] = absl::StrCat("10.96.", slot / 256, ".", slot % 256);
  }
  return out;
}

}  // namespace weft::control_plane
