#ifndef WEFT_CONTROL_PLANE_KUBE_JSON_FIELDS_H_
#define WEFT_CONTROL_PLANE_KUBE_JSON_FIELDS_H_

// Safe reads of API replies parsed by yaml-cpp (JSON is YAML): yaml-cpp throws
// on most uses of a missing node, so lookups go through these.
//
//   const YAML::Node spec = Field(YAML::Load(body), "spec");
//   std::string holder = FieldString(spec, "holderIdentity");  // "" if absent
//
// Thread-compatible.

#include <string>

#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {

// `map[key]`, or a null node when `map` is not a map or has no such key.
inline YAML::Node Field(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node();
  const YAML::Node value = map[key];
  return value.IsDefined() ? value : YAML::Node();
}

// The scalar at `map[key]`, or "" when there is none.
inline std::string FieldString(const YAML::Node& map, const char* key) {
  const YAML::Node value = Field(map, key);
  return value.IsScalar() ? value.Scalar() : "";
}

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_JSON_FIELDS_H_
