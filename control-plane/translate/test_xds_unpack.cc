#include "control-plane/translate/test_xds_unpack.h"

#include <map>

#include "absl/status/statusor.h"
#include "api/type_urls.h"
#include "control-plane/translate/test_models.h"

namespace weft::control_plane::testing {
namespace {

// Unpacks every resource of `type_url` into `out`, by name.
template <typename T>
void UnpackAll(const ResourceMap& resources, absl::string_view type_url,
               std::map<std::string, T>& out) {
  auto it = resources.find(std::string(type_url));
  if (it == resources.end()) return;
  for (const auto& [name, any] : it->second) {
    EXPECT_TRUE(any.UnpackTo(&out[name])) << type_url << " " << name;
  }
}

}  // namespace

std::vector<std::string> ResourceNames(const ResourceMap& resources, absl::string_view type_url) {
  std::vector<std::string> names;
  auto it = resources.find(std::string(type_url));
  if (it == resources.end()) return names;
  for (const auto& [name, any] : it->second) names.push_back(name);
  return names;
}

ResourceMap SidecarResourcesFromYaml(const std::string& yaml, const std::string& ns,
                                     const std::string& workload, const MeshSecurity& security) {
  absl::StatusOr<Model> model = ModelFromYaml(yaml);
  if (!model.ok()) {
    ADD_FAILURE() << model.status();
    return ResourceMap();
  }
  NodeInfo node;
  node.ns = ns;
  node.workload = workload;
  return BuildSidecarResources(*model, node, security);
}

weft::xds::XdsResources UnpackForProxy(const ResourceMap& resources) {
  weft::xds::XdsResources out;
  UnpackAll(resources, weft::xds::kListenerType, out.listeners);
  UnpackAll(resources, weft::xds::kClusterType, out.clusters);
  UnpackAll(resources, weft::xds::kRouteConfigurationType, out.routes);
  UnpackAll(resources, weft::xds::kClusterLoadAssignmentType, out.endpoints);
  UnpackAll(resources, weft::xds::kSecretType, out.secrets);
  return out;
}

}  // namespace weft::control_plane::testing
