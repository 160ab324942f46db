#ifndef WEFT_PROXY_UPSTREAM_LOAD_BALANCER_H_
#define WEFT_PROXY_UPSTREAM_LOAD_BALANCER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace weft::upstream {

// Chooses among a cluster's endpoints by index. One instance per worker and
// cluster, so no locking. Thread-compatible.
class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;
  // Index of the endpoint for the next request; -1 when there is none.
  virtual int Pick() = 0;
};

// Smooth weighted round robin: over any window of sum(weights) picks, each
// endpoint gets exactly its weight, and picks of one endpoint are spread out
// rather than bunched.
class WeightedRoundRobin final : public LoadBalancer {
 public:
  explicit WeightedRoundRobin(std::vector<uint32_t> weights);
  int Pick() override;

 private:
  std::vector<int64_t> weights_;
  std::vector<int64_t> current_;
  int64_t total_ = 0;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_LOAD_BALANCER_H_
