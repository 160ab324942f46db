#include "proxy/upstream/connection_pool.h"

#include <algorithm>
#include <utility>

#include "proxy/network/socket.h"

namespace weft::upstream {
namespace {

void Erase(std::vector<CodecClient*>& v, CodecClient* c) {
  v.erase(std::remove(v.begin(), v.end(), c), v.end());
}

}  // namespace

ConnectionPool::ConnectionPool(event::Dispatcher& dispatcher, network::Address address,
                               const Options& options, const ClusterStats& stats,
                               resilience::CircuitBreaker* breaker)
    : dispatcher_(dispatcher),
      address_(std::move(address)),
      address_text_(address_.ToString()),
      options_(options),
      stats_(stats),
      breaker_(breaker) {
  idle_timer_ = dispatcher_.CreateTimer([this] { OnIdleTimer(); });
}

ConnectionPool::~ConnectionPool() {
  slots_.clear();  // give the slots back while the breaker surely exists
  stats_.upstream_cx_active.Sub(static_cast<int64_t>(clients_.size()));
  clients_.clear();
}

absl::StatusOr<ConnectionPool::Stream> ConnectionPool::NewStream(http::ResponseDecoder& decoder,
                                                                 HttpVersion version) {
  CodecClient* client = nullptr;
  if (version == HttpVersion::kHttp1) {
    while (!h1_idle_.empty() && client == nullptr) {
      CodecClient* c = h1_idle_.back();
      h1_idle_.pop_back();
      if (c->CanTakeStream()) client = c;
    }
  } else {
    for (CodecClient* c : h2_) {
      if (c->CanTakeStream()) {
        client = c;
        break;
      }
    }
  }
  if (client == nullptr) {
    absl::StatusOr<CodecClient*> created = NewClient(version);
    if (!created.ok()) return created.status();
    client = *created;
  }
  Stream stream;
  stream.reused = client->streams_served() > 0;
  stream.encoder = &client->NewStream(decoder);
  return stream;
}

absl::StatusOr<CodecClient*> ConnectionPool::NewClient(HttpVersion version) {
  std::optional<resilience::CircuitBreaker::Handle> slot;
  if (breaker_ != nullptr) {
    slot = breaker_->TryAcquire(resilience::CircuitBreaker::Resource::kConnection);
    if (!slot.has_value()) {
      stats_.upstream_cx_overflow.Inc();
      return absl::ResourceExhaustedError("circuit_open");
    }
  }
  stats_.upstream_cx_total.Inc();
  absl::StatusOr<std::unique_ptr<network::Connection>> connection =
      Connect(options_.buffer_limit, version == HttpVersion::kHttp2 ? "h2" : "http/1.1");
  if (!connection.ok()) {
    stats_.upstream_cx_connect_fail.Inc();
    return absl::UnavailableError("connect_failed");
  }
  CodecClient::Options o;
  o.version = version;
  o.connect_timeout = options_.connect_timeout;
  o.http2 = &options_.http2;
  CodecClient::Owner& owner = *this;
  auto client = std::make_unique<CodecClient>(dispatcher_, owner, std::move(*connection), o);
  CodecClient* raw = client.get();
  clients_[raw] = std::move(client);
  stats_.upstream_cx_active.Add(1);
  if (slot.has_value()) slots_.emplace(raw, std::move(*slot));
  if (version == HttpVersion::kHttp2) h2_.push_back(raw);
  ArmIdleTimer();
  return raw;
}

absl::StatusOr<std::unique_ptr<network::Connection>> ConnectionPool::Connect(
    uint32_t buffer_limit, absl::string_view alpn) {
  std::unique_ptr<network::TransportSocket> transport;
  if (options_.transport != nullptr) {
    absl::StatusOr<std::unique_ptr<network::TransportSocket>> made =
        options_.transport->Create(alpn, address_text_);
    if (!made.ok()) return made.status();
    transport = *std::move(made);
  }
  absl::StatusOr<int> fd = network::ConnectNonBlocking(address_);
  if (!fd.ok()) return fd.status();
  return std::make_unique<network::Connection>(dispatcher_, *fd, /*connecting=*/true,
                                               buffer_limit, std::move(transport));
}

void ConnectionPool::OnClientReady(CodecClient& client) {
  if (client.version() == HttpVersion::kHttp2) return;  // stays in h2_
  if (h1_idle_.size() >= options_.max_idle) {
    client.Close();  // calls OnClientClosed
    return;
  }
  h1_idle_.push_back(&client);
}

void ConnectionPool::OnClientClosed(CodecClient& client) {
  if (client.connect_failed()) stats_.upstream_cx_connect_fail.Inc();
  Erase(h1_idle_, &client);
  Erase(h2_, &client);
  slots_.erase(&client);
  auto it = clients_.find(&client);
  if (it == clients_.end()) return;
  stats_.upstream_cx_active.Sub(1);
  std::unique_ptr<CodecClient> owned = std::move(it->second);
  clients_.erase(it);
  dispatcher_.DeferDelete(std::move(owned));  // we may be inside its callback
}

void ConnectionPool::CloseIdle() {
  std::vector<CodecClient*> idle;
  for (auto& [raw, client] : clients_) {
    if (client->active_streams() == 0) idle.push_back(raw);
  }
  for (CodecClient* c : idle) c->Close();
}

void ConnectionPool::ArmIdleTimer() {
  if (!idle_timer_->Enabled()) idle_timer_->Enable(options_.idle_timeout);
}

void ConnectionPool::OnIdleTimer() {
  const absl::Time now = dispatcher_.time_source().MonotonicNow();
  std::vector<CodecClient*> expired;
  absl::Time oldest = absl::InfiniteFuture();
  for (auto& [raw, client] : clients_) {
    if (client->active_streams() != 0) continue;
    if (now - client->last_used() >= options_.idle_timeout) {
      expired.push_back(raw);
    } else {
      oldest = std::min(oldest, client->last_used());
    }
  }
  for (CodecClient* c : expired) c->Close();
  if (!clients_.empty()) {
    idle_timer_->Enable(oldest == absl::InfiniteFuture() ? options_.idle_timeout
                                                          : options_.idle_timeout - (now - oldest));
  }
}

}  // namespace weft::upstream
