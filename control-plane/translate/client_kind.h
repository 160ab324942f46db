#ifndef WEFT_CONTROL_PLANE_TRANSLATE_CLIENT_KIND_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_CLIENT_KIND_H_

// Which xDS client a resource is built for. Sidecars (mesh-proxy) read the full
// shapes of docs/design/xds-resources.md; gRPC 1.51's proxyless client NACKs some
// of them (api/README.md), so a few fields are chosen differently for it.

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"

namespace weft::control_plane {

enum class ClientKind { kSidecar, kProxyless };

// Converts a non-negative duration (the model validated it) to protobuf.
inline void SetProtoDuration(absl::Duration duration, google::protobuf::Duration* out) {
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &duration);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
}

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_CLIENT_KIND_H_
