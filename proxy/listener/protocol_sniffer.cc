#include "proxy/listener/protocol_sniffer.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace weft::listener {
namespace {

constexpr absl::string_view kHttp2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// A TLS record of type handshake (22), version 3.x, carrying a ClientHello (1).
SniffResult SniffTls(absl::string_view data) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(data[i]); };
  if (byte(0) != 0x16) return SniffResult::kOpaque;
  if (data.size() < 2) return SniffResult::kNeedMoreData;
  if (byte(1) != 0x03) return SniffResult::kOpaque;
  if (data.size() < 3) return SniffResult::kNeedMoreData;
  if (byte(2) > 0x04) return SniffResult::kOpaque;
  if (data.size() < 6) return SniffResult::kNeedMoreData;
  return byte(5) == 0x01 ? SniffResult::kTls : SniffResult::kOpaque;
}

}  // namespace

SniffResult SniffProtocol(absl::string_view data) {
  if (data.empty()) return SniffResult::kNeedMoreData;
  if (data[0] == 0x16) return SniffTls(data);
  const size_t n = std::min(data.size(), kHttp2Preface.size());
  if (data.substr(0, n) == kHttp2Preface.substr(0, n)) {
    return n == kHttp2Preface.size() ? SniffResult::kHttp2 : SniffResult::kNeedMoreData;
  }
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
