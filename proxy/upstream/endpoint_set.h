#ifndef WEFT_PROXY_UPSTREAM_ENDPOINT_SET_H_
#define WEFT_PROXY_UPSTREAM_ENDPOINT_SET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace weft::upstream {

// What a load balancer needs to know about one endpoint of a cluster.
struct EndpointInfo {
  std::string name;  // stable identity, e.g. "10.0.0.7:8080"; hashed by ring hash/Maglev
  std::string zone;  // locality; empty when unknown
  uint32_t weight = 1;  // 1..kMaxWeight
};

// One worker's view of a cluster's endpoints: identity, weight and zone from
// configuration, plus the state the cluster keeps up to date (active health
// checks, outlier ejection, requests in flight). Load balancers read it; they
// never change it.
//
//   EndpointSet set;
//   WEFT_RETURN_IF_ERROR(set.Update({{"10.0.0.1:80", "zone-a", 1}, ...}));
//   set.SetEjected(set.IndexOf("10.0.0.1:80"), true);
//   set.OnRequestStart(i); ... set.OnRequestEnd(i);
//
// Endpoints are addressed by index (0..size()-1). Indices are stable until the
// next Update(); `membership_version()` changes exactly when they may have.
// `version()` changes on any change that can alter a pick except active counts,
// so balancers can cache derived tables.
//
// Thread-compatible: one instance per worker and cluster.
class EndpointSet {
 public:
  static constexpr uint32_t kMaxWeight = 1000000;

  EndpointSet() = default;

  // Replaces the endpoints. Health, ejection and active counts of endpoints
  // whose name stays are kept; new endpoints start healthy and not ejected.
  // Rejects empty or duplicate names and weights outside 1..kMaxWeight, naming
  // every problem; on error the set is unchanged.
  absl::Status Update(std::vector<EndpointInfo> endpoints);

  size_t size() const { return endpoints_.size(); }
  const EndpointInfo& info(int i) const { return endpoints_[i].info; }
  // -1 when absent.
  int IndexOf(absl::string_view name) const;

  // Active health checking's verdict.
  bool healthy(int i) const { return endpoints_[i].healthy; }
  void SetHealthy(int i, bool healthy);
  // The outlier detector's verdict.
  bool ejected(int i) const { return endpoints_[i].ejected; }
  void SetEjected(int i, bool ejected);
  // Healthy and not ejected: eligible for traffic outside panic mode.
  bool available(int i) const { return endpoints_[i].healthy && !endpoints_[i].ejected; }

  uint32_t active_requests(int i) const { return endpoints_[i].active; }
  void OnRequestStart(int i) { ++endpoints_[i].active; }
  // Ignored when the count is already zero.
  void OnRequestEnd(int i);

  uint64_t version() const { return version_; }
  uint64_t membership_version() const { return membership_version_; }

 private:
  struct Entry {
    EndpointInfo info;
    bool healthy = true;
    bool ejected = false;
    uint32_t active = 0;
  };
  std::vector<Entry> endpoints_;
  absl::flat_hash_map<std::string, int> index_;
  uint64_t version_ = 0;
  uint64_t membership_version_ = 0;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_ENDPOINT_SET_H_
