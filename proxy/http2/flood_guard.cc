#include "proxy/http2/flood_guard.h"

#include <algorithm>

namespace weft::http2 {
namespace {
constexpr uint8_t kRstStream = 0x3;
constexpr uint8_t kSettings = 0x4;
constexpr uint8_t kPing = 0x6;
}  // namespace

absl::string_view FloodGuard::OnFrameReceived(uint8_t type) {
  if (++frames_ > options_.flood_window_frames) {
    frames_ = 1;
    resets_ = settings_ = pings_ = completed_ = 0;
  }
  switch (type) {
    case kRstStream: {
      const uint64_t allowance = std::max<uint64_t>(options_.max_inbound_resets_per_window,
                                                    uint64_t{2} * completed_);
      if (++resets_ > allowance) return "rst_stream_flood";
      break;
    }
    case kSettings:
      if (++settings_ > options_.max_settings_per_window) return "settings_flood";
      break;
    case kPing:
      if (++pings_ > options_.max_pings_per_window) return "ping_flood";
      break;
    default:
      break;
  }
  return {};
}

}  // namespace weft::http2
