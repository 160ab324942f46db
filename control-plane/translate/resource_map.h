#ifndef WEFT_CONTROL_PLANE_TRANSLATE_RESOURCE_MAP_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_RESOURCE_MAP_H_

// The translation's output: xDS resources as plain values, independent of the ADS
// server that serves them.
//
//   ResourceMap resources = BuildSidecarResources(model, node);
//   for (const auto& [type_url, by_name] : resources)
//     for (const auto& [name, any] : by_name) snapshot.Add(...);
//
// Every Any holds a deterministic serialization (map entries sorted), nested Anys
// included, so the same model gives byte-identical resources in every process and
// content hashes make stable versions.
//
// Value types, thread-compatible.

#include <map>
#include <string>

#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"

namespace weft::control_plane {

// type URL -> resource name -> resource packed as Any.
using ResourceMap = std::map<std::string, std::map<std::string, google::protobuf::Any>>;

// Packs `message` under "type.googleapis.com/<full name>" with deterministic
// serialization (Any::PackFrom does not promise that).
google::protobuf::Any PackDeterministic(const google::protobuf::Message& message);

// Packs `message` and stores it in `resources` under its type URL and `name`,
// replacing a resource of the same type and name.
void AddResource(ResourceMap& resources, const std::string& name,
                 const google::protobuf::Message& message);

// The resource of `type_url` named `name`, or null.
const google::protobuf::Any* FindResource(const ResourceMap& resources, const std::string& type_url,
                                          const std::string& name);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_RESOURCE_MAP_H_
