#include "proxy/listener/protocol_sniffer.h"

#include "absl/strings/match.h"

namespace weft::listener {

SniffResult SniffProtocol(absl::string_view data) {
  static constexpr absl::string_view kMethods[] = {
      "GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "OPTIONS ", "PATCH ", "TRACE ", "CONNECT "};
  bool prefix_of_some = false;
  for (absl::string_view m : kMethods) {
    if (absl::StartsWith(data, m)) return SniffResult::kHttp1;
    if (data.size() < m.size() && absl::StartsWith(m, data)) prefix_of_some = true;
  }
  return prefix_of_some ? SniffResult::kNeedMoreData : SniffResult::kOpaque;
}

}  // namespace weft::listener
