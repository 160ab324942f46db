#ifndef WEFT_CONTROL_PLANE_XDS_SYNC_STATUS_H_
#define WEFT_CONTROL_PLANE_XDS_SYNC_STATUS_H_

// Per-proxy xDS sync state, as `meshctl proxy-status` shows it.
//
// Every ADS stream registers a StatusProvider with the ProxyRegistry once it knows
// its node; ListProxies() asks each for a copy of its state.
//
// Thread-safe. Lock order: the registry's lock is taken before a provider's own lock;
// providers must not call into the registry while holding their lock.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "control-plane/xds/xds_metrics.h"

namespace weft::xds {

enum class SyncState {
  kSynced,  // the last response sent was ACKed (also: nothing sent yet, nothing owed)
  kStale,   // a response was sent and is not yet ACKed or NACKed
  kNacked,  // the last response sent was rejected; error in last_nack_error
};
absl::string_view SyncStateName(SyncState state);  // "SYNCED", "STALE", "NACKED"

struct TypeSyncStatus {
  std::string type_url;
  std::string version_sent;   // SotW version_info / delta system_version_info
  std::string version_acked;  // of the last ACKed response
  std::string last_nonce;     // of the last response sent
  std::string last_nack_error;  // error_detail.message of the last NACK, kept after recovery
  absl::Time last_nack_time = absl::InfinitePast();
  uint64_t responses_sent = 0;
  uint64_t acks = 0;
  uint64_t nacks = 0;
  SyncState state = SyncState::kSynced;
};

struct ProxyStatus {
  std::string node_id;
  std::string peer;         // gRPC peer address
  bool delta = false;       // DeltaAggregatedResources vs StreamAggregatedResources
  absl::Time connected_since;
  std::vector<TypeSyncStatus> types;  // ordered by type URL

  // NACKED if any type is, else STALE if any is, else SYNCED.
  SyncState Overall() const;
};

class StatusProvider {
 public:
  virtual ~StatusProvider() = default;
  virtual ProxyStatus Status() const = 0;
};

class ProxyRegistry {
 public:
  void Add(StatusProvider* provider);
  // After Remove() returns, the provider is no longer called.
  void Remove(StatusProvider* provider);
  // Ordered by node id, then connection time.
  std::vector<ProxyStatus> ListProxies() const;

 private:
  mutable weft::Mutex mu_;
  std::vector<StatusProvider*> providers_ ABSL_GUARDED_BY(mu_);
};

// Bookkeeping of one type on one stream: what was sent under which nonce, and what
// the client said about it. Shared by the SotW and delta streams.
// Thread-compatible (the stream's lock guards it).
class TypeSyncTracker {
 public:
  // With `metrics` (and `time`, both outliving the tracker), pushes, ACKs with
  // their send-to-ACK latency, and NACKs are counted there too.
  explicit TypeSyncTracker(std::string type_url, XdsMetrics* metrics = nullptr,
                           const TimeSource* time = nullptr)
      : metrics_(metrics), time_(time) {
    status_.type_url = std::move(type_url);
  }

  void OnSent(const std::string& nonce, const std::string& version);
  // A request answering `nonce` (which must be a nonce this tracker sent). Returns
  // false for unknown or superseded nonces (the request is then stale).
  bool IsCurrentNonce(absl::string_view nonce) const { return nonce == status_.last_nonce; }
  void OnAck(absl::string_view nonce);
  void OnNack(absl::string_view nonce, absl::string_view error, absl::Time now);

  const TypeSyncStatus& status() const { return status_; }
  bool has_sent() const { return status_.responses_sent > 0; }

 private:
  struct InFlight {
    std::string nonce;
    std::string version;
    absl::Time sent;  // monotonic; InfinitePast without a time source
  };
  // Responses not yet answered, oldest first (bounded).
  std::vector<InFlight> in_flight_;
  XdsMetrics* const metrics_;
  const TimeSource* const time_;
  TypeSyncStatus status_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_SYNC_STATUS_H_
