#ifndef WEFT_COMMON_RANDOM_RANDOM_H_
#define WEFT_COMMON_RANDOM_RANDOM_H_

#include <cstdint>
#include <random>
#include <vector>

namespace weft {

// The only way Weft code gets randomness (weighted splits, jitter...), so that
// tests can fix the sequence. Not for cryptography.
// Implementations are thread-compatible: one instance per thread.
class RandomGenerator {
 public:
  virtual ~RandomGenerator() = default;
  virtual uint64_t Next() = 0;
  // Uniform in [0, n); n > 0.
  uint64_t Uniform(uint64_t n) { return Next() % n; }
};

// A 64-bit Mersenne twister seeded once (by main.cc, from std::random_device).
class RealRandom final : public RandomGenerator {
 public:
  explicit RealRandom(uint64_t seed) : engine_(seed) {}
  uint64_t Next() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// Returns the given values in turn, forever (tests).
class FixedRandom final : public RandomGenerator {
 public:
  explicit FixedRandom(std::vector<uint64_t> values) : values_(std::move(values)) {}
  uint64_t Next() override {
    uint64_t v = values_[i_ % values_.size()];
    ++i_;
    return v;
  }

 private:
  std::vector<uint64_t> values_;
  size_t i_ = 0;
};

}  // namespace weft

#endif  // WEFT_COMMON_RANDOM_RANDOM_H_
