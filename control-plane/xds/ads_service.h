#ifndef WEFT_CONTROL_PLANE_XDS_ADS_SERVICE_H_
#define WEFT_CONTROL_PLANE_XDS_ADS_SERVICE_H_

// envoy.service.discovery.v3.AggregatedDiscoveryService over a SnapshotCache: both
// StreamAggregatedResources (state of the world) and DeltaAggregatedResources.
// Uses gRPC's callback API, so a connected proxy costs memory, not a thread.
//
//   AdsService ads(cache, registry, RealTimeSource::Instance());
//   builder.RegisterService(&ads);
//   ...
//   registry.ListProxies();  // sync state of every connected stream
//
// Thread-safe. `cache`, `registry` and `time` must outlive the service, and the
// service must outlive the grpc::Server it is registered with (shut the server
// down first: that ends every stream).

#include "common/time/time_source.h"
#include "control-plane/xds/ads_stream.h"
#include "control-plane/xds/snapshot_cache.h"
#include "control-plane/xds/sync_status.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"

namespace weft::xds {

class AdsService final
    : public envoy::service::discovery::v3::AggregatedDiscoveryService::CallbackService {
 public:
  // `metrics` is optional; when given it must outlive the service.
  AdsService(SnapshotCache& cache, ProxyRegistry& registry, const TimeSource& time,
             XdsMetrics* metrics = nullptr)
      : ctx_{&cache, &registry, &time, metrics} {}

  grpc::ServerBidiReactor<envoy::service::discovery::v3::DiscoveryRequest,
                          envoy::service::discovery::v3::DiscoveryResponse>*
  StreamAggregatedResources(grpc::CallbackServerContext* context) override;

  grpc::ServerBidiReactor<envoy::service::discovery::v3::DeltaDiscoveryRequest,
                          envoy::service::discovery::v3::DeltaDiscoveryResponse>*
  DeltaAggregatedResources(grpc::CallbackServerContext* context) override;

 private:
  const StreamContext ctx_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_ADS_SERVICE_H_
