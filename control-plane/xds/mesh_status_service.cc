#include "control-plane/xds/mesh_status_service.h"


namespace weft::xds {
namespace {

namespace v1 = weft::controlplane::v1;

v1::SyncState ToProto(SyncState s) {
  switch (s) {
    case SyncState::kSynced:
      return v1::SYNCED;
    case SyncState::kStale:
      return v1::STALE;
    case SyncState::kNacked:
      return v1::NACKED;
  }
  return v1::SYNC_STATE_UNSPECIFIED;
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t nanos = absl::ToUnixNanos(t);
  out->set_seconds(nanos / 1000000000);
  out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
}

}  // namespace

void MeshStatusService::ToProto(const ProxyStatus& status, v1::ProxyStatus* out) {
  out->set_node_id(status.node_id);
  out->set_peer(status.peer);
  out->set_delta(status.delta);
  SetTime(status.connected_since, out->mutable_connected_since());
  out->set_state(xds::ToProto(status.Overall()));
  for (const TypeSyncStatus& t : status.types) {
    v1::TypeStatus* ts = out->add_types();
    ts->set_type_url(t.type_url);
    ts->set_version_sent(t.version_sent);
    ts->set_version_acked(t.version_acked);
    ts->set_last_nonce(t.last_nonce);
    ts->set_last_nack_error(t.last_nack_error);
    if (t.last_nack_time != absl::InfinitePast()) SetTime(t.last_nack_time, ts->mutable_last_nack_time());
    ts->set_state(xds::ToProto(t.state));
    ts->set_responses_sent(t.responses_sent);
    ts->set_acks(t.acks);
    ts->set_nacks(t.nacks);
  }
}

grpc::ServerUnaryReactor* MeshStatusService::ListProxies(grpc::CallbackServerContext* context,
                                                         const v1::ListProxiesRequest* request,
                                                         v1::ListProxiesResponse* response) {
  for (const ProxyStatus& status : registry_.ListProxies()) {
    if (!request->node_id().empty() && status.node_id != request->node_id()) continue;
    ToProto(status, response->add_proxies());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace weft::xds
