#ifndef WEFT_PROXY_STATS_STATS_H_
#define WEFT_PROXY_STATS_STATS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/node_hash_map.h"
#include "common/sync/mutex.h"


namespace weft::stats {

// A monotonically increasing count. Written by its scope's worker thread with a
// relaxed atomic add (no lock, no contention); read by the admin thread.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (active connections...). Per-worker gauges are
// summed on scrape.
class Gauge {
 public:
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void Sub(int64_t n) { value_.fetch_sub(n, std::memory_order_relaxed); }
  void Set(int64_t n) { value_.store(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// The statistics of one thread (a worker, the admin thread...). Looking a stat up
// by name takes a lock, so callers resolve their stats once (per listener, per
// cluster) and keep the references; the references stay valid for the life of
// the scope.
class Scope {
 public:
  Counter& counter(const std::string& name);
  Gauge& gauge(const std::string& name);

 private:
  friend class Store;
  mutable weft::Mutex mu_;
  absl::node_hash_map<std::string, Counter> counters_ ABSL_GUARDED_BY(mu_);
  absl::node_hash_map<std::string, Gauge> gauges_ ABSL_GUARDED_BY(mu_);
};

// All scopes of the process; merges them on scrape. Thread-safe.
class Store {
 public:
  // The new scope lives as long as the store.
  Scope& CreateScope();

  struct Value {
    bool is_gauge;
    int64_t value;
  };
  // Every stat by name, summed across scopes.
  std::map<std::string, Value> Snapshot() const;

 private:
  mutable weft::Mutex mu_;
  std::vector<std::unique_ptr<Scope>> scopes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace weft::stats

#endif  // WEFT_PROXY_STATS_STATS_H_
