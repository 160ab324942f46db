#ifndef WEFT_CONTROL_PLANE_KUBE_REFLECTOR_H_
#define WEFT_CONTROL_PLANE_KUBE_REFLECTOR_H_

// Mirrors one resource type of the Kubernetes API into a local store, the way
// client-go's reflector does:
//
//   LIST   in pages (`limit`, `continue`), assembled in full and then swapped in
//          for the old store in one step; a continue token that expired (410)
//          restarts the list once without pagination.
//   WATCH  from the list's resourceVersion with bookmarks and a server-side
//          timeout; ADDED/MODIFIED/DELETED update the store, BOOKMARK only moves
//          the resourceVersion; a stream the server ends cleanly is re-opened at
//          once from the last resourceVersion seen.
//   410    (HTTP, or an ERROR event with code 410): the history we would resume
//          from is gone; LIST again.
//   errors a dropped connection, a 5xx, garbage: wait (exponential backoff with
//          full jitter) and resume the WATCH from the last resourceVersion.
//   404    on the LIST of an optional type (a CRD that is not installed): the
//          type counts as synced and empty, with a warning; retried later.
//
// The store is never cleared on errors: a slow or restarting API server leaves
// the mesh with what it last knew.
//
//   Reflector pods(PodsType(), {}, transport, DecodePod, sleeper, random,
//                  [&] { source.OnReflectorChange(); });
//   std::thread t([&] { pods.Run(); });
//   ...; pods.Stop(); t.join();
//
// Threading: Run/Step on one thread (blocking); Stop and the accessors from any
// thread. `on_change` is called on the Run thread, without locks held, whenever
// the store changes in a way the model can see (not for SameForTheModel updates).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/random/random.h"
#include "common/sync/mutex.h"
#include "control-plane/kube/api_transport.h"
#include "control-plane/kube/kube_object.h"
#include "control-plane/kube/sleeper.h"
#include "proxy/resilience/retry_backoff.h"
#include "yaml-cpp/yaml.h"

namespace weft::control_plane::kube {

struct ResourceType {
  std::string kind;         // "Pod", as in watch events' objects
  std::string api_version;  // "v1", "discovery.k8s.io/v1"
  std::string plural;       // "pods"
  bool optional = false;    // a CRD that may be missing (404 is not an error)

  // "/api/v1/pods", "/apis/discovery.k8s.io/v1/endpointslices".
  std::string ListPath() const;
};

class Reflector {
 public:
  struct Options {
    int64_t page_size = 500;
    int64_t watch_timeout_seconds = 300;
    resilience::RetryBackoff::Options backoff{absl::Milliseconds(250), absl::Seconds(30)};
    absl::Duration missing_type_retry = absl::Seconds(30);
  };
  // Decodes one object (kind and apiVersion already set). Never throws.
  using Decoder = std::function<std::shared_ptr<const KubeObject>(const YAML::Node& object)>;
  using Store = std::map<ObjectKey, std::shared_ptr<const KubeObject>>;

  struct Stats {
    uint64_t lists = 0;         // complete LISTs
    uint64_t list_pages = 0;
    uint64_t relists_gone = 0;  // 410s that forced a LIST
    uint64_t watches = 0;       // WATCH requests
    uint64_t events = 0;        // ADDED/MODIFIED/DELETED applied
    uint64_t unchanged_events = 0;  // of those, updates the model cannot see (no on_change)
    uint64_t bookmarks = 0;
    uint64_t errors = 0;        // failures followed by a backoff
  };

  // `transport`, `sleeper` and `random` must outlive the reflector.
  Reflector(ResourceType type, Options options, ApiTransport& transport, Decoder decoder,
            Sleeper& sleeper, RandomGenerator& random, std::function<void()> on_change);

  // Steps until Stop.
  void Run();
  // One LIST (with its pages) or one WATCH stream, plus the wait that follows a
  // failure. Returns false once stopped.
  bool Step();
  // Ends Run promptly (cancels the transport, wakes the sleeper).
  void Stop();

  const ResourceType& type() const { return type_; }
  Store store() const;
  bool synced() const;   // a first LIST completed (or the type is missing)
  bool missing() const;  // the last LIST said 404
  std::string resource_version() const;
  std::string last_error() const;
  Stats stats() const;

 private:
  enum class Outcome { kOk, kGone, kFailed, kMissing };

  Outcome List();
  // One page: items into `items`; the next continue token, RV of the list.
  Outcome ListPage(const std::string& path, Store& items, std::string& next, std::string& rv);
  Outcome Watch();
  // Applies one watch line; kGone/kFailed end the stream.
  Outcome ApplyEvent(absl::string_view line);
  std::shared_ptr<const KubeObject> Decode(YAML::Node object);
  void Failed(std::string error);
  void Backoff();

  const ResourceType type_;
  const Options options_;
  ApiTransport& transport_;
  const Decoder decoder_;
  Sleeper& sleeper_;
  resilience::RetryBackoff backoff_;
  const std::function<void()> on_change_;
  std::atomic<bool> stopped_{false};
  bool listed_ = false;  // Run thread only: the next step watches

  mutable weft::Mutex mu_;
  Store store_ ABSL_GUARDED_BY(mu_);
  bool synced_ ABSL_GUARDED_BY(mu_) = false;
  bool missing_ ABSL_GUARDED_BY(mu_) = false;
  std::string resource_version_ ABSL_GUARDED_BY(mu_);
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_REFLECTOR_H_
