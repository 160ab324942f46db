#include "proxy/upstream/random_lb.h"

#include <utility>

namespace weft::upstream {

absl::StatusOr<std::unique_ptr<RandomLb>> RandomLb::Create(const Options& options,
                                                           const EndpointSet& set,
                                                           RandomGenerator& random) {
  absl::StatusOr<LbCandidates> candidates = LbCandidates::Create(options.candidates);
  if (!candidates.ok()) return candidates.status();
  return std::unique_ptr<RandomLb>(new RandomLb(std::move(*candidates), set, random));
}

}  // namespace weft::upstream
