// libFuzzer target: arbitrary xDS resources (a serialized DiscoveryResponse,
// see xds_fuzz_input.h) through the proxy's translator and its validation.
// Whatever arrives, the translator returns a config or a list of problems; it
// never crashes, and a config it accepts must pass validation again.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "proxy/config/validate.h"
#include "proxy/xds/xds_fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  envoy::service::discovery::v3::DiscoveryResponse response;
  if (!response.ParseFromArray(data, static_cast<int>(size))) return 0;
  weft::config::ProxyConfig bootstrap;
  absl::StatusOr<weft::config::ProxyConfig> config =
      weft::xds::TranslateXds(weft::xds::ResourcesFromResponse(response), bootstrap);
  if (config.ok() && !weft::config::ValidateProxyConfig(*config).ok()) {
    std::fprintf(stderr, "translator accepted a config that does not validate\n");
    std::abort();
  }
  return 0;
}
