#ifndef WEFT_PROXY_UPSTREAM_CONNECTION_POOL_H_
#define WEFT_PROXY_UPSTREAM_CONNECTION_POOL_H_

#include <cstdint>
#include <list>
#include <memory>

#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "proxy/network/address.h"
#include "proxy/network/connection.h"

namespace weft::upstream {

// Idle keep-alive HTTP/1 connections to one endpoint, owned by one worker.
// A request takes a connection out (Acquire), and gives it back when the
// exchange ended cleanly (Release). An idle connection that the upstream closes,
// or that sends anything unexpected, is dropped; so is one idle for longer than
// the idle timeout.
// Thread-compatible: the owning worker's dispatcher only.
class ConnectionPool : private network::ConnectionCallbacks {
 public:
  ConnectionPool(event::Dispatcher& dispatcher, network::Address address, uint32_t max_idle,
                 absl::Duration idle_timeout);
  ~ConnectionPool() override;

  // A pooled connection, or nullptr when none is idle.
  std::unique_ptr<network::Connection> Acquire();
  // Takes back a connection that finished a request cleanly.
  void Release(std::unique_ptr<network::Connection> connection);
  // Starts a new connection (non-blocking connect) to the endpoint.
  absl::StatusOr<std::unique_ptr<network::Connection>> Connect(uint32_t buffer_limit);
  void CloseIdle();

  const network::Address& address() const { return address_; }
  size_t idle_count() const { return idle_.size(); }

 private:
  struct Idle {
    std::unique_ptr<network::Connection> connection;
    absl::Time since;
  };
  void OnData(network::Connection& c, network::Buffer& data, bool end_stream) override;
  void OnClose(network::Connection& c, network::CloseReason reason) override;
  void Drop(network::Connection& c);
  void OnIdleTimer();

  event::Dispatcher& dispatcher_;
  const network::Address address_;
  const uint32_t max_idle_;
  const absl::Duration idle_timeout_;
  std::list<Idle> idle_;  // most recently used at the front
  std::unique_ptr<event::Timer> idle_timer_;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_CONNECTION_POOL_H_
