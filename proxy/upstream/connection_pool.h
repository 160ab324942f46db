#ifndef WEFT_PROXY_UPSTREAM_CONNECTION_POOL_H_
#define WEFT_PROXY_UPSTREAM_CONNECTION_POOL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "proxy/http/codec.h"
#include "proxy/http2/http2_options.h"
#include "proxy/network/address.h"
#include "proxy/network/connection.h"
#include "proxy/resilience/circuit_breaker.h"
#include "proxy/upstream/codec_client.h"
#include "proxy/upstream/cluster_stats.h"

namespace weft::upstream {

// The connections of one worker to one endpoint. HTTP streams go on pooled
// connections: HTTP/1.1 keep-alive connections (one stream each, idle ones
// reused most-recent first) and multiplexed HTTP/2 connections (a new one only
// when every open one is at the peer's stream limit or going away). TCP
// sessions take a fresh connection each. Idle connections close after the idle
// timeout, or when the upstream closes them.
// Thread-compatible: the owning worker's dispatcher only.
class ConnectionPool final : private CodecClient::Owner {
 public:
  struct Options {
    uint32_t max_idle = 64;  // idle HTTP/1.1 connections kept
    absl::Duration idle_timeout = absl::Seconds(60);
    absl::Duration connect_timeout = absl::Seconds(1);
    http2::Http2Options http2;
    uint32_t buffer_limit = 1024 * 1024;
    // Transports of new connections (mTLS); null: plaintext.
    std::shared_ptr<const network::TransportSocketFactory> transport;
  };

  // `breaker` (may be null) limits the connections; it must outlive the pool.
  ConnectionPool(event::Dispatcher& dispatcher, network::Address address, const Options& options,
                 const ClusterStats& stats, resilience::CircuitBreaker* breaker = nullptr);
  ~ConnectionPool() override;

  struct Stream {
    http::RequestEncoder* encoder = nullptr;
    // The connection carried streams before: the upstream may have closed it
    // just now, so a failure before any response byte is worth one retry.
    bool reused = false;
  };
  // A request stream whose response goes to `decoder`. Bytes may be encoded at
  // once (they wait for the connect). Errors: kResourceExhausted when a new
  // connection is needed but the cluster's connection limit is reached
  // (circuit open), kUnavailable when no connection can be started (no
  // socket); a connect that fails later resets the stream with
  // kConnectionFailure.
  absl::StatusOr<Stream> NewStream(http::ResponseDecoder& decoder, HttpVersion version);

  // Starts a new raw connection (non-blocking connect) for a TCP session.
  // `alpn`: the protocol announced when the connection uses mTLS.
  absl::StatusOr<std::unique_ptr<network::Connection>> Connect(
      uint32_t buffer_limit, absl::string_view alpn = "weft-opaque");

  // Closes connections that carry no stream (config change, endpoint removed).
  void CloseIdle();

  const network::Address& address() const { return address_; }
  // "ip:port", formatted once.
  const std::string& address_text() const { return address_text_; }
  size_t idle_count() const { return h1_idle_.size(); }
  size_t connection_count() const { return clients_.size(); }

 private:
  void OnClientReady(CodecClient& client) override;
  void OnClientClosed(CodecClient& client) override;
  absl::StatusOr<CodecClient*> NewClient(HttpVersion version);
  void OnIdleTimer();
  void ArmIdleTimer();

  event::Dispatcher& dispatcher_;
  const network::Address address_;
  const std::string address_text_;
  const Options options_;
  ClusterStats stats_;
  resilience::CircuitBreaker* breaker_;
  absl::flat_hash_map<CodecClient*, std::unique_ptr<CodecClient>> clients_;
  // A connection slot of the circuit breaker per open client.
  absl::flat_hash_map<CodecClient*, resilience::CircuitBreaker::Handle> slots_;
  std::vector<CodecClient*> h1_idle_;  // most recently used at the back
  std::vector<CodecClient*> h2_;       // open HTTP/2 connections
  std::unique_ptr<event::Timer> idle_timer_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_CONNECTION_POOL_H_
