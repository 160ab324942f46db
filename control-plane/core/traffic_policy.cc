#include "control-plane/core/traffic_policy.h"

namespace weft::control_plane {

const std::vector<std::pair<absl::string_view, LoadBalancerType>>& LoadBalancerTypeNames() {
  static const auto* const names = new std::vector<std::pair<absl::string_view, LoadBalancerType>>{
      {"RoundRobin", LoadBalancerType::kRoundRobin},
      {"LeastRequest", LoadBalancerType::kLeastRequest},
      {"Random", LoadBalancerType::kRandom},
      {"PeakEwma", LoadBalancerType::kPeakEwma},
      {"RingHash", LoadBalancerType::kRingHash},
      {"Maglev", LoadBalancerType::kMaglev}};
  return *names;
}

}  // namespace weft::control_plane
