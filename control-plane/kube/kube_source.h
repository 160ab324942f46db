#ifndef WEFT_CONTROL_PLANE_KUBE_KUBE_SOURCE_H_
#define WEFT_CONTROL_PLANE_KUBE_KUBE_SOURCE_H_

// The Kubernetes ConfigSource: one Reflector (reflector.h) per watched type,
// each on its own thread with its own API connection, feeding the same core
// model as local mode through BuildModel (via model_assembler.h):
//
//   v1 Services, Pods, Namespaces; discovery.k8s.io/v1 EndpointSlices;
//   mesh.weft.dev/v1alpha1 TrafficPolicies; gateway.networking.k8s.io/v1
//   HTTPRoutes and GRPCRoutes (the last three optional: a CRD that is not
//   installed is skipped with a warning and looked for again later).
//
// No model is delivered before every type has been listed once, so proxies are
// never served a half-read cluster. After that, changes are debounced (like
// local mode's) and rebuilt; an object that cannot be read or breaks the model
// is held at its last good version (warning), and when the model is still
// invalid OnRejected reports every problem and the last model stays. Every
// TrafficPolicy gets a verdict (on_conditions: Accepted, or Invalid with its
// problems) after each build. Errors of
// the API server never clear what was known (see reflector.h).
//
//   KubeSource source(options, [&] { return MakeTransport(); }, dispatcher);
//   source.Start(&snapshots);  // returns at once; OnModel follows once synced
//
// Differs from the ConfigSource contract in one point: Start returns before the
// first model (an initial LIST can take seconds); /ready says when it is in.
//
// Threading: construct, Start and destroy on the dispatcher's thread;
// callbacks run there. Destruction stops and joins the reflector threads.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "common/random/random.h"
#include "control-plane/core/config_source.h"
#include "control-plane/kube/api_transport.h"
#include "control-plane/kube/model_assembler.h"
#include "control-plane/kube/reflector.h"
#include "control-plane/kube/sleeper.h"
#include "control-plane/kube/status_writer.h"
#include "control-plane/xds/debouncer.h"

namespace weft::control_plane::kube {

// A resource type and how its objects are decoded.
struct WatchedType {
  ResourceType type;
  Reflector::Decoder decoder;
  bool report_status = false;  // our CRDs: an Accepted condition (status_writer.h)
};

// The types listed above.
std::vector<WatchedType> MeshWatchedTypes();

class KubeSource : public ConfigSource {
 public:
  struct Options {
    Reflector::Options reflector;
    absl::Duration debounce = absl::Milliseconds(100);
    uint64_t seed = 1;  // of each reflector's backoff jitter
    std::vector<WatchedType> types = MeshWatchedTypes();
    // After each build: the verdict on every object of a `report_status` type
    // (on the dispatcher's thread; typically StatusWriter::Update).
    std::function<void(std::vector<ObjectCondition>)> on_conditions;
  };
  // Makes one API connection per reflector (called on Start).
  using TransportFactory = std::function<std::unique_ptr<ApiTransport>()>;

  KubeSource(Options options, TransportFactory transports, event::Dispatcher& dispatcher);
  ~KubeSource() override;

  void Start(Callbacks* callbacks) override;

  // Rebuilds now if every type is synced (what the debounced trigger does).
  void Rebuild();
  // Each reflector's state, one line per type, for logs and tests.
  std::vector<std::string> Describe() const;
  bool synced() const;
  uint64_t accepted_count() const { return accepted_; }
  uint64_t rejected_count() const { return rejected_; }

 private:
  struct Watch {
    std::unique_ptr<ApiTransport> transport;
    std::unique_ptr<RealRandom> random;
    std::unique_ptr<CondVarSleeper> sleeper;
    std::unique_ptr<Reflector> reflector;
    std::thread thread;
  };
  void OnReflectorChange();  // any thread
  void ReportConditions(const std::vector<ModelAssembler::Input>& inputs,
                        const ModelAssembler::Result& result);

  Options options_;
  TransportFactory transports_;
  event::Dispatcher& dispatcher_;
  xds::Debouncer debouncer_;
  Callbacks* callbacks_ = nullptr;
  std::vector<std::unique_ptr<Watch>> watches_;
  std::atomic<bool> post_pending_{false};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  ModelAssembler assembler_;
  std::optional<std::string> current_version_;
  std::string last_problems_;
  bool last_rejected_ = false;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_KUBE_SOURCE_H_
