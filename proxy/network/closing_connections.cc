#include "proxy/network/closing_connections.h"

namespace weft::network {

ClosingConnections::ClosingConnections(event::Dispatcher& dispatcher, absl::Duration linger)
    : dispatcher_(dispatcher), linger_(linger) {}

ClosingConnections::~ClosingConnections() {
  for (auto& [ptr, entry] : connections_) entry.connection->Close(Connection::CloseMode::kNoFlush);
}

void ClosingConnections::Adopt(std::unique_ptr<Connection> connection) {
  if (connection == nullptr) return;
  if (connection->closed() || !connection->closing()) {
    connection->Close(Connection::CloseMode::kNoFlush);
    dispatcher_.DeferDelete(std::move(connection));
    return;
  }
  Connection* key = connection.get();
  connection->SetCallbacks(this);
  Entry entry;
  entry.deadline = dispatcher_.CreateTimer([this, key] {
    key->Close(Connection::CloseMode::kReset);
    Remove(*key);
  });
  entry.deadline->Enable(linger_);
  entry.connection = std::move(connection);
  connections_.emplace(key, std::move(entry));
}

void ClosingConnections::Remove(Connection& c) {
  auto it = connections_.find(&c);
  if (it == connections_.end()) return;
  Entry entry = std::move(it->second);
  connections_.erase(it);
  // We may be inside the connection's or the timer's callback.
  dispatcher_.DeferDelete(std::move(entry.connection));
  dispatcher_.DeferDelete(std::move(entry.deadline));
}

}  // namespace weft::network
