#ifndef WEFT_CONTROL_PLANE_XDS_ADS_STREAM_H_
#define WEFT_CONTROL_PLANE_XDS_ADS_STREAM_H_

// The part of an ADS stream that does not depend on the protocol variant: the gRPC
// callback reactor (no thread per stream), node registration, snapshot change
// notifications, one-write-at-a-time sequencing and shutdown. SotwStream and
// DeltaStream fill in what a request means and what to send next.
//
// Threading: gRPC calls the reactions on its threads; the cache calls
// OnSnapshotsChanged on its dispatcher thread. All state is guarded by mu_. gRPC
// operations (StartWrite, Finish) are started without mu_ held, since gRPC may run
// a reaction inline. At most one write is in flight; the next response is built
// only when the previous one is written, so a burst of changes is coalesced into
// whatever is current when the stream is ready again.
//
// Ownership: gRPC owns the reactor until OnDone, where it deletes itself.

#include <map>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_callback.h>

#include "absl/strings/string_view.h"
#include "common/log/log.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "control-plane/xds/snapshot_cache.h"
#include "control-plane/xds/sync_status.h"

namespace weft::xds {

// What a stream needs from the server; all outlive every stream.
struct StreamContext {
  SnapshotCache* cache;
  ProxyRegistry* registry;
  const TimeSource* time;
  XdsMetrics* metrics = nullptr;  // optional
};

// Order in which dirty types are pushed: secrets and clusters before endpoints,
// listeners before routes (make before break).
int TypeOrder(absl::string_view type_url);

// The types of `types` (type URL -> state with a `dirty` member) that are dirty,
// in push order. Their flags stay set: a response covers one type, and the types
// not yet sent must still be dirty for the next one.
template <typename TypeStates>
std::vector<typename TypeStates::mapped_type*> DirtyInPushOrder(TypeStates& types) {
  std::vector<std::pair<int, typename TypeStates::mapped_type*>> dirty;
  for (auto& [type_url, t] : types) {
    if (t.dirty) dirty.emplace_back(TypeOrder(type_url), &t);
  }
  std::sort(dirty.begin(), dirty.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<typename TypeStates::mapped_type*> out;
  for (auto& [order, t] : dirty) out.push_back(t);
  return out;
}

template <typename Request, typename Response>
class AdsStream : public grpc::ServerBidiReactor<Request, Response>,
                  public SnapshotWatcher,
                  public StatusProvider {
 public:
  AdsStream(const StreamContext& ctx, std::string peer, bool delta)
      : ctx_(ctx), peer_(std::move(peer)), delta_(delta),
        connected_since_(ctx.time->SystemNow()) {
    ctx_.cache->AddWatcher(this);
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // client half-closed or the call is gone
      FinishOnce(grpc::Status::OK);
      return;
    }
    bool register_now = false;
    bool write;
    grpc::Status error;
    {
      weft::MutexLock lock(&mu_);
      if (!node_known_) {
        node_known_ = true;
        register_now = true;
        node_.node = NodeOf(request_);
        node_.id = node_.node.id();
      }
      error = HandleRequestLocked(request_);
      write = error.ok() && PrepareWriteLocked();
    }
    if (register_now) {
      WEFT_LOG(kInfo, "xds: %s stream from %s: node \"%s\" connected", delta_ ? "delta" : "sotw",
               peer_, node_.id);
      ctx_.registry->Add(this);
      registered_ = true;
    }
    if (!error.ok()) {
      FinishOnce(error);
      return;
    }
    if (write) this->StartWrite(&out_);
    this->StartRead(&request_);
  }

  void OnWriteDone(bool ok) override {
    bool write = false;
    bool finish = false;
    grpc::Status status;
    {
      weft::MutexLock lock(&mu_);
      writing_ = false;
      if (finished_) {
        finish = finish_deferred_;
        finish_deferred_ = false;
        status = finish_status_;
      } else if (ok) {
        write = PrepareWriteLocked();
      }
    }
    if (finish) this->Finish(status);
    if (write) this->StartWrite(&out_);
    if (!ok) FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE, "write failed"));
  }

  void OnCancel() override { FinishOnce(grpc::Status::CANCELLED); }

  void OnDone() override {
    ctx_.cache->RemoveWatcher(this);  // waits for a running notification
    if (registered_) ctx_.registry->Remove(this);
    WEFT_LOG(kInfo, "xds: %s stream from %s (node \"%s\") closed", delta_ ? "delta" : "sotw",
             peer_, node_.id);
    delete this;
  }

  void OnSnapshotsChanged(const ChangedNodes& changed) override {
    bool write;
    {
      weft::MutexLock lock(&mu_);
      if (!node_known_ || finished_ || !changed.Contains(node_.id)) return;
      MarkAllDirtyLocked();
      write = PrepareWriteLocked();
    }
    if (write) this->StartWrite(&out_);
  }

  ProxyStatus Status() const override {
    ProxyStatus s;
    s.node_id = node_.id;  // immutable once registered
    s.peer = peer_;
    s.delta = delta_;
    s.connected_since = connected_since_;
    weft::MutexLock lock(&mu_);
    s.types = TypeStatusesLocked();
    return s;
  }

 protected:
  // Interprets one request (ACK/NACK, subscription changes) and marks the types that
  // need a response. A non-OK status ends the stream with it.
  virtual grpc::Status HandleRequestLocked(const Request& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;
  // Builds the next response into *out; false if nothing is owed.
  virtual bool BuildNextLocked(Response* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;
  virtual void MarkAllDirtyLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;
  virtual std::vector<TypeSyncStatus> TypeStatusesLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;

  std::string NextNonce() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return std::to_string(++nonce_counter_);
  }
  absl::Time Now() const { return ctx_.time->SystemNow(); }
  const NodeInfo& node() const { return node_; }
  const std::string& peer() const { return peer_; }
  SnapshotCache& cache() { return *ctx_.cache; }
  XdsMetrics* metrics() const { return ctx_.metrics; }
  const TimeSource* time_source() const { return ctx_.time; }

  mutable weft::Mutex mu_;

 private:
  static envoy::config::core::v3::Node NodeOf(const Request& r) { return r.node(); }

  bool PrepareWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || finished_) return false;
    out_.Clear();
    if (!BuildNextLocked(&out_)) return false;
    writing_ = true;
    return true;
  }

  // Finishes the call once; if a write is in flight, after it completes.
  void FinishOnce(const grpc::Status& status) {
    {
      weft::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      if (writing_) {
        finish_deferred_ = true;
        finish_status_ = status;
        return;
      }
    }
    this->Finish(status);
  }

  const StreamContext ctx_;
  const std::string peer_;
  const bool delta_;
  const absl::Time connected_since_;

  Request request_;  // owned by the pending read
  Response out_;     // owned by the pending write while writing_
  NodeInfo node_;    // written once, by the first OnReadDone, before registration
  bool node_known_ ABSL_GUARDED_BY(mu_) = false;
  bool registered_ = false;  // reaction threads only (reads are serialized with OnDone)
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_deferred_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  uint64_t nonce_counter_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_ADS_STREAM_H_
