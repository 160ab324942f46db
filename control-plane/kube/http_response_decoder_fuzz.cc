// Fuzzes HttpResponseDecoder with arbitrary bytes split at a fuzzer-chosen point.
#include <cstddef>
#include <cstdint>

#include "control-plane/kube/http_response_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t split = data[0] % size;
  absl::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  weft::control_plane::kube::HttpResponseDecoder decoder(1024);
  size_t body = 0;
  auto sink = [&body](absl::string_view d) { body += d.size(); };
  const size_t first = split < input.size() ? split : input.size();
  if (decoder.Feed(input.substr(0, first), sink).ok()) {
    (void)decoder.Feed(input.substr(first), sink);
  }
  (void)decoder.OnEof();
  return 0;
}
