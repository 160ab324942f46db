#include "proxy/upstream/connection_pool.h"

#include <utility>

#include "proxy/network/socket.h"

namespace weft::upstream {

ConnectionPool::ConnectionPool(event::Dispatcher& dispatcher, network::Address address,
                               uint32_t max_idle, absl::Duration idle_timeout)
    : dispatcher_(dispatcher),
      address_(std::move(address)),
      max_idle_(max_idle),
      idle_timeout_(idle_timeout) {
  idle_timer_ = dispatcher_.CreateTimer([this] { OnIdleTimer(); });
}

ConnectionPool::~ConnectionPool() { CloseIdle(); }

std::unique_ptr<network::Connection> ConnectionPool::Acquire() {
  while (!idle_.empty()) {
    std::unique_ptr<network::Connection> c = std::move(idle_.front().connection);
    idle_.pop_front();
    if (!c->closed() && !c->read_eof()) {
      c->SetCallbacks(nullptr);
      return c;
    }
  }
  return nullptr;
}

void ConnectionPool::Release(std::unique_ptr<network::Connection> connection) {
  if (connection->closed() || connection->read_eof() || idle_.size() >= max_idle_ ||
      !connection->read_buffer().empty()) {
    connection->Close(network::Connection::CloseMode::kNoFlush);
    dispatcher_.DeferDelete(std::move(connection));
    return;
  }
  connection->SetCallbacks(this);
  idle_.push_front(Idle{std::move(connection), dispatcher_.time_source().MonotonicNow()});
  if (!idle_timer_->Enabled()) idle_timer_->Enable(idle_timeout_);
}

absl::StatusOr<std::unique_ptr<network::Connection>> ConnectionPool::Connect(
    uint32_t buffer_limit) {
  absl::StatusOr<int> fd = network::ConnectNonBlocking(address_);
  if (!fd.ok()) return fd.status();
  return std::make_unique<network::Connection>(dispatcher_, *fd, /*connecting=*/true,
                                               buffer_limit);
}

void ConnectionPool::CloseIdle() {
  for (Idle& i : idle_) i.connection->Close(network::Connection::CloseMode::kNoFlush);
  idle_.clear();
}

void ConnectionPool::OnData(network::Connection& c, network::Buffer& data, bool end_stream) {
  // An idle HTTP/1 connection has nothing to say; EOF or stray bytes end it.
  Drop(c);
}

void ConnectionPool::OnClose(network::Connection& c, network::CloseReason) { Drop(c); }

void ConnectionPool::Drop(network::Connection& c) {
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    if (it->connection.get() == &c) {
      c.Close(network::Connection::CloseMode::kNoFlush);
      dispatcher_.DeferDelete(std::move(it->connection));
      idle_.erase(it);
      return;
    }
  }
}

void ConnectionPool::OnIdleTimer() {
  const absl::Time now = dispatcher_.time_source().MonotonicNow();
  while (!idle_.empty() && now - idle_.back().since >= idle_timeout_) {
    idle_.back().connection->Close(network::Connection::CloseMode::kNoFlush);
    idle_.pop_back();
  }
  if (!idle_.empty()) idle_timer_->Enable(idle_timeout_ - (now - idle_.back().since));
}

}  // namespace weft::upstream
