#include "control-plane/xds/ads_service.h"

#include "control-plane/xds/delta_stream.h"
#include "control-plane/xds/sotw_stream.h"

namespace weft::xds {

using envoy::service::discovery::v3::DeltaDiscoveryRequest;
using envoy::service::discovery::v3::DeltaDiscoveryResponse;
using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;

grpc::ServerBidiReactor<DiscoveryRequest, DiscoveryResponse>*
AdsService::StreamAggregatedResources(grpc::CallbackServerContext* context) {
  return new SotwStream(ctx_, context->peer());  // deletes itself in OnDone
}

grpc::ServerBidiReactor<DeltaDiscoveryRequest, DeltaDiscoveryResponse>*
AdsService::DeltaAggregatedResources(grpc::CallbackServerContext* context) {
  return new DeltaStream(ctx_, context->peer());  // deletes itself in OnDone
}

}  // namespace weft::xds
