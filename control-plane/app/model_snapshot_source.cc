#include "control-plane/app/model_snapshot_source.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "control-plane/core/model_diff.h"
#include "control-plane/translate/translate.h"

namespace weft::control_plane {
namespace {

std::string MetadataString(const envoy::config::core::v3::Node& node, const std::string& key) {
  auto it = node.metadata().fields().find(key);
  return it == node.metadata().fields().end() ? "" : it->second.string_value();
}

std::shared_ptr<const xds::Snapshot> ToSnapshot(const ResourceMap& resources) {
  auto snapshot = std::make_shared<xds::Snapshot>();
  for (const auto& [type, by_name] : resources) {
    for (const auto& [name, any] : by_name) snapshot->Add(xds::Resource::FromAny(name, any));
  }
  return snapshot;
}

}  // namespace

void ModelSnapshotSource::OnModel(const Model& model) {
  {
    weft::MutexLock lock(&mu_);
    model_ = std::make_shared<const Model>(model);
    version_ = ModelVersion(model);
    memo_.clear();
    ++accepted_;
    last_rejected_ = false;
    if (time_ != nullptr) accepted_time_ = time_->SystemNow();
  }
  WEFT_LOG(kInfo, "model %s accepted: %d services, %d workloads, %d routes",
           ModelVersion(model), static_cast<int>(model.services.size()),
           static_cast<int>(model.workloads.size()),
           static_cast<int>(model.http_routes.size() + model.grpc_routes.size()));
  for (const auto& w : model.warnings) WEFT_LOG(kWarning, "%s", w);
  cache_.NotifyAllChanged();
}

void ModelSnapshotSource::OnRejected(const std::vector<config::ConfigProblem>& problems) {
  std::vector<std::string> lines;
  for (const config::ConfigProblem& p : problems) lines.push_back(p.ToString());
  {
    weft::MutexLock lock(&mu_);
    ++rejected_;
    last_rejected_ = true;
    last_error_ = absl::StrJoin(lines, "\n");
  }
  WEFT_LOG(kError, "manifests rejected; the last good config stays in force:\n%s",
           absl::StrJoin(lines, "\n"));
}

SourceState ModelSnapshotSource::source_state() const {
  weft::MutexLock lock(&mu_);
  SourceState s;
  s.model = model_;
  s.model_version = version_;
  s.models_accepted = accepted_;
  s.models_rejected = rejected_;
  s.last_rejected = last_rejected_;
  s.last_error = last_error_;
  s.last_accepted_time = accepted_time_;
  return s;
}

void ModelSnapshotSource::SetMeshSecurity(const MeshSecurity& security) {
  {
    weft::MutexLock lock(&mu_);
    if (security.enabled == security_.enabled && security.trust_domain == security_.trust_domain &&
        security.trust_bundle_pem == security_.trust_bundle_pem) {
      return;
    }
    security_ = security;
    memo_.clear();
  }
  WEFT_LOG(kInfo, "mTLS between sidecars %s; trust bundle of %d bytes pushed to every proxy",
           security.enabled ? "on" : "off", static_cast<int>(security.trust_bundle_pem.size()));
  cache_.NotifyAllChanged();
}

std::shared_ptr<const xds::Snapshot> ModelSnapshotSource::BuildFor(
    const xds::NodeInfo& node, const xds::Subscriptions& subscriptions) {
  std::shared_ptr<const Model> model;
  std::string version;
  MeshSecurity security;
  {
    weft::MutexLock lock(&mu_);
    model = model_;
    version = version_;
    security = security_;
  }
  if (model == nullptr) return nullptr;  // nothing valid yet: the cache's fallback
  const bool proxyless = MetadataString(node.node, "PROXY_TYPE") != "sidecar";
  std::string key = absl::StrCat(version, "|", node.id, "|", proxyless ? "p" : "s");
  std::vector<std::string> listener_names;
  if (proxyless) {
    auto it = subscriptions.find(xds::kListenerType);
    if (it != subscriptions.end()) {
      listener_names.assign(it->second.names.begin(), it->second.names.end());
    }
    absl::StrAppend(&key, "|", absl::StrJoin(listener_names, ","));
  }
  {
    weft::MutexLock lock(&mu_);
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
  }
  std::shared_ptr<const xds::Snapshot> snapshot;
  if (proxyless) {
    const std::string ns = MetadataString(node.node, "NAMESPACE");
    snapshot = ToSnapshot(BuildProxylessResources(*model, listener_names, ns.empty() ? "default" : ns));
  } else {
    NodeInfo info;
    info.id = node.id;
    const size_t slash = node.id.find('/');
    info.ns = MetadataString(node.node, "NAMESPACE");
    if (info.ns.empty()) info.ns = slash == std::string::npos ? "default" : node.id.substr(0, slash);
    info.workload = MetadataString(node.node, "WORKLOAD");
    if (info.workload.empty()) info.workload = slash == std::string::npos ? node.id : node.id.substr(slash + 1);
    info.service_account = MetadataString(node.node, "SERVICE_ACCOUNT");
    snapshot = ToSnapshot(BuildSidecarResources(*model, info, security));
  }
  weft::MutexLock lock(&mu_);
  if (version == version_ && security.trust_bundle_pem == security_.trust_bundle_pem &&
      security.enabled == security_.enabled) {
    memo_[key] = snapshot;
  }
  return snapshot;
}

uint64_t ModelSnapshotSource::models_accepted() const {
  weft::MutexLock lock(&mu_);
  return accepted_;
}

uint64_t ModelSnapshotSource::models_rejected() const {
  weft::MutexLock lock(&mu_);
  return rejected_;
}

std::string ModelSnapshotSource::model_version() const {
  weft::MutexLock lock(&mu_);
  return version_;
}

}  // namespace weft::control_plane
