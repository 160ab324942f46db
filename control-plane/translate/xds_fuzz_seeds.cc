// Writes seeds for xds_translator_fuzz: the control plane's own resources for
// a test mesh (one DiscoveryResponse per resource type, and one with all).
//
//   bazel run //control-plane/translate:xds_fuzz_seeds -- DIR
// with DIR = $PWD/proxy/xds/testdata/xds_translator_fuzz_corpus.

#include <cstdio>
#include <fstream>
#include <string>

#include "control-plane/translate/test_models.h"
#include "control-plane/translate/translate.h"
#include "envoy/service/discovery/v3/discovery.pb.h"

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: xds_fuzz_seeds OUTPUT_DIR\n");
    return argc == 2 ? 0 : 2;
  }
  absl::StatusOr<weft::control_plane::Model> model =
      weft::control_plane::testing::ModelFromYaml(weft::control_plane::testing::kMeshYaml);
  if (!model.ok()) {
    std::fprintf(stderr, "%s\n", std::string(model.status().message()).c_str());
    return 1;
  }
  weft::control_plane::NodeInfo node{"default/frontend-0", "default", "frontend-0", "default",
                                     false};
  weft::control_plane::ResourceMap resources =
      weft::control_plane::BuildSidecarResources(*model, node);
  envoy::service::discovery::v3::DiscoveryResponse all;
  int n = 0;
  auto write = [&](const envoy::service::discovery::v3::DiscoveryResponse& r) {
    std::ofstream out(std::string(argv[1]) + "/seed-" + std::to_string(n++),
                      std::ios::binary);
    out << r.SerializeAsString();
  };
  for (const auto& [type_url, by_name] : resources) {
    envoy::service::discovery::v3::DiscoveryResponse one;
    one.set_type_url(type_url);
    for (const auto& [name, any] : by_name) {
      *one.add_resources() = any;
      *all.add_resources() = any;
    }
    write(one);
  }
  write(all);
  std::printf("%d seeds\n", n);
  return 0;
}
