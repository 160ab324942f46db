#ifndef WEFT_CONTROL_PLANE_XDS_SNAPSHOT_H_
#define WEFT_CONTROL_PLANE_XDS_SNAPSHOT_H_

// An immutable set of xDS resources for one proxy (or a group of proxies), keyed by
// type URL and resource name. The ADS server only ever sends what a Snapshot holds;
// deciding what goes into one (per-proxy scoping, on-demand names) is the translation
// layer's job.
//
//   Snapshot s;
//   s.Add(Resource::FromMessage("outbound|80||web.default.svc.cluster.local", cla));
//   cache.SetSnapshot("default/web", std::make_shared<const Snapshot>(std::move(s)));
//
// Resources are held by shared_ptr, so snapshots built for many proxies can share the
// same serialized bytes. A Snapshot is not modified once handed to the cache, and is
// then safe to read from any thread.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/type_urls.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"

namespace weft::xds {

// The type URLs the control plane serves: api/type_urls.h.

// True for the types whose SotW requests mean "everything" when they name no
// resource (LDS and CDS); for the others an empty list means "nothing".
bool IsWildcardCapable(absl::string_view type_url);

// One named, serialized resource. `version` is a hash of the type URL and the
// serialized bytes: equal content gives an equal version across processes, so a
// reconnecting client's initial_resource_versions stay meaningful after a
// control-plane restart.
struct Resource {
  std::string name;
  google::protobuf::Any body;  // body.type_url() is the resource's type URL
  std::string version;

  // Packs `message` (deterministic serialization) and computes the version.
  static std::shared_ptr<const Resource> FromMessage(std::string name,
                                                     const google::protobuf::Message& message);
  // For callers that already hold an Any.
  static std::shared_ptr<const Resource> FromAny(std::string name, google::protobuf::Any body);
};

// name -> resource, ordered so that versions computed over a map are deterministic.
using ResourceMap = std::map<std::string, std::shared_ptr<const Resource>, std::less<>>;

class Snapshot {
 public:
  // Adds `resource` under its body's type URL, replacing one of the same name.
  void Add(std::shared_ptr<const Resource> resource);

  // Resources of one type; an empty map for types the snapshot does not have.
  const ResourceMap& Resources(absl::string_view type_url) const;
  // Looks up one resource; nullptr if absent.
  const Resource* Find(absl::string_view type_url, absl::string_view name) const;

  // Type URLs present in the snapshot.
  std::vector<std::string> TypeUrls() const;

 private:
  std::map<std::string, ResourceMap, std::less<>> by_type_;
};

// A version for a set of resources: a hash over their names and versions, in order.
// Used as SotW version_info and delta system_version_info. "" for an empty set hashes
// like any other set (it is not the empty string).
std::string VersionOf(const std::vector<const Resource*>& resources);

// 64-bit FNV-1a of `data` as 16 lowercase hex digits. Stable across processes.
std::string ContentHash(absl::string_view data);

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_SNAPSHOT_H_
