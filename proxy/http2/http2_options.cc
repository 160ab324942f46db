#include "proxy/http2/http2_options.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::http2 {

absl::Status Http2Options::Validate() const {
  constexpr uint32_t kMaxWindow = (1u << 31) - 1;
  constexpr uint32_t kMinWindow = 65535;
  std::vector<std::string> errors;
  if (max_concurrent_streams == 0) errors.push_back("max_concurrent_streams must be > 0");
  if (initial_stream_window > kMaxWindow) {
    errors.push_back(absl::StrCat("initial_stream_window must be <= ", kMaxWindow));
  }
  if (initial_connection_window < kMinWindow || initial_connection_window > kMaxWindow) {
    errors.push_back(absl::StrCat("initial_connection_window must be in [", kMinWindow, ", ",
                                  kMaxWindow, "]"));
  }
  if (max_header_list_size < 1024) errors.push_back("max_header_list_size must be >= 1024");
  if (stream_buffer_limit == 0) errors.push_back("stream_buffer_limit must be > 0");
  if (flood_window_frames == 0) errors.push_back("flood_window_frames must be > 0");
  if (max_inbound_resets_per_window == 0) {
    errors.push_back("max_inbound_resets_per_window must be > 0");
  }
  if (max_settings_per_window == 0) errors.push_back("max_settings_per_window must be > 0");
  if (max_pings_per_window == 0) errors.push_back("max_pings_per_window must be > 0");
  if (max_outbound_control_frames == 0) {
    errors.push_back("max_outbound_control_frames must be > 0");
  }
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("http2 options: ", absl::StrJoin(errors, "; ")));
}

}  // namespace weft::http2
