// libFuzzer target: arbitrary bytes as the body of an app's answer to the gRPC
// health probe (the app is in the pod, but its answer is still untrusted input).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "proxy/health/grpc_health.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<int> status = weft::health::ParseHealthCheckResponse(body);
  if (status.ok()) {
    (void)weft::health::ServingStatusName(*status);
    // A valid answer always carries its 5-byte prefix.
    if (size < 5) std::abort();
  } else if (status.status().message().empty()) {
    std::abort();  // every refusal names its problem
  }
  return 0;
}
