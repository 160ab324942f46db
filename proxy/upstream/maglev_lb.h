#ifndef WEFT_PROXY_UPSTREAM_MAGLEV_LB_H_
#define WEFT_PROXY_UPSTREAM_MAGLEV_LB_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/random/random.h"
#include "proxy/upstream/endpoint_set.h"
#include "proxy/upstream/lb_candidates.h"
#include "proxy/upstream/lb_policy.h"

namespace weft::upstream {

// Maglev consistent hashing (Eisenbud et al., NSDI 2016), weighted as in
// Envoy: a lookup table of a prime size M where each candidate fills slots in
// its own permutation order (offset and skip from two hashes of its name), as
// often as its weight allows. Lookups are one array index, the table is
// balanced to within a slot or so per endpoint, and removing one of N
// endpoints moves about 1/N of keys (slightly more than a ring). Rebuilt when
// the candidates change. A retry rehashes its key a few times to find another
// endpoint; a request without a hash key gets a weighted random pick.
//
//   auto lb = MaglevLb::Create({.table_size = 65537}, endpoints, random);
//   int i = (*lb)->Pick({.hash_key = HashKey(source_ip)});
//
// Reads `set` and uses `random` (neither owned; both must outlive this).
// Thread-compatible.
class MaglevLb final : public LbPolicy {
 public:
  struct Options {
    CandidateOptions candidates;
    uint64_t table_size = 65537;  // a prime, 2..5000011
  };
  static absl::StatusOr<std::unique_ptr<MaglevLb>> Create(const Options& options,
                                                          const EndpointSet& set,
                                                          RandomGenerator& random);
  int Pick(const LbContext& context) override;

  // Slots owned by endpoint `i` in the current table (after a Pick).
  uint64_t SlotsOf(int i) const;

 private:
  MaglevLb(const Options& options, LbCandidates candidates, const EndpointSet& set,
           RandomGenerator& random)
      : options_(options), candidates_(std::move(candidates)), set_(set), random_(random) {}
  void Build(const std::vector<int>& candidates);

  Options options_;
  LbCandidates candidates_;
  const EndpointSet& set_;
  RandomGenerator& random_;
  bool built_ = false;
  uint64_t version_ = 0;
  std::vector<int> table_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_MAGLEV_LB_H_
