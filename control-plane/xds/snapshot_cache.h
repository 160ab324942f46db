#ifndef WEFT_CONTROL_PLANE_XDS_SNAPSHOT_CACHE_H_
#define WEFT_CONTROL_PLANE_XDS_SNAPSHOT_CACHE_H_

// Where the ADS server gets what to send, and how it learns that something changed.
//
// A proxy's snapshot is, in order of precedence:
//   1. the snapshot set for its node id with SetSnapshot(), else
//   2. what the SnapshotSource builds for it (per-proxy scoping, on-demand names such
//      as the listener names proxyless gRPC clients ask for), else
//   3. the default snapshot (SetDefaultSnapshot), else an empty one.
//
// Changes (SetSnapshot, SetDefaultSnapshot, Notify*) are coalesced by a Debouncer on
// the dispatcher: after at most `debounce` every connected stream whose node is
// affected is told, re-fetches its snapshot and pushes what differs.
//
//   SnapshotCache cache(dispatcher, {.debounce = absl::Milliseconds(100)});
//   cache.SetSource(&translator);          // or SetSnapshot per node
//   ...                                    // model changed:
//   cache.NotifyAllChanged();
//
// Thread-safe. Watchers are called on the dispatcher's thread. The dispatcher must
// outlive the cache, and the cache must be destroyed after the dispatcher has stopped
// running (or on its thread), since changes post work to it.

#include <condition_variable>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "common/sync/mutex.h"
#include "control-plane/xds/debouncer.h"
#include "control-plane/xds/snapshot.h"
#include "envoy/config/core/v3/base.pb.h"

namespace weft::xds {

// Who is asking: the Node of the stream's first request.
struct NodeInfo {
  std::string id;  // Node.id, "<namespace>/<workload>" for sidecars
  envoy::config::core::v3::Node node;
};

// What one stream has asked for, per type URL.
struct TypeSubscription {
  bool wildcard = false;        // all resources of the type
  std::set<std::string> names;  // plus these (on-demand names may not exist yet)
};
using Subscriptions = std::map<std::string, TypeSubscription, std::less<>>;

// The resources of `all` that `subscription` covers, in name order.
std::vector<const Resource*> InScope(const ResourceMap& all, const TypeSubscription& subscription);

// Builds a proxy's snapshot on demand. Implemented by the translation layer.
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  // Called on gRPC and dispatcher threads, concurrently for different streams: must
  // be thread-safe, must not block for long and must not call back into the cache
  // except Notify*/SetSnapshot. May return nullptr for "nothing for this node".
  // `subscriptions` lets it build only what was asked (e.g. the LDS names of a
  // proxyless client); returning more is fine, the server filters by subscription.
  virtual std::shared_ptr<const Snapshot> BuildFor(const NodeInfo& node,
                                                   const Subscriptions& subscriptions) = 0;
};

// Which nodes a change affects.
struct ChangedNodes {
  bool all = false;
  absl::flat_hash_set<std::string> nodes;
  bool Contains(const std::string& node_id) const { return all || nodes.contains(node_id); }
};

// Implemented by ADS streams.
class SnapshotWatcher {
 public:
  virtual ~SnapshotWatcher() = default;
  // Called on the cache's dispatcher thread; must not block or call RemoveWatcher.
  virtual void OnSnapshotsChanged(const ChangedNodes& changed) = 0;
};

class SnapshotCache {
 public:
  struct Options {
    absl::Duration debounce = absl::Milliseconds(100);
  };

  SnapshotCache(event::Dispatcher& dispatcher, Options options);
  ~SnapshotCache();

  SnapshotCache(const SnapshotCache&) = delete;
  SnapshotCache& operator=(const SnapshotCache&) = delete;

  // Sets (replaces) the snapshot of one node.
  void SetSnapshot(const std::string& node_id, std::shared_ptr<const Snapshot> snapshot);
  // Forgets a node's snapshot; it falls back to the source / default.
  void ClearSnapshot(const std::string& node_id);
  // The snapshot of nodes that have neither their own snapshot nor a source result.
  void SetDefaultSnapshot(std::shared_ptr<const Snapshot> snapshot);
  // `source` is not owned and must outlive the cache (or be reset to nullptr first).
  void SetSource(SnapshotSource* source);
  // The source's output changed for every node / for one node.
  void NotifyAllChanged();
  void NotifyNodeChanged(const std::string& node_id);

  // The snapshot to send to `node` now; never nullptr.
  std::shared_ptr<const Snapshot> Fetch(const NodeInfo& node,
                                        const Subscriptions& subscriptions) const;

  // Not owned; must be removed before it is destroyed. RemoveWatcher waits for a
  // running notification of that watcher to finish, so after it returns the
  // watcher is not called; called from inside a notification (a stream that ends
  // while being notified) it does not wait.
  void AddWatcher(SnapshotWatcher* watcher);
  void RemoveWatcher(SnapshotWatcher* watcher);

  // Number of coalesced notifications delivered so far (for tests and metrics).
  uint64_t notifications() const;

 private:
  void MarkChanged(const std::string* node_id);  // nullptr: all nodes
  void Flush();                                  // on the dispatcher thread

  event::Dispatcher& dispatcher_;
  Debouncer debouncer_;  // dispatcher thread only

  mutable weft::Mutex data_mu_;
  std::map<std::string, std::shared_ptr<const Snapshot>, std::less<>> snapshots_
      ABSL_GUARDED_BY(data_mu_);
  std::shared_ptr<const Snapshot> default_snapshot_ ABSL_GUARDED_BY(data_mu_);
  SnapshotSource* source_ ABSL_GUARDED_BY(data_mu_) = nullptr;
  ChangedNodes pending_ ABSL_GUARDED_BY(data_mu_);
  bool trigger_posted_ ABSL_GUARDED_BY(data_mu_) = false;
  uint64_t notifications_ ABSL_GUARDED_BY(data_mu_) = 0;

  // Watchers are notified without holding watchers_mu_, so that a watcher may
  // end (and remove itself) from inside its notification.
  weft::Mutex watchers_mu_;
  std::set<SnapshotWatcher*> watchers_ ABSL_GUARDED_BY(watchers_mu_);
  SnapshotWatcher* notifying_ ABSL_GUARDED_BY(watchers_mu_) = nullptr;
  std::thread::id notifying_thread_ ABSL_GUARDED_BY(watchers_mu_);
  std::condition_variable_any notified_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_SNAPSHOT_CACHE_H_
