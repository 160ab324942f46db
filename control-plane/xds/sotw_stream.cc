#include "control-plane/xds/sotw_stream.h"

#include <algorithm>
#include <utility>

namespace weft::xds {

using envoy::service::discovery::v3::DiscoveryRequest;
using envoy::service::discovery::v3::DiscoveryResponse;

grpc::Status SotwStream::HandleRequestLocked(const DiscoveryRequest& request) {
  const std::string& type_url = request.type_url();
  if (type_url.empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "DiscoveryRequest.type_url is empty (ADS needs it on every request)");
  }
  auto [it, inserted] = types_.try_emplace(type_url, type_url, metrics(), time_source());
  TypeState& t = it->second;
  const std::string& nonce = request.response_nonce();

  if (!nonce.empty()) {
    if (!t.tracker.IsCurrentNonce(nonce)) {
      // Answers a response that has been superseded: the client will answer the
      // newer one too, with its then-current subscription.
      WEFT_LOG(kDebug, "xds: node \"%s\" %s: stale nonce %s ignored", node().id, type_url, nonce);
      return grpc::Status::OK;
    }
    if (request.has_error_detail()) {
      t.tracker.OnNack(nonce, request.error_detail().message(), Now());
      WEFT_LOG(kWarning,
               "xds: NACK from node \"%s\" (%s) type=%s version=%s nonce=%s "
               "(client keeps version %s): %s",
               node().id, peer(), type_url, t.sent_version, nonce,
               request.version_info().empty() ? "<none>" : request.version_info(),
               request.error_detail().message());
    } else {
      t.tracker.OnAck(nonce);
    }
  }

  TypeSubscription sub;
  for (const std::string& name : request.resource_names()) {
    if (name == "*") {
      sub.wildcard = true;
    } else {
      sub.names.insert(name);
    }
  }
  if (request.resource_names().empty() && IsWildcardCapable(type_url)) sub.wildcard = true;

  if (inserted || sub.wildcard != t.subscription.wildcard || sub.names != t.subscription.names) {
    t.subscription = std::move(sub);
    t.dirty = true;
    t.force = true;
  }
  return grpc::Status::OK;
}

void SotwStream::MarkAllDirtyLocked() {
  for (auto& [type_url, t] : types_) t.dirty = true;
}

bool SotwStream::BuildNextLocked(DiscoveryResponse* out) {
  std::vector<TypeState*> dirty = DirtyInPushOrder(types_);
  if (dirty.empty()) return false;

  Subscriptions subscriptions;
  for (const auto& [type_url, t] : types_) subscriptions[type_url] = t.subscription;
  std::shared_ptr<const Snapshot> snapshot = cache().Fetch(node(), subscriptions);

  for (TypeState* t : dirty) {
    t->dirty = false;
    const std::string& type_url = t->tracker.status().type_url;
    const ResourceMap& all = snapshot->Resources(type_url);
    std::vector<const Resource*> send = InScope(all, t->subscription);
    std::string version = VersionOf(send);
    if (!t->force && version == t->sent_version) continue;
    t->force = false;

    out->set_type_url(type_url);
    out->set_version_info(version);
    out->set_nonce(NextNonce());
    for (const Resource* r : send) *out->add_resources() = r->body;
    t->sent_version = version;
    t->tracker.OnSent(out->nonce(), version);
    return true;
  }
  return false;
}

std::vector<TypeSyncStatus> SotwStream::TypeStatusesLocked() const {
  std::vector<TypeSyncStatus> out;
  for (const auto& [type_url, t] : types_) out.push_back(t.tracker.status());
  return out;
}

}  // namespace weft::xds
