#ifndef WEFT_CONTROL_PLANE_TRANSLATE_PROXYLESS_TARGET_H_
#define WEFT_CONTROL_PLANE_TRANSLATE_PROXYLESS_TARGET_H_

// Which service port a proxyless gRPC client means by the listener name it asks
// LDS for (the host of its `xds:///<host>` target):
//
//   <svc> | <svc>.<ns> | <svc>.<ns>.svc | <svc>.<ns>.svc.cluster.local, then
//   optionally ":<port>" (a service port number).
//
// A bare <svc> is in `client_ns` ("default" unless the caller knows the client's
// namespace, e.g. from its node metadata) — never searched in other namespaces,
// so that adding a service elsewhere cannot change what a name means. Without a
// port: the service's first grpc port, else its first http2 port, else its first
// http port, else its first port (the client speaks gRPC whatever the port is
// labelled). Anything else — unknown service or port, other shapes — is nullopt.
//
// Pure function, thread-safe. The pointers point into `model`.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "control-plane/core/model.h"

namespace weft::control_plane {

struct ProxylessTarget {
  const Service* service = nullptr;
  const ServicePort* port = nullptr;
};

std::optional<ProxylessTarget> ResolveProxylessTarget(const Model& model,
                                                      absl::string_view listener_name,
                                                      absl::string_view client_ns);

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_TRANSLATE_PROXYLESS_TARGET_H_
