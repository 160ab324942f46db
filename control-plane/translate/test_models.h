#ifndef WEFT_CONTROL_PLANE_TRANSLATE_TEST_MODELS_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_TEST_MODELS_H_

// Models for the translation tests, built the way local mode builds them:
// manifests -> ParseManifests -> BuildModel. Test-only.

#include <string>

#include "absl/status/statusor.h"
#include "control-plane/core/model.h"

namespace weft::control_plane::testing {

// The manifests of kMeshYaml, documents separated by "---".
extern const char kMeshYaml[];

// Parses `yaml` (any number of documents) and builds a model; the problems, if
// any, are the error.
absl::StatusOr<Model> ModelFromYaml(const std::string& yaml);

// kMeshYaml's documents in reverse order (the model, and so the output, must not
// depend on it).
std::string ReversedDocuments(const std::string& yaml);

}  // namespace weft::control_plane::testing

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_TEST_MODELS_H_
