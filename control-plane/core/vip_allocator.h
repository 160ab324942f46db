#ifndef WEFT_CONTROL_PLANE_CORE_VIP_ALLOCATOR_H_
#define WEFT_CONTROL_PLANE_CORE_VIP_ALLOCATOR_H_

// Deterministic virtual IPs for services that do not set spec.clusterIP.
//
// Local mode has no API server to remember allocations, and a VIP must not change
// when the control plane restarts or when files are renamed or reordered, since
// proxies and applications may hold it. So a VIP is a function of the service's
// identity, not of arrival order:
//
//   1. Explicit clusterIPs inside the range are reserved first.
//   2. The remaining services are taken in sorted "namespace/name" order; each
//      starts at slot 1 + FNV-1a-64("namespace/name") mod 65534 of 10.96.0.0/16
//      (so 10.96.0.0 and 10.96.255.255 are never used) and probes linearly
//      (wrapping) to the first free slot.
//
// The result depends only on the set of names. The one way an existing VIP can
// move is a hash collision with a newly added service that sorts before it (about
// n/65534 per addition); pin such a service with spec.clusterIP.
//
// Thread-compatible (pure functions).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-plane/core/object_meta.h"
#include "control-plane/core/stable_hash.h"

namespace weft::control_plane {

inline constexpr char kVipRange[] = "10.96.0.0/16";

// Returns a VIP for each of `names`, avoiding every address in `reserved`
// (dotted IPv4 strings; those outside the range are simply never produced).
// kResourceExhausted when the range is full.
absl::StatusOr<std::map<ObjectKey, std::string>> AllocateVips(
    std::vector<ObjectKey> names, const std::vector<std::string>& reserved);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_CORE_VIP_ALLOCATOR_H_
