#ifndef WEFT_CONTROL_PLANE_LOCAL_MANIFEST_FIELDS_H_
#define WEFT_CONTROL_PLANE_LOCAL_MANIFEST_FIELDS_H_

// Field readers for Kubernetes-shaped manifests, on top of the proxy's strict
// YamlReader (proxy/config/yaml_reader.h): int32 values as the Kubernetes API has
// them (ranges are BuildModel's business), int-or-string ports, free-form label
// maps, optional durations and sub-structs, and keys that are accepted but ignored
// (standard Kubernetes fields the mesh has no use for).
//
// Thread-compatible; a Field must not outlive the reader and target it refers to.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "control-plane/core/object_meta.h"
#include "proxy/config/yaml_reader.h"

namespace weft::control_plane::local {

using config::YamlReader;

// A key that is allowed and skipped.
YamlReader::Field IgnoredField(absl::string_view key);

bool ReadInt32(YamlReader& reader, const YAML::Node& node, const std::string& path, int32_t& out);
YamlReader::Field Int32Field(YamlReader& reader, absl::string_view key, int32_t& out);
YamlReader::Field OptionalInt32Field(YamlReader& reader, absl::string_view key,
                                     std::optional<int32_t>& out);
// int64 counts (ring sizes, request rates); ranges are BuildModel's business.
bool ReadInt64(YamlReader& reader, const YAML::Node& node, const std::string& path, int64_t& out);
YamlReader::Field Int64Field(YamlReader& reader, absl::string_view key, int64_t& out);
YamlReader::Field OptionalInt64Field(YamlReader& reader, absl::string_view key,
                                     std::optional<int64_t>& out);
YamlReader::Field OptionalDurationField(YamlReader& reader, absl::string_view key,
                                        std::optional<absl::Duration>& out);
// A port given as a number or as a name (Service targetPort).
YamlReader::Field IntOrStringField(YamlReader& reader, absl::string_view key, int32_t& number,
                                   std::string& name);
// A mapping of string keys to string values (labels, annotations, selectors).
YamlReader::Field LabelsField(YamlReader& reader, absl::string_view key, Labels& out);

// A sub-struct that is absent unless its key is present.
template <typename T>
YamlReader::Field OptionalStructField(
    absl::string_view key, std::optional<T>& out,
    std::function<void(const YAML::Node&, const std::string&, T&)> read) {
  return YamlReader::Field{std::string(key), [&out, read = std::move(read)](
                                                 const YAML::Node& node, const std::string& path) {
                             out.emplace();
                             read(node, path, *out);
                           }};
}

// A sub-struct that is always there (a mapping read into `out`).
template <typename T>
YamlReader::Field StructField(absl::string_view key, T& out,
                              std::function<void(const YAML::Node&, const std::string&, T&)> read) {
  return YamlReader::Field{std::string(key), [&out, read = std::move(read)](
                                                 const YAML::Node& node, const std::string& path) {
                             read(node, path, out);
                           }};
}

}  // namespace weft::control_plane::local

#endif  // WEFT_CONTROL_PLANE_LOCAL_MANIFEST_FIELDS_H_
