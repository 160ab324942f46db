#ifndef WEFT_CONTROL_PLANE_CORE_OBJECT_META_H_
#define WEFT_CONTROL_PLANE_CORE_OBJECT_META_H_

// Identity of a mesh object: the Kubernetes-style namespace/name pair and labels,
// shared by every kind in the service model.
//
// Value types, thread-compatible.

#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace weft::control_plane {

// "namespace/name" of one object of a known kind. Ordered so that every map keyed
// by it iterates in the same order on every run (stable xDS output, stable VIPs).
struct ObjectKey {
  std::string ns;
  std::string name;

  std::string ToString() const { return ns + "/" + name; }

  friend bool operator<(const ObjectKey& a, const ObjectKey& b) {
    return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
  }
  friend bool operator==(const ObjectKey& a, const ObjectKey& b) {
    return a.ns == b.ns && a.name == b.name;
  }
  friend bool operator!=(const ObjectKey& a, const ObjectKey& b) { return !(a == b); }
  template <typename H>
  friend H AbslHashValue(H h, const ObjectKey& k) {
    return H::combine(std::move(h), k.ns, k.name);
  }
};

// Labels are ordered too, for the same reason.
using Labels = std::map<std::string, std::string>;

struct ObjectMeta {
  std::string ns = "default";
  std::string name;
  Labels labels;
  Labels annotations;

  ObjectKey key() const { return ObjectKey{ns, name}; }
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_OBJECT_META_H_
