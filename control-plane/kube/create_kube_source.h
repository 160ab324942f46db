#ifndef WEFT_CONTROL_PLANE_KUBE_CREATE_KUBE_SOURCE_H_
#define WEFT_CONTROL_PLANE_KUBE_CREATE_KUBE_SOURCE_H_

// Wires a KubeSource for mesh-control-plane: loads the kubeconfig (or the
// in-cluster service account), checks that the CA and client certificate are
// usable, and gives every reflector its own HTTPS connection. ConnectKubeApi
// is the first half alone, for the other API users (Lease, status, TokenReview).
//
//   absl::StatusOr<std::unique_ptr<KubeSource>> source =
//       CreateKubeSource({.kubeconfig = flag}, dispatcher);
//
// Errors: kInvalidArgument (a bad kubeconfig field, named), kNotFound (a file),
// kFailedPrecondition (in-cluster mode outside a pod).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/event/dispatcher.h"
#include "control-plane/kube/kube_config.h"
#include "control-plane/kube/kube_source.h"

namespace weft::control_plane::kube {

struct KubeSourceFlags {
  std::string kubeconfig;  // empty: in-cluster
  bool allow_insecure = false;
  KubeSource::Options source;
};

// How to reach the API server: its config and a maker of new connections.
struct KubeApi {
  KubeConfig config;
  bool in_cluster = false;
  KubeSource::TransportFactory transports;
};

absl::StatusOr<KubeApi> ConnectKubeApi(const KubeSourceFlags& flags);

absl::StatusOr<std::unique_ptr<KubeSource>> CreateKubeSource(const KubeSourceFlags& flags,
                                                             event::Dispatcher& dispatcher);
std::unique_ptr<KubeSource> CreateKubeSource(const KubeApi& api, const KubeSource::Options& options,
                                             event::Dispatcher& dispatcher);

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_CREATE_KUBE_SOURCE_H_
