#ifndef WEFT_PROXY_NETWORK_CLOSING_CONNECTIONS_H_
#define WEFT_PROXY_NETWORK_CLOSING_CONNECTIONS_H_

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "proxy/network/connection.h"

namespace weft::network {

// Keeps connections that are flushing their last bytes alive after the session
// that used them has ended, and closes them for good once they are flushed or
// after `linger` at the latest (a peer that never reads cannot pin memory).
// Thread-compatible: the owning worker's dispatcher only.
class ClosingConnections : private ConnectionCallbacks {
 public:
  ClosingConnections(event::Dispatcher& dispatcher, absl::Duration linger);
  ~ClosingConnections() override;

  void Adopt(std::unique_ptr<Connection> connection);
  size_t size() const { return connections_.size(); }

 private:
  struct Entry {
    std::unique_ptr<Connection> connection;
    std::unique_ptr<event::Timer> deadline;
  };
  void OnData(Connection& c, Buffer& data, bool end_stream) override { data.Clear(); }
  void OnClose(Connection& c, CloseReason reason) override { Remove(c); }
  void Remove(Connection& c);

  event::Dispatcher& dispatcher_;
  const absl::Duration linger_;
  absl::flat_hash_map<Connection*, Entry> connections_;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_CLOSING_CONNECTIONS_H_
