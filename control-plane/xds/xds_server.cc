#include "control-plane/xds/xds_server.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::xds {

XdsServer::XdsServer(const TimeSource& time)
    : time_(time), dispatcher_(std::make_unique<event::LibeventDispatcher>(time)) {}

absl::StatusOr<std::unique_ptr<XdsServer>> XdsServer::Start(const Options& options,
                                                            const TimeSource& time) {
  if (options.address.empty() || options.address.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("xds server address \"", options.address, "\" is not host:port"));
  }
  if (options.debounce < absl::ZeroDuration() || options.debounce > absl::Seconds(60)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "xds debounce ", absl::FormatDuration(options.debounce), " is outside [0, 60s]"));
  }
  if (!options.tls_address.empty() &&
      (options.tls_address.find(':') == std::string::npos || options.tls_credentials == nullptr)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "xds TLS address \"", options.tls_address, "\" is not host:port or has no credentials"));
  }
  std::unique_ptr<XdsServer> s(new XdsServer(time));
  s->cache_ = std::make_unique<SnapshotCache>(*s->dispatcher_,
                                              SnapshotCache::Options{options.debounce});
  s->ads_ = std::make_unique<AdsService>(*s->cache_, s->registry_, time, options.metrics);
  s->status_ = std::make_unique<MeshStatusService>(s->registry_);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &s->port_);
  if (!options.tls_address.empty()) {
    builder.AddListeningPort(options.tls_address, options.tls_credentials, &s->tls_port_);
  }
  builder.RegisterService(s->ads_.get());
  builder.RegisterService(s->status_.get());
  for (grpc::Service* extra : options.extra_services) builder.RegisterService(extra);
  // Proxies keep their stream for hours; detect dead peers.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  s->server_ = builder.BuildAndStart();
  if (s->server_ == nullptr || s->port_ == 0 || (!options.tls_address.empty() && s->tls_port_ == 0)) {
    s->server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "cannot serve xDS on ", options.address,
        options.tls_address.empty() ? "" : absl::StrCat(" and ", options.tls_address),
        " (in use, not a local address, or unusable TLS credentials)"));
  }
  event::LibeventDispatcher* d = s->dispatcher_.get();
  s->dispatcher_thread_ = std::thread([d] { d->Run(); });
  WEFT_LOG(kInfo, "xds: serving ADS (sotw+delta) and MeshStatus on %s (port %d), debounce %s",
           options.address, s->port_, absl::FormatDuration(options.debounce));
  if (s->tls_port_ != 0) {
    WEFT_LOG(kInfo, "xds: the same services over TLS on %s (port %d)", options.tls_address,
             s->tls_port_);
  }
  return s;
}

XdsServer::~XdsServer() { Shutdown(); }

void XdsServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ != nullptr) {
    // Streams never end on their own: cancel them after a short grace period.
    server_->Shutdown(absl::ToChronoTime(time_.SystemNow() + absl::Milliseconds(200)));
    server_->Wait();
  }
  if (dispatcher_thread_.joinable()) {
    dispatcher_->Exit();
    dispatcher_thread_.join();
  }
  dispatcher_->RunPosted();
}

}  // namespace weft::xds
