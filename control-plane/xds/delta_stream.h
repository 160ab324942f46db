#ifndef WEFT_CONTROL_PLANE_XDS_DELTA_STREAM_H_
#define WEFT_CONTROL_PLANE_XDS_DELTA_STREAM_H_

// One incremental ADS stream (DeltaAggregatedResources), as spoken by mesh-proxy.
//
// Per type URL the stream remembers which version of each resource the client has
// (initial_resource_versions of its first request, then what was sent) and sends
// only resources whose version differs, plus removed_resources for resources it has
// that left the snapshot. Subscriptions: resource_names_subscribe /
// _unsubscribe, "*" meaning wildcard; a first request for LDS or CDS that names
// nothing is a wildcard subscription. Each response gets a fresh nonce; a request
// carrying a nonce is an ACK or (with error_detail) a NACK of that response. NACKed
// resources are not resent until they change. Large diffs are split into responses
// of at most ~1 MiB so that clients' default 4 MiB message limit is never reached.
//
// Threading and ownership: see AdsStream.

#include <map>
#include <string>
#include <vector>

#include "control-plane/xds/ads_stream.h"
#include "envoy/service/discovery/v3/discovery.pb.h"

namespace weft::xds {

class DeltaStream final
    : public AdsStream<envoy::service::discovery::v3::DeltaDiscoveryRequest,
                       envoy::service::discovery::v3::DeltaDiscoveryResponse> {
 public:
  DeltaStream(const StreamContext& ctx, std::string peer)
      : AdsStream(ctx, std::move(peer), true) {}

  // Upper bound on the resource bytes of one response (one resource larger than
  // this still goes out, alone).
  static constexpr size_t kMaxResponseBytes = 1 << 20;

 protected:
  grpc::Status HandleRequestLocked(
      const envoy::service::discovery::v3::DeltaDiscoveryRequest& request) override;
  bool BuildNextLocked(envoy::service::discovery::v3::DeltaDiscoveryResponse* out) override;
  void MarkAllDirtyLocked() override;
  std::vector<TypeSyncStatus> TypeStatusesLocked() const override;

 private:
  struct TypeState {
    TypeState(const std::string& type_url, XdsMetrics* metrics, const TimeSource* time)
        : tracker(type_url, metrics, time) {}
    TypeSubscription subscription;
    std::map<std::string, std::string, std::less<>> known;  // name -> version the client has
    bool dirty = false;
    bool force = false;  // respond even if nothing differs (first request of the type)
    TypeSyncTracker tracker;
  };

  std::map<std::string, TypeState> types_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_DELTA_STREAM_H_
