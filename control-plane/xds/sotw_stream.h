#ifndef WEFT_CONTROL_PLANE_XDS_SOTW_STREAM_H_
#define WEFT_CONTROL_PLANE_XDS_SOTW_STREAM_H_

// One state-of-the-world ADS stream (StreamAggregatedResources), as spoken by
// proxyless gRPC clients.
//
// Per type URL: a response carries every subscribed resource that exists
// (all of them for a wildcard LDS/CDS subscription: empty resource_names or "*"),
// version_info = VersionOf(those resources), and a fresh nonce. A request whose
// response_nonce is the last one sent is an ACK (no error_detail) or a NACK
// (error_detail: logged, recorded, not resent until the snapshot changes); a request
// with an older nonce is stale and ignored. A response is sent when a type is first
// requested, when its subscription changes, and when the snapshot changes what it
// would contain.
//
// Threading and ownership: see AdsStream.

#include <map>
#include <string>
#include <vector>

#include "control-plane/xds/ads_stream.h"
#include "envoy/service/discovery/v3/discovery.pb.h"

namespace weft::xds {

class SotwStream final
    : public AdsStream<envoy::service::discovery::v3::DiscoveryRequest,
                       envoy::service::discovery::v3::DiscoveryResponse> {
 public:
  SotwStream(const StreamContext& ctx, std::string peer) : AdsStream(ctx, std::move(peer), false) {}

 protected:
  grpc::Status HandleRequestLocked(
      const envoy::service::discovery::v3::DiscoveryRequest& request) override;
  bool BuildNextLocked(envoy::service::discovery::v3::DiscoveryResponse* out) override;
  void MarkAllDirtyLocked() override;
  std::vector<TypeSyncStatus> TypeStatusesLocked() const override;

 private:
  struct TypeState {
    TypeState(const std::string& type_url, XdsMetrics* metrics, const TimeSource* time)
        : tracker(type_url, metrics, time) {}
    TypeSubscription subscription;
    bool dirty = false;  // the snapshot may have changed what we would send
    bool force = false;  // respond even if the content is unchanged
    std::string sent_version;
    TypeSyncTracker tracker;
  };

  std::map<std::string, TypeState> types_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_SOTW_STREAM_H_
