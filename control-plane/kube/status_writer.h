#ifndef WEFT_CONTROL_PLANE_KUBE_STATUS_WRITER_H_
#define WEFT_CONTROL_PLANE_KUBE_STATUS_WRITER_H_

// Writes the control plane's verdict on each of its custom resources back to
// the object: one condition in status.conditions,
//
//   {type: Accepted, status: "True",  reason: Accepted, observedGeneration: N}
//   {type: Accepted, status: "False", reason: Invalid,  message: <every problem>}
//
// as a JSON merge patch of the /status subresource. Gateway API routes
// (HTTPRoute, GRPCRoute) report in their own shape instead: status.parents,
// one entry per spec.parentRefs entry,
//
//   {parentRef: <as in the spec>, controllerName: mesh.weft.dev/mesh-control-plane,
//    conditions: [Accepted True|False (UnsupportedValue), ResolvedRefs True|False]}
//
// ResolvedRefs is False (BackendNotFound, InvalidKind) when a backendRef is
// what is wrong, and left out when the route is wrong in another way. Other
// controllers' entries are kept: the writer reads the route first and patches
// with its resourceVersion, so a concurrent change is a 409, retried. Only what changed since
// the last successful write is patched; a failed write (404: gone or no status
// subresource yet, 409, API errors) is retried with per-object exponential
// backoff; at most `max_writes_per_pass` writes per pass (rate limit). Only
// while `is_leader` says so: checked before every write, and a replica that is
// not leader forgets what it wrote, so a new leader writes every condition
// once (lastTransitionTime is the time of that write).
//
//   StatusWriter writer({}, *transport, sleeper, time, [&] { return elector.IsLeader(); });
//   std::thread t([&] { writer.Run(); });
//   writer.Update(conditions);  // after each model build, from any thread
//   writer.Stop(); t.join();
//
// Threading: Run (and WritePass) on one thread; Update and Stop from any.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "control-plane/core/object_meta.h"
#include "control-plane/kube/api_transport.h"
#include "control-plane/kube/reflector.h"
#include "control-plane/kube/sleeper.h"

namespace weft::control_plane::kube {

// The verdict on one object.
struct ObjectCondition {
  ResourceType type;
  ObjectKey key;
  int64_t generation = 0;
  bool accepted = true;
  std::string message;  // the problems, when not accepted
  // Routes: each spec.parentRefs entry as compact JSON (KubeObject::parent_refs)
  // and, when a backendRef is the problem, ResolvedRefs' reason.
  std::vector<std::string> parent_refs;
  std::string unresolved_refs;  // "", "BackendNotFound" or "InvalidKind"
};

// The controllerName of the route status entries this control plane writes.
inline constexpr char kRouteControllerName[] = "mesh.weft.dev/mesh-control-plane";

// True for the kinds whose status is status.parents (the Gateway API's routes).
bool ReportsRouteParents(const ResourceType& type);

class StatusWriter {
 public:
  struct Options {
    absl::Duration pass_interval = absl::Milliseconds(250);
    size_t max_writes_per_pass = 10;
    absl::Duration initial_backoff = absl::Seconds(1);
    absl::Duration max_backoff = absl::Minutes(1);
    size_t max_message_bytes = 2048;
  };
  using IsLeader = std::function<bool()>;

  StatusWriter(Options options, ApiTransport& transport, Sleeper& sleeper, const TimeSource& time,
               IsLeader is_leader)
      : options_(options),
        transport_(transport),
        sleeper_(sleeper),
        time_(time),
        is_leader_(std::move(is_leader)) {}

  // Replaces the set of conditions to report.
  void Update(std::vector<ObjectCondition> desired);
  // Passes until Stop.
  void Run();
  // Writes what differs, within the rate limit (Run's body).
  void WritePass();
  void Stop();

  uint64_t writes() const {
    weft::MutexLock lock(&mu_);
    return writes_;
  }

 private:
  struct Retry {
    absl::Time at;
    absl::Duration backoff;
  };
  std::string PatchBody(const ObjectCondition& condition) const;
  // Reads the route, then the patch of its status.parents (see above).
  absl::StatusOr<std::string> RouteParentsPatch(const ObjectCondition& condition) const;
  std::string ConditionJson(const std::string& type, bool status, const std::string& reason,
                            const std::string& message, int64_t generation) const;
  // The Accepted condition of `c`, with `invalid_reason` when it is not accepted.
  std::string AcceptedJson(const ObjectCondition& c, const std::string& invalid_reason) const;

  const Options options_;
  ApiTransport& transport_;
  Sleeper& sleeper_;
  const TimeSource& time_;
  const IsLeader is_leader_;

  mutable weft::Mutex mu_;
  std::vector<ObjectCondition> desired_ ABSL_GUARDED_BY(mu_);
  uint64_t writes_ ABSL_GUARDED_BY(mu_) = 0;

  // Run's thread only; keyed by the object's API path.
  std::map<std::string, std::string> written_;  // what the last successful write said
  std::map<std::string, Retry> retry_;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_STATUS_WRITER_H_
