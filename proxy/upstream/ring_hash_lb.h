#ifndef WEFT_PROXY_UPSTREAM_RING_HASH_LB_H_
#define WEFT_PROXY_UPSTREAM_RING_HASH_LB_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/random/random.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/lb_candidates.h"
#include "proxy/upstream/lb_policy.h"

namespace weft::upstream {

// Consistent hashing on a ring (Karger et al., as Envoy's ring_hash): each
// candidate owns weight * P points, placed at HashKey("<name>_<n>"), where P
// is the smallest power of two giving at least min_ring_size points in all
// (halved while above max_ring_size; weights whose sum alone exceeds it are
// scaled down). A request goes to the owner of the first point at or after
// its hash key. Removing one of N endpoints moves only the keys it
// owned (about 1/N). The ring is rebuilt when the candidates change. A retry
// walks the ring on to the next other endpoint; a request without a hash key
// gets a weighted random pick.
//
//   auto lb = RingHashLb::Create({.min_ring_size = 1024}, endpoints, random);
//   int i = (*lb)->Pick({.hash_key = HashKey(user_id)});
//
// Reads `set` and uses `random` (neither owned; both must outlive this).
// Thread-compatible.
class RingHashLb final : public LbPolicy {
 public:
  struct Options {
    CandidateOptions candidates;
    uint64_t min_ring_size = 1024;     // 1..max_ring_size
    uint64_t max_ring_size = 8388608;  // <= 8M
  };
  static absl::StatusOr<std::unique_ptr<RingHashLb>> Create(const Options& options,
                                                            const EndpointSet& set,
                                                            RandomGenerator& random);
  int Pick(const LbContext& context) override;

  // Points on the current ring (after a Pick), for tests and stats.
  size_t ring_size() const { return ring_.size(); }

 private:
  struct Point {
    uint64_t hash;
    int endpoint;
  };
  RingHashLb(const Options& options, LbCandidates candidates, const EndpointSet& set,
             RandomGenerator& random)
      : options_(options), candidates_(std::move(candidates)), set_(set), random_(random) {}
  void Build(const std::vector<int>& candidates);

  Options options_;
  LbCandidates candidates_;
  const EndpointSet& set_;
  RandomGenerator& random_;
  bool built_ = false;
  uint64_t version_ = 0;
  std::vector<Point> ring_;  // sorted by hash
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_RING_HASH_LB_H_
