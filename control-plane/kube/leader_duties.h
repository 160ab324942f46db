#ifndef WEFT_CONTROL_PLANE_KUBE_LEADER_DUTIES_H_
#define WEFT_CONTROL_PLANE_KUBE_LEADER_DUTIES_H_

// What only one control-plane replica does on Kubernetes: the Lease election
// (leader_elector.h) and, while it leads, the status writer (status_writer.h).
// Each runs on its own thread with its own API connection; serving proxies
// needs neither, so every replica serves.
//
//   LeaderDuties duties(options, api.transports, time);
//   source_options.on_conditions = [&](auto c) { duties.status().Update(std::move(c)); };
//   duties.Start();  // destruction stops and joins
//
// Threading: construct, Start and destroy on one thread; elector() and
// status() are thread-safe where their classes say so.

#include <memory>
#include <thread>

#include "common/time/time_source.h"
#include "control-plane/kube/kube_source.h"
#include "control-plane/kube/leader_elector.h"
#include "control-plane/kube/sleeper.h"
#include "control-plane/kube/status_writer.h"

namespace weft::control_plane::kube {

class LeaderDuties {
 public:
  struct Options {
    LeaderElector::Options lease;
    StatusWriter::Options status;
  };

  LeaderDuties(const Options& options, const KubeSource::TransportFactory& transports,
               const TimeSource& time);
  ~LeaderDuties();

  void Start();
  LeaderElector& elector() { return *elector_; }
  StatusWriter& status() { return *status_; }

 private:
  std::unique_ptr<ApiTransport> lease_transport_;
  std::unique_ptr<ApiTransport> status_transport_;
  CondVarSleeper lease_sleeper_;
  CondVarSleeper status_sleeper_;
  std::unique_ptr<LeaderElector> elector_;
  std::unique_ptr<StatusWriter> status_;
  std::thread lease_thread_;
  std::thread status_thread_;
};

}  // namespace weft::control_plane::kube

#endif  // WEFT_CONTROL_PLANE_KUBE_LEADER_DUTIES_H_
