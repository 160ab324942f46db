#ifndef WEFT_TOOLS_MESHCTL_EMBEDDED_CRDS_H_
#define WEFT_TOOLS_MESHCTL_EMBEDDED_CRDS_H_

// The mesh.weft.dev CustomResourceDefinitions of api/crds/*.yaml, as their YAML
// text, sorted by file name. The definition is generated at build time
// (genrule :embedded_crds_cc in tools/meshctl/BUILD.bazel), so `meshctl install`
// always carries the CRDs of the tree it was built from.

#include <string>
#include <vector>

namespace weft::meshctl {

const std::vector<std::string>& EmbeddedCrdYaml();

}  // namespace weft::meshctl

#endif  // WEFT_TOOLS_MESHCTL_EMBEDDED_CRDS_H_
