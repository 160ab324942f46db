#ifndef WEFT_PROXY_XDS_ADS_CLIENT_H_
#define WEFT_PROXY_XDS_ADS_CLIENT_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/security/credentials.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "api/type_urls.h"
#include "common/random/random.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "envoy/config/core/v3/base.pb.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"
#include "proxy/xds/xds_translator.h"

namespace weft::xds {

// Short names for the type URLs this client handles (api/type_urls.h).
inline constexpr absl::string_view kRouteType = kRouteConfigurationType;
inline constexpr absl::string_view kEndpointType = kClusterLoadAssignmentType;

struct AdsClientOptions {
  std::string server;  // "host:port" of the control plane's xDS port
  // Null: plaintext (15010, local mode); else e.g. TLS with the mesh root (15012,
  // identity/control_plane_channel.h). server_name: the TLS name to check
  // instead of the server's host.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  std::string server_name;
  envoy::config::core::v3::Node node;
  absl::Duration initial_backoff = absl::Milliseconds(500);
  absl::Duration max_backoff = absl::Seconds(30);
};

// What the admin server and metrics show about the xDS connection.
struct AdsClientStatus {
  bool connected = false;
  uint64_t updates_applied = 0;
  uint64_t updates_rejected = 0;
  std::string last_error;              // of the last NACK, empty if none
  absl::Time last_update;              // wall clock of the last applied update
  // Per type URL: wall clock of the last applied update, and responses applied
  // and rejected (for the weft_xds_* metrics).
  std::map<std::string, absl::Time> last_update_by_type;
  std::map<std::string, uint64_t> applied_by_type;
  std::map<std::string, uint64_t> rejected_by_type;
  std::map<std::string, std::map<std::string, std::string>> versions;  // type -> name -> version
};

// Weft's xDS client: one delta ADS stream (DeltaAggregatedResources) to the control
// plane. It subscribes to all listeners and clusters, then to the route
// configurations and endpoint assignments those name; after every response it
// translates the whole state and hands it to `apply`. If `apply` fails (the config
// does not translate or validate), the response is NACKed with that precise
// message and the previous state stays in force; otherwise it is ACKed. When the
// stream breaks, the proxy keeps serving its last good config and reconnects with
// exponential backoff and full jitter, telling the server which versions it holds
// so that only changes are sent again.
//
// Runs on its own thread; Start/Stop/status are thread-safe. `apply` is called on
// the client's thread.
class AdsClient {
 public:
  using Applier = std::function<absl::Status(const XdsResources&)>;

  AdsClient(AdsClientOptions options, Applier apply, const TimeSource& time,
            uint64_t random_seed);
  ~AdsClient();

  void Start();
  void Stop();
  AdsClientStatus status() const;

 private:
  using Request = envoy::service::discovery::v3::DeltaDiscoveryRequest;
  using Response = envoy::service::discovery::v3::DeltaDiscoveryResponse;
  using Stream = grpc::ClientReaderWriter<Request, Response>;

  void Run();
  // One stream, until it breaks; true if it received anything.
  bool RunStream();
  void HandleResponse(Stream& stream, const Response& response);
  void SubscribeDependencies(Stream& stream);
  bool Subscribe(Stream& stream, absl::string_view type, const std::set<std::string>& names,
                 bool initial);

  const AdsClientOptions options_;
  const Applier apply_;
  const TimeSource& time_;
  RealRandom random_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<envoy::service::discovery::v3::AggregatedDiscoveryService::Stub> stub_;

  // State only the client thread touches.
  XdsResources resources_;
  std::map<std::string, std::map<std::string, std::string>> versions_;  // type -> name -> v
  std::map<std::string, std::set<std::string>> subscribed_;             // type -> names

  mutable weft::Mutex mu_;
  AdsClientStatus status_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

// The status as JSON, for the admin endpoint /xds.
std::string StatusJson(const AdsClientStatus& status);

}  // namespace weft::xds

#endif  // WEFT_PROXY_XDS_ADS_CLIENT_H_
