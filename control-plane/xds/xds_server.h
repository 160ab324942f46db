#ifndef WEFT_CONTROL_PLANE_XDS_XDS_SERVER_H_
#define WEFT_CONTROL_PLANE_XDS_XDS_SERVER_H_

// The discovery server as one object: a gRPC server serving ADS (SotW + delta) and
// weft.controlplane.v1.MeshStatus on one port, a SnapshotCache whose debounce timer
// runs on a dispatcher thread of its own, and the registry of connected proxies.
//
//   XdsServer::Options options;
//   options.address = "127.0.0.1:15010";
//   ASSIGN_OR_RETURN(auto server, XdsServer::Start(options, RealTimeSource::Instance()));
//   server->cache().SetSource(&translator);
//   ...
//   server->ListProxies();
//
// Optionally the same services on a second, TLS port (15012: options.tls_address
// with options.tls_credentials, e.g. TlsServingFiles::ServerCredentials()).
// Thread-safe. `time` must outlive the server.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/event/libevent_dispatcher.h"
#include "common/time/time_source.h"
#include "control-plane/xds/ads_service.h"
#include "control-plane/xds/mesh_status_service.h"
#include "control-plane/xds/snapshot_cache.h"
#include "control-plane/xds/sync_status.h"

namespace weft::xds {

class XdsServer {
 public:
  struct Options {
    // host:port; port 0 picks a free one (see port()).
    std::string address = "127.0.0.1:15010";
    absl::Duration debounce = absl::Milliseconds(100);
    // Other services to serve on the same port (not owned; must outlive the server).
    std::vector<grpc::Service*> extra_services;
    // Optional TLS port (host:port, port 0 picks one: see tls_port()) serving the
    // same services; needs tls_credentials. Empty: plaintext only.
    std::string tls_address;
    std::shared_ptr<grpc::ServerCredentials> tls_credentials;
    // Optional; counts pushes, ACK latency and NACKs. Must outlive the server.
    XdsMetrics* metrics = nullptr;
  };

  // kInvalidArgument for a bad option, kUnavailable if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<XdsServer>> Start(const Options& options,
                                                          const TimeSource& time);
  ~XdsServer();  // Shutdown()

  XdsServer(const XdsServer&) = delete;
  XdsServer& operator=(const XdsServer&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }  // 0 without options.tls_address
  SnapshotCache& cache() { return *cache_; }
  std::vector<ProxyStatus> ListProxies() const { return registry_.ListProxies(); }

  // Ends every stream (clients see UNAVAILABLE and reconnect elsewhere) and stops.
  // Idempotent.
  void Shutdown();

 private:
  explicit XdsServer(const TimeSource& time);

  const TimeSource& time_;
  std::unique_ptr<event::LibeventDispatcher> dispatcher_;
  std::thread dispatcher_thread_;
  std::unique_ptr<SnapshotCache> cache_;
  ProxyRegistry registry_;
  std::unique_ptr<AdsService> ads_;
  std::unique_ptr<MeshStatusService> status_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  int tls_port_ = 0;
  bool shut_down_ = false;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_XDS_SERVER_H_
