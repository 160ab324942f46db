#include "control-plane/xds/sync_status.h"

#include <algorithm>

namespace weft::xds {
namespace {
constexpr size_t kMaxInFlight = 32;
}  // namespace

absl::string_view SyncStateName(SyncState state) {
  switch (state) {
    case SyncState::kSynced:
      return "SYNCED";
    case SyncState::kStale:
      return "STALE";
    case SyncState::kNacked:
      return "NACKED";
  }
  return "UNKNOWN";
}

SyncState ProxyStatus::Overall() const {
  SyncState overall = SyncState::kSynced;
  for (const TypeSyncStatus& t : types) {
    if (t.state == SyncState::kNacked) return SyncState::kNacked;
    if (t.state == SyncState::kStale) overall = SyncState::kStale;
  }
  return overall;
}

void ProxyRegistry::Add(StatusProvider* provider) {
  weft::MutexLock lock(&mu_);
  providers_.push_back(provider);
}

void ProxyRegistry::Remove(StatusProvider* provider) {
  weft::MutexLock lock(&mu_);
  providers_.erase(std::remove(providers_.begin(), providers_.end(), provider), providers_.end());
}

std::vector<ProxyStatus> ProxyRegistry::ListProxies() const {
  std::vector<ProxyStatus> out;
  {
    weft::MutexLock lock(&mu_);
    out.reserve(providers_.size());
    for (const StatusProvider* p : providers_) out.push_back(p->Status());
  }
  std::sort(out.begin(), out.end(), [](const ProxyStatus& a, const ProxyStatus& b) {
    if (a.node_id != b.node_id) return a.node_id < b.node_id;
    return a.connected_since < b.connected_since;
  });
  return out;
}

void TypeSyncTracker::OnSent(const std::string& nonce, const std::string& version) {
  if (in_flight_.size() >= kMaxInFlight) in_flight_.erase(in_flight_.begin());
  in_flight_.push_back(
      InFlight{nonce, version, time_ != nullptr ? time_->MonotonicNow() : absl::InfinitePast()});
  if (metrics_ != nullptr) metrics_->OnPush(status_.type_url);
  status_.last_nonce = nonce;
  status_.version_sent = version;
  ++status_.responses_sent;
  status_.state = SyncState::kStale;
}

void TypeSyncTracker::OnAck(absl::string_view nonce) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                         [&](const InFlight& e) { return e.nonce == nonce; });
  if (it == in_flight_.end()) return;
  status_.version_acked = it->version;
  if (metrics_ != nullptr) {
    metrics_->OnAck(status_.type_url, time_ != nullptr && it->sent != absl::InfinitePast()
                                          ? time_->MonotonicNow() - it->sent
                                          : absl::ZeroDuration());
  }
  ++status_.acks;
  in_flight_.erase(in_flight_.begin(), it + 1);
  if (nonce == status_.last_nonce) status_.state = SyncState::kSynced;
}

void TypeSyncTracker::OnNack(absl::string_view nonce, absl::string_view error, absl::Time now) {
  auto it = std::find_if(in_flight_.begin(), in_flight_.end(),
                         [&](const InFlight& e) { return e.nonce == nonce; });
  if (it != in_flight_.end()) in_flight_.erase(in_flight_.begin(), it + 1);
  if (metrics_ != nullptr) metrics_->OnNack(status_.type_url, error);
  status_.last_nack_error = std::string(error);
  status_.last_nack_time = now;
  ++status_.nacks;
  if (nonce == status_.last_nonce) status_.state = SyncState::kNacked;
}

}  // namespace weft::xds
