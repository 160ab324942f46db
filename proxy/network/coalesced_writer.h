#ifndef WEFT_PROXY_NETWORK_COALESCED_WRITER_H_
#define WEFT_PROXY_NETWORK_COALESCED_WRITER_H_

#include "common/event/dispatcher.h"
#include "proxy/network/buffer.h"
#include "proxy/network/connection.h"

namespace weft::network {

// Gathers what is written to a connection during one event callback (a
// response's head and body, frames of several HTTP/2 streams) and hands it to
// the connection once, when the callback ends: one send(2) instead of one per
// piece.
// Thread-compatible: the connection's dispatcher thread only.
class CoalescedWriter final : public event::DeferredAction {
 public:
  CoalescedWriter(event::Dispatcher& dispatcher, Connection& connection)
      : dispatcher_(dispatcher), connection_(connection) {}
  ~CoalescedWriter() override { dispatcher_.CancelDeferred(*this); }
  CoalescedWriter(const CoalescedWriter&) = delete;
  CoalescedWriter& operator=(const CoalescedWriter&) = delete;

  // Moves all of `bytes` out; they reach the connection at the end of the
  // current callback, or at Flush().
  void Write(Buffer& bytes) {
    staged_.Move(bytes);
    dispatcher_.DeferToCallbackEnd(*this);
  }
  // Hands what is staged to the connection now (before closing it...).
  void Flush() {
    if (!staged_.empty()) connection_.Write(staged_);
  }
  size_t staged_bytes() const { return staged_.size(); }

  void RunDeferred() override { Flush(); }

 private:
  event::Dispatcher& dispatcher_;
  Connection& connection_;
  Buffer staged_;
};

}  // namespace weft::network

#endif  // WEFT_PROXY_NETWORK_COALESCED_WRITER_H_
