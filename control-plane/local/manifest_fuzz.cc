// libFuzzer target for the manifest parser and the model builder: whatever the
// bytes, parsing and validating must neither crash, hang nor throw.

#include <cstddef>
#include <cstdint>
#include <string>

#include "control-plane/core/build_model.h"
#include "control-plane/local/manifest_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  weft::config::ProblemList problems;
  weft::control_plane::local::ParsedManifests parsed =
      weft::control_plane::local::ParseManifests(text, "fuzz.yaml", problems);
  (void)weft::control_plane::BuildModel(parsed.resources, problems);
  for (const auto& problem : problems.problems()) (void)problem.ToString();
  return 0;
}
