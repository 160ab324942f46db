#include "control-plane/xds/delta_stream.h"

#include <algorithm>
#include <utility>

namespace weft::xds {

using envoy::service::discovery::v3::DeltaDiscoveryRequest;
using envoy::service::discovery::v3::DeltaDiscoveryResponse;

grpc::Status DeltaStream::HandleRequestLocked(const DeltaDiscoveryRequest& request) {
  const std::string& type_url = request.type_url();
  if (type_url.empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "DeltaDiscoveryRequest.type_url is empty (ADS needs it on every request)");
  }
  auto [it, inserted] = types_.try_emplace(type_url, type_url, metrics(), time_source());
  TypeState& t = it->second;

  const std::string& nonce = request.response_nonce();
  if (!nonce.empty()) {
    if (request.has_error_detail()) {
      t.tracker.OnNack(nonce, request.error_detail().message(), Now());
      WEFT_LOG(kWarning, "xds: NACK from node \"%s\" (%s) type=%s nonce=%s: %s", node().id, peer(),
               type_url, nonce, request.error_detail().message());
    } else {
      t.tracker.OnAck(nonce);
    }
  }

  if (inserted) {
    for (const auto& [name, version] : request.initial_resource_versions()) {
      t.known[name] = version;
    }
    if (request.resource_names_subscribe().empty() && IsWildcardCapable(type_url)) {
      t.subscription.wildcard = true;  // legacy wildcard
    }
    t.dirty = true;
    t.force = true;
  }
  for (const std::string& name : request.resource_names_subscribe()) {
    if (name == "*") {
      t.subscription.wildcard = true;
    } else {
      t.subscription.names.insert(name);
    }
    t.dirty = true;
  }
  for (const std::string& name : request.resource_names_unsubscribe()) {
    if (name == "*") {
      t.subscription.wildcard = false;
      // The client forgets what it no longer asks for; so do we.
      for (auto k = t.known.begin(); k != t.known.end();) {
        k = t.subscription.names.count(k->first) ? std::next(k) : t.known.erase(k);
      }
    } else {
      t.subscription.names.erase(name);
      if (!t.subscription.wildcard) t.known.erase(name);
    }
    t.dirty = true;
  }
  return grpc::Status::OK;
}

void DeltaStream::MarkAllDirtyLocked() {
  for (auto& [type_url, t] : types_) t.dirty = true;
}

bool DeltaStream::BuildNextLocked(DeltaDiscoveryResponse* out) {
  std::vector<TypeState*> dirty = DirtyInPushOrder(types_);
  if (dirty.empty()) return false;

  Subscriptions subscriptions;
  for (const auto& [type_url, t] : types_) subscriptions[type_url] = t.subscription;
  std::shared_ptr<const Snapshot> snapshot = cache().Fetch(node(), subscriptions);

  for (TypeState* t : dirty) {
    t->dirty = false;
    const std::string& type_url = t->tracker.status().type_url;
    const ResourceMap& all = snapshot->Resources(type_url);

    std::vector<const Resource*> in_scope = InScope(all, t->subscription);

    size_t bytes = 0;
    bool truncated = false;
    std::vector<const Resource*> changed;
    for (const Resource* r : in_scope) {
      auto k = t->known.find(r->name);
      if (k != t->known.end() && k->second == r->version) continue;
      if (!changed.empty() && bytes + r->body.value().size() > kMaxResponseBytes) {
        truncated = true;
        break;
      }
      bytes += r->body.value().size();
      changed.push_back(r);
    }
    std::vector<std::string> removed;
    for (auto k = t->known.begin(); k != t->known.end();) {
      const bool subscribed = t->subscription.wildcard || t->subscription.names.count(k->first);
      if (!subscribed) {
        k = t->known.erase(k);  // known from initial_resource_versions, never asked for
        continue;
      }
      if (all.find(k->first) == all.end()) removed.push_back(k->first);
      ++k;
    }
    if (changed.empty() && removed.empty() && !t->force) continue;
    t->force = false;
    if (truncated) t->dirty = true;  // the rest goes in the next response

    out->set_type_url(type_url);
    out->set_system_version_info(VersionOf(in_scope));
    out->set_nonce(NextNonce());
    for (const Resource* r : changed) {
      auto* res = out->add_resources();
      res->set_name(r->name);
      res->set_version(r->version);
      *res->mutable_resource() = r->body;
      t->known[r->name] = r->version;
    }
    for (std::string& name : removed) {
      t->known.erase(name);
      out->add_removed_resources(std::move(name));
    }
    t->tracker.OnSent(out->nonce(), out->system_version_info());
    return true;
  }
  return false;
}

std::vector<TypeSyncStatus> DeltaStream::TypeStatusesLocked() const {
  std::vector<TypeSyncStatus> out;
  for (const auto& [type_url, t] : types_) out.push_back(t.tracker.status());
  return out;
}

}  // namespace weft::xds
