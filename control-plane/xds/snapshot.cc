#include "control-plane/xds/snapshot.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace weft::xds {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t Fnv1a(uint64_t h, absl::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

std::string Hex(uint64_t h) { return absl::StrFormat("%016x", h); }

}  // namespace

bool IsWildcardCapable(absl::string_view type_url) {
  return type_url == kListenerType || type_url == kClusterType;
}

std::string ContentHash(absl::string_view data) { return Hex(Fnv1a(kFnvOffset, data)); }

std::shared_ptr<const Resource> Resource::FromMessage(std::string name,
                                                      const google::protobuf::Message& message) {
  google::protobuf::Any any;
  any.set_type_url(absl::StrCat("type.googleapis.com/", message.GetDescriptor()->full_name()));
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  any.set_value(std::move(bytes));
  return FromAny(std::move(name), std::move(any));
}

std::shared_ptr<const Resource> Resource::FromAny(std::string name, google::protobuf::Any body) {
  auto r = std::make_shared<Resource>();
  uint64_t h = Fnv1a(kFnvOffset, body.type_url());
  h = Fnv1a(h, absl::string_view("\0", 1));
  h = Fnv1a(h, body.value());
  r->name = std::move(name);
  r->body = std::move(body);
  r->version = Hex(h);
  return r;
}

void Snapshot::Add(std::shared_ptr<const Resource> resource) {
  auto& map = by_type_[resource->body.type_url()];
  std::string name = resource->name;
  map[std::move(name)] = std::move(resource);
}

const ResourceMap& Snapshot::Resources(absl::string_view type_url) const {
  static const ResourceMap* const kEmpty = new ResourceMap();
  auto it = by_type_.find(type_url);
  return it == by_type_.end() ? *kEmpty : it->second;
}

const Resource* Snapshot::Find(absl::string_view type_url, absl::string_view name) const {
  const ResourceMap& map = Resources(type_url);
  auto it = map.find(name);
  return it == map.end() ? nullptr : it->second.get();
}

std::vector<std::string> Snapshot::TypeUrls() const {
  std::vector<std::string> out;
  for (const auto& [type, map] : by_type_) out.push_back(type);
  return out;
}

std::string VersionOf(const std::vector<const Resource*>& resources) {
  uint64_t h = kFnvOffset;
  for (const Resource* r : resources) {
    h = Fnv1a(h, r->name);
    h = Fnv1a(h, absl::string_view("\0", 1));
    h = Fnv1a(h, r->version);
    h = Fnv1a(h, absl::string_view("\n", 1));
  }
  return Hex(h);
}

}  // namespace weft::xds
