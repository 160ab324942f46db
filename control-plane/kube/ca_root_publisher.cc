#include "control-plane/kube/ca_root_publisher.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/json/json_value.h"
#include "common/log/log.h"
#include "control-plane/inject/injection_config.h"

namespace weft::control_plane::kube {
namespace {

using json::Json;

constexpr int kMaxNamespacePages = 100;

std::string ConfigMapPath(const std::string& ns) {
  return absl::StrCat("/api/v1/namespaces/", ns, "/configmaps/", inject::kCaRootConfigMap);
}

Json Data(const std::string& bundle) {
  Json data = Json::Object();
  data.Set(inject::kCaRootKey, Json::String(bundle));
  return data;
}

// Every namespace's name (paged); kUnavailable naming the problem.
absl::StatusOr<std::vector<std::string>> ListNamespaces(ApiTransport& transport) {
  std::vector<std::string> names;
  std::string next;
  for (int page = 0; page < kMaxNamespacePages; ++page) {
    absl::StatusOr<ApiTransport::Response> r = transport.Get(
        absl::StrCat("/api/v1/namespaces?limit=500", next.empty() ? "" : "&continue=", next));
    if (!r.ok()) return r.status();
    if (r->status != 200) return absl::UnavailableError(absl::StrCat("HTTP ", r->status));
    absl::StatusOr<Json> list = Json::Parse(r->body);
    if (!list.ok()) return absl::UnavailableError(absl::StrCat("bad list: ", list.status().message()));
    for (const Json& item : (*list)["items"].items()) {
      if (item["status"].Text("phase") == "Terminating") continue;
      names.push_back(item["metadata"].Text("name"));
    }
    next = (*list)["metadata"].Text("continue");
    if (next.empty()) return names;
  }
  return absl::UnavailableError("too many namespace pages");
}

}  // namespace

bool CaRootPublisher::Write(const std::string& ns, const std::string& bundle) {
  Json patch = Json::Object();
  patch.Set("data", Data(bundle));
  absl::StatusOr<ApiTransport::Response> r = transport_.Send(
      "PATCH", ConfigMapPath(ns), "application/merge-patch+json", patch.DumpCompact());
  if (r.ok() && r->status == 404) {
    Json labels = Json::Object();
    labels.Set("app.kubernetes.io/part-of", Json::String("weft"));
    Json meta = Json::Object();
    meta.Set("name", Json::String(inject::kCaRootConfigMap));
    meta.Set("namespace", Json::String(ns));
    meta.Set("labels", std::move(labels));
    Json config_map = Json::Object();
    config_map.Set("apiVersion", Json::String("v1"));
    config_map.Set("kind", Json::String("ConfigMap"));
    config_map.Set("metadata", std::move(meta));
    config_map.Set("data", Data(bundle));
    r = transport_.Send("POST", absl::StrCat("/api/v1/namespaces/", ns, "/configmaps"),
                        "application/json", config_map.DumpCompact());
  }
  if (r.ok() && (r->status == 200 || r->status == 201)) return true;
  WEFT_LOG(kWarning, "ca root: cannot write ConfigMap %s/%s: %s (retry next pass)", ns,
           inject::kCaRootConfigMap,
           r.ok() ? absl::StrCat("HTTP ", r->status) : std::string(r.status().message()));
  return false;
}

void CaRootPublisher::PublishPass() {
  if (!is_leader_()) {
    written_.clear();
    return;
  }
  const std::string bundle = bundle_();
  if (bundle.empty()) return;
  absl::StatusOr<std::vector<std::string>> namespaces = ListNamespaces(transport_);
  if (!namespaces.ok()) {
    WEFT_LOG(kWarning, "ca root: cannot list namespaces: %s", namespaces.status().message());
    return;
  }
  std::map<std::string, std::string> still;
  for (const std::string& ns : *namespaces) {
    if (options_.skip_namespaces.count(ns) > 0) continue;
    auto written = written_.find(ns);
    if (written != written_.end() && written->second == bundle) {
      still[ns] = bundle;
      continue;
    }
    if (!is_leader_()) return;  // lost the lease meanwhile: not one more write
    if (Write(ns, bundle)) {
      still[ns] = bundle;
      weft::MutexLock lock(&mu_);
      ++writes_;
    }
  }
  written_ = std::move(still);  // forget deleted namespaces
}

void CaRootPublisher::Run() {
  PublishPass();
  while (sleeper_.SleepFor(options_.pass_interval)) PublishPass();
}

void CaRootPublisher::Stop() {
  sleeper_.Wake();
  transport_.Cancel();
}

std::unique_ptr<CaRootPublisher::Running> CaRootPublisher::StartThread(
    const KubeSource::TransportFactory& transports, BundleSource bundle, IsLeader is_leader) {
  std::unique_ptr<Running> running(new Running);
  running->transport_ = transports();
  running->publisher_ = std::make_unique<CaRootPublisher>(
      Options{}, *running->transport_, running->sleeper_, std::move(bundle), std::move(is_leader));
  CaRootPublisher* publisher = running->publisher_.get();
  running->thread_ = std::thread([publisher] { publisher->Run(); });
  return running;
}

CaRootPublisher::Running::~Running() {
  publisher_->Stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace weft::control_plane::kube
