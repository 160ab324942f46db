#include "proxy/network/connection.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

#include "proxy/network/socket.h"

namespace weft::network {

Connection::Connection(event::Dispatcher& dispatcher, int fd, bool connecting,
                       uint32_t buffer_limit)
    : Connection(dispatcher, fd, connecting, buffer_limit, nullptr) {}

Connection::Connection(event::Dispatcher& dispatcher, int fd, bool connecting,
                       uint32_t buffer_limit, std::unique_ptr<TransportSocket> transport)
    : dispatcher_(dispatcher),
      fd_(fd),
      owned_transport_(std::move(transport)),
      transport_(owned_transport_ != nullptr ? owned_transport_.get() : &raw_transport_),
      buffer_limit_(buffer_limit),
      connecting_(connecting) {
  file_event_ = dispatcher_.CreateFileEvent(
      fd_, [this](uint32_t ready) { OnReady(ready); }, 0);
  transport_->Init(fd_);
  if (!connecting_) {
    // Accepted (or already connected) socket: no callbacks are set yet, so a
    // plaintext transport is simply ready and a TLS server waits for its peer.
    IoResult result = transport_->OnTcpConnected();
    if (!ApplyIoResult(result, /*from_read=*/false)) return;
    if (result.connected) transport_ready_ = true;
  }
  UpdateEvents();
}

Connection::~Connection() {
  file_event_.reset();
  if (fd_ >= 0) {
    transport_->OnFdClosing(/*graceful=*/false);
    ::close(fd_);
  }
}

void Connection::UpgradeTransport(std::unique_ptr<TransportSocket> transport) {
  if (state_ != State::kOpen || connecting_) return;
  owned_transport_ = std::move(transport);
  transport_ = owned_transport_.get();
  transport_->Init(fd_);
  transport_->AdoptReceived(read_buffer_);
  transport_ready_ = false;
  IoResult result = transport_->OnTcpConnected();
  if (!ApplyIoResult(result, /*from_read=*/false)) return;
  if (result.connected) transport_ready_ = true;
  UpdateEvents();
  // The adopted bytes may already hold the peer's whole first flight, which the
  // fd will not signal again: drive the handshake from the loop, not from
  // inside the caller's callback.
  dispatcher_.Post([this, alive = alive_token()] {
    if (!alive.expired() && state_ == State::kOpen) DoRead();
  });
}

void Connection::UpdateEvents() {
  uint32_t events = 0;
  if (state_ == State::kClosed) {
    events = 0;
  } else if (connecting_) {
    events = event::kWritable;
  } else if (!transport_ready_) {
    // Handshaking: the transport reads whatever the peer sends, whatever the
    // application's read state, and writes only its own messages.
    events = event::kReadable;
    if (transport_wants_write_) events |= event::kWritable;
  } else {
    if (state_ == State::kOpen && !read_eof_ && read_disable_count_ == 0 &&
        read_buffer_.size() < buffer_limit_) {
      events |= event::kReadable;
    }
    if (!write_buffer_.empty() || transport_wants_write_) events |= event::kWritable;
  }
  if (events != enabled_events_) {
    enabled_events_ = events;
    file_event_->SetEnabled(events);
  }
}

void Connection::CloseFromTransport(CloseReason reason) {
  transport_wants_write_ = false;
  close_detail_ = transport_->close_detail();
  CloseSocket(reason, /*notify=*/true);
}

void Connection::FireConnected() {
  transport_ready_ = true;
  UpdateEvents();
  if (callbacks_ != nullptr) callbacks_->OnConnected(*this);
  if (state_ == State::kClosed) return;
  DoWrite();  // whatever was queued while connecting
}

void Connection::OnReady(uint32_t ready) {
  if (connecting_) {
    absl::Status result = ConnectResult(fd_);
    if (!result.ok()) {
      CloseSocket(CloseReason::kConnectFailed, /*notify=*/true);
      return;
    }
    connecting_ = false;
    IoResult io = transport_->OnTcpConnected();
    if (!ApplyIoResult(io, /*from_read=*/false)) return;
    if (io.connected) {
      FireConnected();
    } else {
      UpdateEvents();
    }
    return;
  }
  if (ready & event::kWritable) {
    DoWrite();
    if (state_ == State::kClosed) return;
  }
  if (ready & event::kReadable) DoRead();
}

void Connection::DoRead() {
  const bool was_ready = transport_ready_;
  IoResult result = TransportRead();
  bytes_received_ += result.bytes;
  if (!ApplyIoResult(result, /*from_read=*/true)) return;
  if (result.connected) {
    FireConnected();
    if (state_ == State::kClosed) return;
  }
  if (!was_ready && !transport_ready_) {  // still handshaking
    UpdateEvents();
    return;
  }
  if (result.end_stream) read_eof_ = true;
  if ((result.bytes > 0 || result.end_stream) && callbacks_ != nullptr) {
    callbacks_->OnData(*this, read_buffer_, result.end_stream);
  }
  if (state_ == State::kClosed) return;
  // Everything read was consumed: an idle TLS connection keeps no plaintext
  // buffer (a malloc per read is small next to the record crypto; plaintext
  // connections keep theirs, where it would cost a tenth of a request).
  if (owned_transport_ != nullptr) read_buffer_.ReleaseIfEmpty();
  UpdateEvents();
  MaybeScheduleRead();
}

void Connection::ScheduleRead() {
  // A TLS socket may hold decodable bytes that the fd will not signal again.
  if (read_posted_ || state_ != State::kOpen || read_eof_ ||
      read_disable_count_ > 0 || read_buffer_.size() >= buffer_limit_) {
    return;
  }
  read_posted_ = true;
  dispatcher_.Post([this, alive = alive_token()] {
    if (alive.expired()) return;
    read_posted_ = false;
    if (state_ == State::kOpen && transport_ready_ && !read_eof_ && read_disable_count_ == 0 &&
        read_buffer_.size() < buffer_limit_) {
      DoRead();
    }
  });
}

void Connection::DoWrite() {
  IoResult result = TransportWrite();
  bytes_sent_ += result.bytes;
  if (!ApplyIoResult(result, /*from_read=*/false)) return;
  if (write_buffer_.empty() && !transport_wants_write_ && state_ == State::kClosing) {
    // A flushing Close() finished: tell whoever holds the connection now.
    CloseSocket(CloseReason::kLocal, /*notify=*/true, /*graceful=*/true);
    return;
  }
  CheckWatermarks();
  if (state_ == State::kClosed) return;
  if (owned_transport_ != nullptr) write_buffer_.ReleaseIfEmpty();
  UpdateEvents();
}

void Connection::CheckWatermarks() {
  if (!above_high_watermark_ && write_buffer_.size() > buffer_limit_) {
    above_high_watermark_ = true;
    if (callbacks_ != nullptr) callbacks_->OnWriteBufferHigh(*this);
  } else if (above_high_watermark_ && write_buffer_.size() <= buffer_limit_ / 2) {
    above_high_watermark_ = false;
    if (callbacks_ != nullptr) callbacks_->OnWriteBufferLow(*this);
  }
}

void Connection::Write(absl::string_view bytes) {
  if (state_ != State::kOpen || write_shutdown_requested_ || bytes.empty()) return;
  write_buffer_.Append(bytes);
  if (transport_ready_) DoWrite();
  else CheckWatermarks();
}

void Connection::Write(Buffer& bytes) {
  if (state_ != State::kOpen || write_shutdown_requested_ || bytes.empty()) {
    bytes.Clear();
    return;
  }
  write_buffer_.Move(bytes);
  if (transport_ready_) DoWrite();
  else CheckWatermarks();
}

void Connection::ShutdownWrite() {
  if (state_ != State::kOpen || write_shutdown_requested_) return;
  write_shutdown_requested_ = true;
  // With bytes queued, the pending write sends the end of stream after them.
  if (transport_ready_ && write_buffer_.empty()) DoWrite();
}

void Connection::Close(CloseMode mode) {
  if (state_ == State::kClosed) return;
  if (mode == CloseMode::kFlush && !connecting_ &&
      (!write_buffer_.empty() || (transport_ready_ && transport_wants_write_))) {
    state_ = State::kClosing;  // DoWrite closes once everything is out
    UpdateEvents();
    return;
  }
  if (mode == CloseMode::kReset) {
    linger lin{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  }
  CloseSocket(CloseReason::kLocal, /*notify=*/false,
              /*graceful=*/mode != CloseMode::kReset && transport_ready_);
}

void Connection::ReadDisable(bool disable) {
  read_disable_count_ += disable ? 1 : -1;
  if (read_disable_count_ < 0) read_disable_count_ = 0;
  if (state_ == State::kClosed) return;
  UpdateEvents();
  if (disable || read_disable_count_ != 0) return;
  // Data that was held back while disabled is delivered once reading resumes.
  if (!read_buffer_.empty() && callbacks_ != nullptr) {
    dispatcher_.Post([this, alive = alive_token()] {
      if (!alive.expired() && state_ != State::kClosed && read_disable_count_ == 0 &&
          !read_buffer_.empty() && callbacks_ != nullptr) {
        callbacks_->OnData(*this, read_buffer_, false);
        if (state_ != State::kClosed) {
          UpdateEvents();
          MaybeScheduleRead();
        }
      }
    });
  }
  MaybeScheduleRead();
}

void Connection::CloseSocket(CloseReason reason, bool notify, bool graceful) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  file_event_->SetEnabled(0);
  enabled_events_ = 0;
  transport_->OnFdClosing(graceful);
  ::close(fd_);
  fd_ = -1;
  if (notify && callbacks_ != nullptr) callbacks_->OnClose(*this, reason);
}

}  // namespace weft::network
