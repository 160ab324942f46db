#ifndef WEFT_CONTROL_PLANE_APP_MODEL_SNAPSHOT_SOURCE_H_
#define WEFT_CONTROL_PLANE_APP_MODEL_SNAPSHOT_SOURCE_H_

#include <map>
#include <memory>
#include <string>

#include "common/sync/mutex.h"
#include "control-plane/core/config_source.h"
#include "control-plane/core/model.h"
#include "control-plane/monitoring/source_state.h"
#include "control-plane/translate/mtls_builder.h"
#include "common/time/time_source.h"
#include "control-plane/xds/snapshot_cache.h"

namespace weft::control_plane {

// Joins a config source (local directory, Kubernetes) to the xDS server: every
// valid model becomes what the proxies are served; a rejected one changes nothing
// and its problems are logged. Snapshots are built per node on demand (sidecars
// get the whole mesh plus their own inbound side; proxyless gRPC clients get what
// their listener names ask for) and memoized per model version.
// Thread-safe: the source calls it on its dispatcher, the server on gRPC threads.
class ModelSnapshotSource : public ConfigSource::Callbacks, public xds::SnapshotSource {
 public:
  explicit ModelSnapshotSource(xds::SnapshotCache& cache) : cache_(cache) {}

  // ConfigSource::Callbacks
  void OnModel(const Model& model) override;
  void OnRejected(const std::vector<config::ConfigProblem>& problems) override;

  // xds::SnapshotSource
  std::shared_ptr<const xds::Snapshot> BuildFor(const xds::NodeInfo& node,
                                                const xds::Subscriptions& subscriptions) override;

  uint64_t models_accepted() const;
  uint64_t models_rejected() const;
  std::string model_version() const;

  // What /metrics and /debug/model show about the source (monitoring.h).
  // `time` (optional, outlives this) stamps accepted models; set before Start.
  void set_time_source(const TimeSource* time) { time_ = time; }
  SourceState source_state() const;
  // mTLS between sidecars (the CA is on) and the trust bundle they get by SDS.
  // A change (a root being added or retired) is pushed to every proxy.
  void SetMeshSecurity(const MeshSecurity& security);

 private:
  xds::SnapshotCache& cache_;
  mutable weft::Mutex mu_;
  std::shared_ptr<const Model> model_ ABSL_GUARDED_BY(mu_);
  std::string version_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::shared_ptr<const xds::Snapshot>> memo_ ABSL_GUARDED_BY(mu_);
  uint64_t accepted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t rejected_ ABSL_GUARDED_BY(mu_) = 0;
  bool last_rejected_ ABSL_GUARDED_BY(mu_) = false;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  absl::Time accepted_time_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  MeshSecurity security_ ABSL_GUARDED_BY(mu_);
  const TimeSource* time_ = nullptr;
};

}  // namespace weft::control_plane

#endif  // WEFT_CONTROL_PLANE_APP_MODEL_SNAPSHOT_SOURCE_H_
