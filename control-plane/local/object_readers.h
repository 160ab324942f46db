#ifndef WEFT_CONTROL_PLANE_LOCAL_OBJECT_READERS_H_
#define WEFT_CONTROL_PLANE_LOCAL_OBJECT_READERS_H_

// Readers for the `spec` (and `metadata`) of each supported kind, used by
// manifest_parser.cc. Each reads `node` (found at `path`) into the object,
// reporting type errors and unknown keys through `reader`.
//
// Thread-compatible.

#include <string>
#include <vector>

#include "control-plane/core/endpoint_slice.h"
#include "control-plane/core/object_meta.h"
#include "control-plane/core/route.h"
#include "control-plane/core/security_policy.h"
#include "control-plane/core/service.h"
#include "control-plane/core/traffic_policy.h"
#include "proxy/config/yaml_reader.h"

namespace weft::control_plane::local {

void ReadMetadata(config::YamlReader& reader, const YAML::Node& node, const std::string& path,
                  ObjectMeta& meta);
void ReadServiceSpec(config::YamlReader& reader, const YAML::Node& node, const std::string& path,
                     Service& service);
void ReadWorkloadSpec(config::YamlReader& reader, const YAML::Node& node, const std::string& path,
                      Workload& workload);
void ReadHttpRouteSpec(config::YamlReader& reader, const YAML::Node& node, const std::string& path,
                       HttpRoute& route);
void ReadGrpcRouteSpec(config::YamlReader& reader, const YAML::Node& node, const std::string& path,
                       GrpcRoute& route);
void ReadTrafficPolicySpec(config::YamlReader& reader, const YAML::Node& node,
                           const std::string& path, TrafficPolicy& policy);
// The fields of an EndpointSlice beside apiVersion, kind and metadata (it has
// no spec): addressType, endpoints, ports.
std::vector<config::YamlReader::Field> EndpointSliceFields(config::YamlReader& reader,
                                                           EndpointSlice& slice);
// security_readers.cc
void ReadPeerAuthenticationSpec(config::YamlReader& reader, const YAML::Node& node,
                                const std::string& path, PeerAuthentication& policy);
void ReadAuthorizationPolicySpec(config::YamlReader& reader, const YAML::Node& node,
                                 const std::string& path, AuthorizationPolicy& policy);

}  // namespace weft::control_plane::local

#endif  // WEFT_CONTROL_PLANE_LOCAL_OBJECT_READERS_H_
