#include "control-plane/kube/leader_duties.h"

namespace weft::control_plane::kube {

LeaderDuties::LeaderDuties(const Options& options, const KubeSource::TransportFactory& transports,
                           const TimeSource& time)
    : lease_transport_(transports()), status_transport_(transports()) {
  elector_ =
      std::make_unique<LeaderElector>(options.lease, *lease_transport_, lease_sleeper_, time);
  LeaderElector* elector = elector_.get();
  status_ = std::make_unique<StatusWriter>(options.status, *status_transport_, status_sleeper_,
                                           time, [elector] { return elector->IsLeader(); });
}

LeaderDuties::~LeaderDuties() {
  status_->Stop();
  elector_->Stop();
  if (status_thread_.joinable()) status_thread_.join();
  if (lease_thread_.joinable()) lease_thread_.join();
}

void LeaderDuties::Start() {
  lease_thread_ = std::thread([this] { elector_->Run(); });
  status_thread_ = std::thread([this] { status_->Run(); });
}

}  // namespace weft::control_plane::kube
