#ifndef WEFT_CONTROL_PLANE_KUBE_LEADER_ELECTOR_H_
#define WEFT_CONTROL_PLANE_KUBE_LEADER_ELECTOR_H_

// Single-writer election among control-plane replicas with a
// coordination.k8s.io/v1 Lease, as client-go's leaderelection does it. Every
// replica serves proxies; only the leader writes (status conditions, see
// status_writer.h).
//
//   LeaderElector elector({.ns = "weft-system", .identity = pod_name}, *transport, sleeper, time);
//   std::thread t([&] { elector.Run(); });
//   if (elector.IsLeader()) Write();
//   elector.Stop(); t.join();
//
// Each round (every `renew_interval`) reads the Lease and:
//   absent              create it, holding it (409: someone was faster);
//   held by us          renew (PUT renewTime with the read resourceVersion);
//   held by another     take it over only once it has not changed for
//                       `lease_duration` by *our* clock (no clock-skew trust),
//                       incrementing leaseTransitions;
// a PUT that gets 409 (someone else wrote first) means not leader; the next
// round reads again. A leader that cannot renew for `renew_deadline` stops
// being leader at once (IsLeader turns false by our clock, with no API call),
// which is before any other replica can take over (lease_duration later).
//
// Threading: Run on one thread; IsLeader, Stop and Describe from any thread.

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "control-plane/kube/api_transport.h"
#include "control-plane/kube/sleeper.h"

namespace weft::control_plane::kube {

class LeaderElector {
 public:
  struct Options {
    std::string ns = "weft-system";
    std::string name = "mesh-control-plane";
    std::string identity;  // this replica: the pod name
    absl::Duration lease_duration = absl::Seconds(15);
    absl::Duration renew_deadline = absl::Seconds(10);  // < lease_duration
    absl::Duration renew_interval = absl::Seconds(5);   // < renew_deadline
  };

  LeaderElector(Options options, ApiTransport& transport, Sleeper& sleeper, const TimeSource& time)
      : options_(std::move(options)), transport_(transport), sleeper_(sleeper), time_(time) {}

  // Rounds until Stop.
  void Run();
  // One round (Run's body; tests call it directly).
  void Step();
  void Stop();

  bool IsLeader() const;
  // "leader", "following <holder>" or "unknown (<error>)", for logs and /debug.
  std::string Describe() const;
  uint64_t transitions() const { return transitions_; }

 private:
  struct Observed {
    std::string holder;
    std::string renew_time;
    std::string resource_version;
    int64_t transitions = 0;
    std::string acquire_time;
  };
  std::string LeasePath() const;
  std::string LeaseBody(const Observed& previous, bool take_over) const;
  void Became(bool leader, const std::string& holder, absl::Time started);

  const Options options_;
  ApiTransport& transport_;
  Sleeper& sleeper_;
  const TimeSource& time_;
  std::atomic<uint64_t> transitions_{0};  // times this replica became leader

  // Run's thread only.
  std::string last_record_;  // holder/renewTime/resourceVersion last seen
  absl::Time record_seen_at_;

  mutable weft::Mutex mu_;
  bool leader_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time leader_until_ ABSL_GUARDED_BY(mu_);  // monotonic: last renewal + renew_deadline
  std::string holder_ ABSL_GUARDED_BY(mu_);
  std::string error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_LEADER_ELECTOR_H_
