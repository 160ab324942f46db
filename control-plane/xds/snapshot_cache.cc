#include "control-plane/xds/snapshot_cache.h"

#include <vector>

#include <utility>

namespace weft::xds {

SnapshotCache::SnapshotCache(event::Dispatcher& dispatcher, Options options)
    : dispatcher_(dispatcher), debouncer_(dispatcher, options.debounce, [this] { Flush(); }) {}

SnapshotCache::~SnapshotCache() = default;

void SnapshotCache::SetSnapshot(const std::string& node_id,
                                std::shared_ptr<const Snapshot> snapshot) {
  {
    weft::MutexLock lock(&data_mu_);
    if (snapshot == nullptr) {
      snapshots_.erase(node_id);
    } else {
      snapshots_[node_id] = std::move(snapshot);
    }
  }
  MarkChanged(&node_id);
}

void SnapshotCache::ClearSnapshot(const std::string& node_id) { SetSnapshot(node_id, nullptr); }

void SnapshotCache::SetDefaultSnapshot(std::shared_ptr<const Snapshot> snapshot) {
  {
    weft::MutexLock lock(&data_mu_);
    default_snapshot_ = std::move(snapshot);
  }
  MarkChanged(nullptr);
}

void SnapshotCache::SetSource(SnapshotSource* source) {
  {
    weft::MutexLock lock(&data_mu_);
    source_ = source;
  }
  MarkChanged(nullptr);
}

void SnapshotCache::NotifyAllChanged() { MarkChanged(nullptr); }

void SnapshotCache::NotifyNodeChanged(const std::string& node_id) { MarkChanged(&node_id); }

std::shared_ptr<const Snapshot> SnapshotCache::Fetch(const NodeInfo& node,
                                                     const Subscriptions& subscriptions) const {
  SnapshotSource* source;
  std::shared_ptr<const Snapshot> fallback;
  {
    weft::MutexLock lock(&data_mu_);
    auto it = snapshots_.find(node.id);
    if (it != snapshots_.end()) return it->second;
    source = source_;
    fallback = default_snapshot_;
  }
  if (source != nullptr) {
    // Called without data_mu_ so that a source may SetSnapshot/Notify.
    std::shared_ptr<const Snapshot> built = source->BuildFor(node, subscriptions);
    if (built != nullptr) return built;
  }
  if (fallback != nullptr) return fallback;
  static const std::shared_ptr<const Snapshot>* const kEmpty =
      new std::shared_ptr<const Snapshot>(std::make_shared<const Snapshot>());
  return *kEmpty;
}

std::vector<const Resource*> InScope(const ResourceMap& all, const TypeSubscription& subscription) {
  std::vector<const Resource*> in_scope;
  if (subscription.wildcard) {
    for (const auto& [name, r] : all) in_scope.push_back(r.get());
    return in_scope;
  }
  for (const std::string& name : subscription.names) {
    auto it = all.find(name);
    if (it != all.end()) in_scope.push_back(it->second.get());
  }
  return in_scope;
}

void SnapshotCache::AddWatcher(SnapshotWatcher* watcher) {
  weft::MutexLock lock(&watchers_mu_);
  watchers_.insert(watcher);
}

void SnapshotCache::RemoveWatcher(SnapshotWatcher* watcher) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  std::unique_lock<weft::Mutex> lock(watchers_mu_);
  watchers_.erase(watcher);
  if (notifying_thread_ == std::this_thread::get_id()) return;  // from inside a notification
  notified_.wait(lock, [&] { return notifying_ != watcher; });
}

uint64_t SnapshotCache::notifications() const {
  weft::MutexLock lock(&data_mu_);
  return notifications_;
}

void SnapshotCache::MarkChanged(const std::string* node_id) {
  bool post;
  {
    weft::MutexLock lock(&data_mu_);
    if (node_id == nullptr) {
      pending_.all = true;
      pending_.nodes.clear();
    } else if (!pending_.all) {
      pending_.nodes.insert(*node_id);
    }
    post = !trigger_posted_;
    trigger_posted_ = true;
  }
  // One post per burst; the debouncer (dispatcher thread) does the coalescing in time.
  if (post) {
    dispatcher_.Post([this] {
      {
        weft::MutexLock lock(&data_mu_);
        trigger_posted_ = false;
      }
      debouncer_.Trigger();
    });
  }
}

void SnapshotCache::Flush() {
  ChangedNodes changed;
  {
    weft::MutexLock lock(&data_mu_);
    changed = std::move(pending_);
    pending_ = ChangedNodes();
    if (!changed.all && changed.nodes.empty()) return;
    ++notifications_;
  }
  std::vector<SnapshotWatcher*> watchers;
  {
    weft::MutexLock lock(&watchers_mu_);
    watchers.assign(watchers_.begin(), watchers_.end());
    notifying_thread_ = std::this_thread::get_id();
  }
  for (SnapshotWatcher* w : watchers) {
    {
      weft::MutexLock lock(&watchers_mu_);
      if (!watchers_.count(w)) continue;  // removed meanwhile
      notifying_ = w;
    }
    w->OnSnapshotsChanged(changed);
    {
      weft::MutexLock lock(&watchers_mu_);
      notifying_ = nullptr;
    }
    notified_.notify_all();
  }
  weft::MutexLock lock(&watchers_mu_);
  notifying_thread_ = std::thread::id();
}

}  // namespace weft::xds
