#ifndef WEFT_CONTROL_PLANE_TRANSLATE_TEST_XDS_UNPACK_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_TEST_XDS_UNPACK_H_

// The translation's output (a ResourceMap of Anys) as typed protos, for the
// translation tests. Test-only: a missing or mistyped resource is a gtest
// failure, and the caller gets a default value to keep going with.
//
//   ResourceMap resources = testing::SidecarResourcesFromYaml(kMesh, "shop", "cart-1");
//   Listener inbound = testing::GetResource<Listener>(resources, kListenerTypeUrl, "inbound");
//   xds::XdsResources proxy_view = testing::UnpackForProxy(resources);

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "control-plane/translate/resource_map.h"
#include "control-plane/translate/translate.h"  // MeshSecurity
#include "gtest/gtest.h"
#include "proxy/xds/xds_translator.h"

namespace weft::control_plane::testing {

// The resource of `type_url` named `name`, unpacked as a T.
template <typename T>
T GetResource(const ResourceMap& resources, absl::string_view type_url, const std::string& name) {
  const google::protobuf::Any* any = FindResource(resources, std::string(type_url), name);
  T message;
  EXPECT_NE(any, nullptr) << type_url << " " << name << " missing";
  if (any != nullptr) {
    EXPECT_TRUE(any->UnpackTo(&message)) << type_url << " " << name;
  }
  return message;
}

// The names of the resources of `type_url`, in order; empty when there are none.
std::vector<std::string> ResourceNames(const ResourceMap& resources, absl::string_view type_url);

// BuildSidecarResources for the node of workload `workload` in namespace `ns`, on
// the model the manifests `yaml` build (test_models.h).
ResourceMap SidecarResourcesFromYaml(const std::string& yaml, const std::string& ns,
                                     const std::string& workload,
                                     const MeshSecurity& security = MeshSecurity{});

// Every listener, cluster, route configuration, load assignment and secret in
// `resources`, as the proxy's xDS client holds them (input of xds::TranslateXds).
weft::xds::XdsResources UnpackForProxy(const ResourceMap& resources);

}  // namespace weft::control_plane::testing

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_TEST_XDS_UNPACK_H_
