#include "proxy/xds/ads_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "proxy/config/config_json.h"
#include "proxy/xds/backoff.h"

namespace weft::xds {
namespace {

// Moves one delta response's changes into `resources` for its type. Returns
// false with `error` when a resource does not parse as its type.
bool ApplyDelta(const envoy::service::discovery::v3::DeltaDiscoveryResponse& response,
                XdsResources& resources, std::map<std::string, std::string>& versions,
                std::string* error) {
  const std::string& type = response.type_url();
  auto upsert = [&](auto& map, const envoy::service::discovery::v3::Resource& r) -> bool {
    typename std::decay_t<decltype(map)>::mapped_type msg;
    if (!r.resource().UnpackTo(&msg)) {
      *error = absl::StrCat(r.name(), ": resource does not parse as ", type);
      return false;
    }
    map[r.name()] = std::move(msg);
    versions[r.name()] = r.version();
    return true;
  };
  for (const auto& r : response.resources()) {
    bool ok = true;
    if (type == kListenerType) {
      ok = upsert(resources.listeners, r);
    } else if (type == kRouteType) {
      ok = upsert(resources.routes, r);
    } else if (type == kClusterType) {
      ok = upsert(resources.clusters, r);
    } else if (type == kEndpointType) {
      ok = upsert(resources.endpoints, r);
    } else if (type == kSecretType) {
      ok = upsert(resources.secrets, r);
    } else {
      *error = absl::StrCat("unexpected type ", type);
      return false;
    }
    if (!ok) return false;
  }
  for (const std::string& name : response.removed_resources()) {
    if (type == kRouteType) resources.routes.erase(name);
    if (type == kClusterType) resources.clusters.erase(name);
    if (type == kEndpointType) resources.endpoints.erase(name);
    if (type == kListenerType) resources.listeners.erase(name);
    if (type == kSecretType) resources.secrets.erase(name);
    versions.erase(name);
  }
  return true;
}

}  // namespace

AdsClient::AdsClient(AdsClientOptions options, Applier apply, const TimeSource& time,
                     uint64_t random_seed)
    : options_(std::move(options)), apply_(std::move(apply)), time_(time), random_(random_seed) {
  // gRPC's own reconnect backoff would stack on top of ours (a stream opened while
  // the channel backs off fails at once with the old error); keep it short, and
  // let streams wait for the channel to be ready instead.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  if (!options_.server_name.empty()) args.SetSslTargetNameOverride(options_.server_name);
  channel_ = grpc::CreateCustomChannel(
      options_.server,
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureChannelCredentials(),
      args);
  stub_ = envoy::service::discovery::v3::AggregatedDiscoveryService::NewStub(channel_);
}

AdsClient::~AdsClient() { Stop(); }

void AdsClient::Start() {
  thread_ = std::thread([this] { Run(); });
}

void AdsClient::Stop() {
  {
    weft::MutexLock lock(&mu_);
    stopping_ = true;
    if (context_ != nullptr) context_->TryCancel();
  }
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

AdsClientStatus AdsClient::status() const {
  weft::MutexLock lock(&mu_);
  return status_;
}

void AdsClient::Run() {
  Backoff backoff(options_.initial_backoff, options_.max_backoff, random_);
  while (true) {
    {
      weft::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (RunStream()) backoff.Reset();
    const absl::Duration wait = backoff.Next();
    WEFT_LOG(kWarning, "xds: stream to %s ended; serving the last good config, retrying in %s",
             options_.server, absl::FormatDuration(wait));
    std::unique_lock<std::mutex> lock(wake_mu_);
    wake_.wait_for(lock, absl::ToChronoMilliseconds(wait), [this] {
      weft::MutexLock l(&mu_);
      return stopping_;
    });
  }
}

bool AdsClient::Subscribe(Stream& stream, absl::string_view type_view,
                          const std::set<std::string>& names, bool initial) {
  const std::string type(type_view);
  std::set<std::string>& current = subscribed_[type];
  Request req;
  req.set_type_url(type);
  if (initial) {
    *req.mutable_node() = options_.node;
    // What we already hold, so that a reconnect sends only what changed.
    for (const auto& [name, version] : versions_[type]) {
      (*req.mutable_initial_resource_versions())[name] = version;
    }
    current.clear();
  }
  for (const std::string& n : names) {
    if (!current.count(n)) req.add_resource_names_subscribe(n);
  }
  for (const std::string& n : current) {
    if (!names.count(n)) req.add_resource_names_unsubscribe(n);
  }
  if (!initial && req.resource_names_subscribe().empty() &&
      req.resource_names_unsubscribe().empty()) {
    return true;
  }
  current = names;
  return stream.Write(req);
}

void AdsClient::SubscribeDependencies(Stream& stream) {
  std::vector<std::string> routes = ReferencedRouteConfigs(resources_);
  std::vector<std::string> assignments = ReferencedAssignments(resources_);
  Subscribe(stream, kRouteType, std::set<std::string>(routes.begin(), routes.end()), false);
  Subscribe(stream, kEndpointType,
            std::set<std::string>(assignments.begin(), assignments.end()), false);
  std::vector<std::string> secrets = ReferencedSecrets(resources_);
  Subscribe(stream, kSecretType, std::set<std::string>(secrets.begin(), secrets.end()), false);
}

bool AdsClient::RunStream() {
  grpc::ClientContext context;
  // Wait for the control plane to be reachable rather than failing at once; Stop()
  // cancels the wait.
  context.set_wait_for_ready(true);
  {
    weft::MutexLock lock(&mu_);
    if (stopping_) return false;
    context_ = &context;
  }
  std::unique_ptr<Stream> stream = stub_->DeltaAggregatedResources(&context);
  bool received = false;
  // Wildcard for listeners and clusters; routes and assignments by name.
  bool ok = Subscribe(*stream, kClusterType, {"*"}, true) &&
            Subscribe(*stream, kListenerType, {"*"}, true);
  std::vector<std::string> routes = ReferencedRouteConfigs(resources_);
  std::vector<std::string> assignments = ReferencedAssignments(resources_);
  ok = ok && Subscribe(*stream, kRouteType, std::set<std::string>(routes.begin(), routes.end()),
                       true);
  ok = ok && Subscribe(*stream, kEndpointType,
                       std::set<std::string>(assignments.begin(), assignments.end()), true);
  std::vector<std::string> secrets = ReferencedSecrets(resources_);
  ok = ok && Subscribe(*stream, kSecretType, std::set<std::string>(secrets.begin(), secrets.end()),
                       true);
  Response response;
  while (ok && stream->Read(&response)) {
    if (!received) {
      received = true;
      weft::MutexLock lock(&mu_);
      status_.connected = true;
      WEFT_LOG(kInfo, "xds: connected to %s", options_.server);
    }
    HandleResponse(*stream, response);
  }
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  {
    weft::MutexLock lock(&mu_);
    context_ = nullptr;
    status_.connected = false;
  }
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    WEFT_LOG(kWarning, "xds: stream error: %s", status.error_message());
  }
  return received;
}

void AdsClient::HandleResponse(Stream& stream, const Response& response) {
  XdsResources candidate = resources_;
  std::map<std::string, std::string> candidate_versions = versions_[response.type_url()];
  std::string error;
  absl::Status applied = absl::OkStatus();
  if (!ApplyDelta(response, candidate, candidate_versions, &error)) {
    applied = absl::InvalidArgumentError(error);
  } else {
    applied = apply_(candidate);
  }
  Request ack;
  ack.set_type_url(response.type_url());
  ack.set_response_nonce(response.nonce());
  if (applied.ok()) {
    resources_ = std::move(candidate);
    versions_[response.type_url()] = std::move(candidate_versions);
    weft::MutexLock lock(&mu_);
    ++status_.updates_applied;
    status_.last_update = time_.SystemNow();
    status_.last_update_by_type[response.type_url()] = status_.last_update;
    ++status_.applied_by_type[response.type_url()];
    status_.versions = versions_;
  } else {
    ack.mutable_error_detail()->set_code(static_cast<int>(absl::StatusCode::kInvalidArgument));
    ack.mutable_error_detail()->set_message(std::string(applied.message()));
    WEFT_LOG(kError, "xds: rejected %s (nonce %s), keeping the last good config:\n%s",
             response.type_url(), response.nonce(), std::string(applied.message()));
    weft::MutexLock lock(&mu_);
    ++status_.updates_rejected;
    ++status_.rejected_by_type[response.type_url()];
    status_.last_error = std::string(applied.message());
  }
  stream.Write(ack);
  if (applied.ok()) SubscribeDependencies(stream);
}

std::string StatusJson(const AdsClientStatus& status) {
  std::string out = absl::StrCat(
      "{\n  \"connected\": ", status.connected ? "true" : "false",
      ",\n  \"updates_applied\": ", status.updates_applied,
      ",\n  \"updates_rejected\": ", status.updates_rejected,
      ",\n  \"last_update\": ", config::JsonQuote(absl::FormatTime(status.last_update)),
      ",\n  \"last_error\": ", config::JsonQuote(status.last_error), ",\n  \"versions\": {");
  bool first_type = true;
  for (const auto& [type, names] : status.versions) {
    absl::StrAppend(&out, first_type ? "\n    " : ",\n    ", config::JsonQuote(type), ": {");
    bool first = true;
    for (const auto& [name, version] : names) {
      absl::StrAppend(&out, first ? "" : ", ", config::JsonQuote(name), ": ",
                      config::JsonQuote(version));
      first = false;
    }
    out += "}";
    first_type = false;
  }
  out += "\n  }\n}\n";
  return out;
}

}  // namespace weft::xds
