// libFuzzer entry point for the bootstrap loader: any input must yield a config
// or a status, never a crash, a throw or a hang.
//
//   bazel build --config=fuzz //proxy/config:bootstrap_fuzz
//   bazel-bin/proxy/config/bootstrap_fuzz -max_total_time=60 \
//       proxy/config/testdata/fuzz_corpus

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "proxy/config/bootstrap_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = weft::config::ParseBootstrapYaml(text, "fuzz");
  // Whatever parses must also pass the standalone validator.
  if (config.ok() && !weft::config::ValidateProxyConfig(*config).ok()) __builtin_trap();
  return 0;
}
