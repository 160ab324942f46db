#include "proxy/upstream/endpoint_set.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace weft::upstream {

absl::Status EndpointSet::Update(std::vector<EndpointInfo> endpoints) {
  std::vector<std::string> problems;
  absl::flat_hash_map<std::string, int> index;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const EndpointInfo& e = endpoints[i];
    if (e.name.empty()) problems.push_back(absl::StrCat("endpoint ", i, ": empty name"));
    if (e.weight == 0 || e.weight > kMaxWeight) {
      problems.push_back(absl::StrCat("endpoint ", i, " (", e.name, "): weight ", e.weight,
                                      " outside 1..", kMaxWeight));
    }
    if (!e.name.empty() && !index.emplace(e.name, static_cast<int>(i)).second) {
      problems.push_back(absl::StrCat("endpoint ", i, ": duplicate name ", e.name));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
  }
  std::vector<Entry> next;
  next.reserve(endpoints.size());
  for (EndpointInfo& e : endpoints) {
    Entry entry;
    int old = IndexOf(e.name);
    if (old >= 0) {
      entry.healthy = endpoints_[old].healthy;
      entry.ejected = endpoints_[old].ejected;
      entry.active = endpoints_[old].active;
    }
    entry.info = std::move(e);
    next.push_back(std::move(entry));
  }
  endpoints_ = std::move(next);
  index_ = std::move(index);
  ++version_;
  ++membership_version_;
  return absl::OkStatus();
}

int EndpointSet::IndexOf(absl::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

void EndpointSet::SetHealthy(int i, bool healthy) {
  if (endpoints_[i].healthy == healthy) return;
  endpoints_[i].healthy = healthy;
  ++version_;
}

void EndpointSet::SetEjected(int i, bool ejected) {
  if (endpoints_[i].ejected == ejected) return;
  endpoints_[i].ejected = ejected;
  ++version_;
}

void EndpointSet::OnRequestEnd(int i) {
  if (endpoints_[i].active > 0) --endpoints_[i].active;
}

}  // namespace weft::upstream
