#include "proxy/upstream/maglev_lb.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proxy/upstream/lb_hash.h"

namespace weft::upstream {

namespace {

constexpr uint64_t kMaxTableSize = 5000011;
constexpr int kRetryRehashes = 8;

bool IsPrime(uint64_t n) {
  if (n < 2) return false;
  for (uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<MaglevLb>> MaglevLb::Create(const Options& options,
                                                           const EndpointSet& set,
                                                           RandomGenerator& random) {
  std::vector<std::string> problems;
  absl::StatusOr<LbCandidates> candidates = LbCandidates::Create(options.candidates);
  if (!candidates.ok()) problems.push_back(std::string(candidates.status().message()));
  if (options.table_size > kMaxTableSize || !IsPrime(options.table_size)) {
    problems.push_back(absl::StrCat("table_size ", options.table_size,
                                    " must be a prime no larger than ", kMaxTableSize,
                                    " (e.g. 65537)"));
  }
  if (!problems.empty()) return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  return std::unique_ptr<MaglevLb>(new MaglevLb(options, std::move(*candidates), set, random));
}

void MaglevLb::Build(const std::vector<int>& candidates) {
  const uint64_t m = options_.table_size;
  table_.assign(m, -1);
  if (candidates.empty()) return;
  struct Filler {
    int endpoint;
    uint64_t offset;
    uint64_t skip;
    uint64_t next = 0;     // position in its permutation
    double credit = 0;     // accumulated share of a slot
    double share;          // weight / max weight
  };
  uint32_t max_weight = 0;
  for (int i : candidates) max_weight = std::max(max_weight, set_.info(i).weight);
  std::vector<Filler> fillers;
  fillers.reserve(candidates.size());
  for (int i : candidates) {
    const std::string& name = set_.info(i).name;
    uint64_t offset = HashKey(absl::StrCat(name, "#offset")) % m;
    uint64_t skip = HashKey(absl::StrCat(name, "#skip")) % (m - 1) + 1;
    fillers.push_back({i, offset, skip, 0, 0,
                       static_cast<double>(set_.info(i).weight) / max_weight});
  }
  uint64_t filled = 0;
  while (filled < m) {
    for (Filler& f : fillers) {
      f.credit += f.share;
      if (f.credit < 1) continue;
      f.credit -= 1;
      uint64_t slot;
      do {
        slot = (f.offset + f.next * f.skip) % m;
        ++f.next;
      } while (table_[slot] >= 0);
      table_[slot] = f.endpoint;
      if (++filled == m) break;
    }
  }
}

uint64_t MaglevLb::SlotsOf(int i) const {
  return static_cast<uint64_t>(std::count(table_.begin(), table_.end(), i));
}

int MaglevLb::Pick(const LbContext& context) {
  const std::vector<int>& candidates = candidates_.Get(set_);
  if (!built_ || version_ != set_.version()) {
    Build(candidates);
    built_ = true;
    version_ = set_.version();
  }
  if (candidates.empty()) return -1;
  if (!context.hash_key.has_value()) {
    return candidates_.WeightedSample(set_, random_, context.excluded_endpoint);
  }
  const uint64_t m = table_.size();
  int chosen = table_[*context.hash_key % m];
  if (chosen != context.excluded_endpoint || candidates.size() < 2) return chosen;
  for (int attempt = 1; attempt <= kRetryRehashes; ++attempt) {
    int next = table_[Mix64(*context.hash_key + attempt) % m];
    if (next != context.excluded_endpoint) return next;
  }
  return candidates_.WeightedSample(set_, random_, context.excluded_endpoint);
}

}  // namespace weft::upstream
