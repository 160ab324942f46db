#include "control-plane/translate/resource_map.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace weft::control_plane {

google::protobuf::Any PackDeterministic(const google::protobuf::Message& message) {
  google::protobuf::Any any;
  any.set_type_url(absl::StrCat("type.googleapis.com/", message.GetDescriptor()->full_name()));
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream output(&stream);
    output.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&output);
  }  // the CodedOutputStream flushes into `bytes` when destroyed
  any.set_value(std::move(bytes));
  return any;
}

void AddResource(ResourceMap& resources, const std::string& name,
                 const google::protobuf::Message& message) {
  google::protobuf::Any any = PackDeterministic(message);
  std::string type_url = any.type_url();
  resources[type_url][name] = std::move(any);
}

const google::protobuf::Any* FindResource(const ResourceMap& resources, const std::string& type_url,
                                          const std::string& name) {
  auto type = resources.find(type_url);
  if (type == resources.end()) return nullptr;
  auto it = type->second.find(name);
  return it == type->second.end() ? nullptr : &it->second;
}

}  // namespace weft::control_plane
