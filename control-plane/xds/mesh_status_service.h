#ifndef WEFT_CONTROL_PLANE_XDS_MESH_STATUS_SERVICE_H_
#define WEFT_CONTROL_PLANE_XDS_MESH_STATUS_SERVICE_H_

// weft.controlplane.v1.MeshStatus: ProxyRegistry::ListProxies() over gRPC, for
// `meshctl proxy-status`.
//
// Thread-safe. `registry` must outlive the service.

#include "control-plane/xds/sync_status.h"
#include "weft/controlplane/v1/mesh_status.grpc.pb.h"

namespace weft::xds {

class MeshStatusService final : public weft::controlplane::v1::MeshStatus::CallbackService {
 public:
  explicit MeshStatusService(const ProxyRegistry& registry) : registry_(registry) {}

  grpc::ServerUnaryReactor* ListProxies(
      grpc::CallbackServerContext* context,
      const weft::controlplane::v1::ListProxiesRequest* request,
      weft::controlplane::v1::ListProxiesResponse* response) override;

  // The conversion, exposed for tests and other front ends.
  static void ToProto(const ProxyStatus& status, weft::controlplane::v1::ProxyStatus* out);

 private:
  const ProxyRegistry& registry_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_MESH_STATUS_SERVICE_H_
