#ifndef WEFT_PROXY_NETWORK_CONNECTION_H_
#define WEFT_PROXY_NETWORK_CONNECTION_H_

#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "common/event/dispatcher.h"
#include "proxy/network/buffer.h"

namespace weft::network {

class Connection;

enum class CloseReason {
  kLocal,          // we called Close()
  kRemoteReset,    // the peer reset (or the socket failed)
  kConnectFailed,  // an outgoing connect did not succeed
};

// Events of one Connection. All are called on the connection's dispatcher thread.
// After OnClose nothing else is called; the owner then destroys the connection
// (with Dispatcher::DeferDelete when inside a callback).
class ConnectionCallbacks {
 public:
  virtual ~ConnectionCallbacks() = default;
  virtual void OnConnected(Connection& connection) {}
  // New bytes arrived (appended to `data`, which keeps whatever the callee does
  // not drain). `end_stream` is set once when the peer has half-closed.
  virtual void OnData(Connection& connection, Buffer& data, bool end_stream) = 0;
  virtual void OnClose(Connection& connection, CloseReason reason) = 0;
  // Backpressure: the write buffer went above the limit / back below half of it.
  virtual void OnWriteBufferHigh(Connection& connection) {}
  virtual void OnWriteBufferLow(Connection& connection) {}
};

// A non-blocking TCP connection driven by a Dispatcher: read and write buffers,
// half-close, and watermarks so that a slow peer slows its counterpart instead of
// growing memory. Owns the file descriptor.
// Thread-compatible: use on the owning dispatcher's thread only.
class Connection {
 public:
  // `connecting`: the fd has a non-blocking connect() in flight.
  Connection(event::Dispatcher& dispatcher, int fd, bool connecting, uint32_t buffer_limit);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void SetCallbacks(ConnectionCallbacks* callbacks) { callbacks_ = callbacks; }

  // Queues bytes and writes as much as the socket takes right away.
  void Write(absl::string_view bytes);
  void Write(Buffer& bytes);  // moves the content out of `bytes`
  // Sends FIN once everything queued has been written (half-close).
  void ShutdownWrite();
  // kFlush writes what is queued first, then closes and calls OnClose(kLocal)
  // (or OnClose(kRemoteReset) if the write fails); with nothing queued it closes
  // at once without a callback. kNoFlush and kReset close at once (kReset with a
  // RST) and call nothing. Hand a flushing connection to a ClosingConnections so
  // that it outlives its session.
  enum class CloseMode { kFlush, kNoFlush, kReset };
  void Close(CloseMode mode);

  // Stops or resumes reading from the socket (backpressure towards this peer).
  // Calls nest: reading resumes when every disable has been undone.
  void ReadDisable(bool disable);
  bool read_disabled() const { return read_disable_count_ > 0; }

  bool connecting() const { return connecting_; }
  bool closed() const { return state_ == State::kClosed; }
  bool closing() const { return state_ == State::kClosing; }
  bool write_shutdown() const { return write_shutdown_requested_; }
  bool read_eof() const { return read_eof_; }
  size_t write_buffer_size() const { return write_buffer_.size(); }
  Buffer& read_buffer() { return read_buffer_; }
  int fd() const { return fd_; }
  event::Dispatcher& dispatcher() { return dispatcher_; }
  uint64_t bytes_received() const { return bytes_received_; }
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  enum class State { kOpen, kClosing, kClosed };
  void OnReady(uint32_t ready);
  void DoRead();
  void DoWrite();
  void UpdateEvents();
  void CloseSocket(CloseReason reason, bool notify);
  void CheckWatermarks();
  std::weak_ptr<bool> alive_token() const { return alive_; }

  event::Dispatcher& dispatcher_;
  int fd_;
  ConnectionCallbacks* callbacks_ = nullptr;
  std::unique_ptr<event::FileEvent> file_event_;
  Buffer read_buffer_;
  Buffer write_buffer_;
  const uint32_t buffer_limit_;
  State state_ = State::kOpen;
  bool connecting_;
  bool read_eof_ = false;
  bool write_shutdown_requested_ = false;
  bool write_shutdown_done_ = false;
  bool above_high_watermark_ = false;
  int read_disable_count_ = 0;
  uint32_t enabled_events_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t bytes_sent_ = 0;
  // Lets posted callbacks notice that the connection is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_CONNECTION_H_
