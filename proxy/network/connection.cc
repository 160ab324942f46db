#include "proxy/network/connection.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy/network/socket.h"

namespace weft::network {

Connection::Connection(event::Dispatcher& dispatcher, int fd, bool connecting,
                       uint32_t buffer_limit)
    : dispatcher_(dispatcher), fd_(fd), buffer_limit_(buffer_limit), connecting_(connecting) {
  file_event_ = dispatcher_.CreateFileEvent(
      fd_, [this](uint32_t ready) { OnReady(ready); }, 0);
  UpdateEvents();
}

Connection::~Connection() {
  file_event_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void Connection::UpdateEvents() {
  uint32_t events = 0;
  if (state_ == State::kClosed) {
    events = 0;
  } else if (connecting_) {
    events = event::kWritable;
  } else {
    if (state_ == State::kOpen && !read_eof_ && read_disable_count_ == 0 &&
        read_buffer_.size() < buffer_limit_) {
      events |= event::kReadable;
    }
    if (!write_buffer_.empty()) events |= event::kWritable;
  }
  if (events != enabled_events_) {
    enabled_events_ = events;
    file_event_->SetEnabled(events);
  }
}

void Connection::OnReady(uint32_t ready) {
  if (connecting_) {
    absl::Status result = ConnectResult(fd_);
    if (!result.ok()) {
      CloseSocket(CloseReason::kConnectFailed, /*notify=*/true);
      return;
    }
    connecting_ = false;
    UpdateEvents();
    if (callbacks_ != nullptr) callbacks_->OnConnected(*this);
    if (state_ == State::kClosed) return;
    DoWrite();
    return;
  }
  if (ready & event::kWritable) {
    DoWrite();
    if (state_ == State::kClosed) return;
  }
  if (ready & event::kReadable) DoRead();
}

void Connection::DoRead() {
  bool eof = false;
  bool got = false;
  // Read what is there now, but stop at the buffer limit so that a fast sender
  // cannot grow our memory when the other side is slow.
  while (read_buffer_.size() < buffer_limit_) {
    ssize_t n = read_buffer_.ReadFrom(fd_, 64 * 1024);
    if (n > 0) {
      bytes_received_ += n;
      got = true;
      if (static_cast<size_t>(n) < 64 * 1024) break;  // drained the socket
      continue;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (errno == EINTR) continue;
    CloseSocket(CloseReason::kRemoteReset, /*notify=*/true);
    return;
  }
  if (eof) read_eof_ = true;
  if ((got || eof) && callbacks_ != nullptr) callbacks_->OnData(*this, read_buffer_, eof);
  if (state_ != State::kClosed) UpdateEvents();
}

void Connection::DoWrite() {
  while (!write_buffer_.empty()) {
    ssize_t n = write_buffer_.WriteTo(fd_);
    if (n > 0) {
      bytes_sent_ += n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    CloseSocket(CloseReason::kRemoteReset, /*notify=*/true);
    return;
  }
  if (write_buffer_.empty()) {
    if (state_ == State::kClosing) {
      // A flushing Close() finished: tell whoever holds the connection now.
      CloseSocket(CloseReason::kLocal, /*notify=*/true);
      return;
    }
    if (write_shutdown_requested_ && !write_shutdown_done_) {
      ::shutdown(fd_, SHUT_WR);
      write_shutdown_done_ = true;
    }
  }
  CheckWatermarks();
  if (state_ != State::kClosed) UpdateEvents();
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
  if (!connecting_) DoWrite();
  else CheckWatermarks();
}

void Connection::Write(Buffer& bytes) {
  if (state_ != State::kOpen || write_shutdown_requested_ || bytes.empty()) {
    bytes.Clear();
    return;
  }
  write_buffer_.Move(bytes);
  if (!connecting_) DoWrite();
  else CheckWatermarks();
}

void Connection::ShutdownWrite() {
  if (state_ != State::kOpen || write_shutdown_requested_) return;
  write_shutdown_requested_ = true;
  if (!connecting_ && write_buffer_.empty()) {
    ::shutdown(fd_, SHUT_WR);
    write_shutdown_done_ = true;
  }
}

void Connection::Close(CloseMode mode) {
  if (state_ == State::kClosed) return;
  if (mode == CloseMode::kFlush && !write_buffer_.empty() && !connecting_) {
    state_ = State::kClosing;  // DoWrite closes once the buffer is empty
    UpdateEvents();
    return;
  }
  if (mode == CloseMode::kReset) {
    linger lin{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  }
  CloseSocket(CloseReason::kLocal, /*notify=*/false);
}

void Connection::ReadDisable(bool disable) {
  read_disable_count_ += disable ? 1 : -1;
  if (read_disable_count_ < 0) read_disable_count_ = 0;
  if (state_ == State::kClosed) return;
  UpdateEvents();
  // Data that was held back while disabled is delivered once reading resumes.
  if (!disable && read_disable_count_ == 0 && !read_buffer_.empty() && callbacks_ != nullptr) {
    dispatcher_.Post([this, alive = alive_token()] {
      if (!alive.expired() && state_ != State::kClosed && read_disable_count_ == 0 &&
          !read_buffer_.empty() && callbacks_ != nullptr) {
        callbacks_->OnData(*this, read_buffer_, false);
        if (state_ != State::kClosed) UpdateEvents();
      }
    });
  }
}

void Connection::CloseSocket(CloseReason reason, bool notify) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  file_event_->SetEnabled(0);
  enabled_events_ = 0;
  ::close(fd_);
  fd_ = -1;
  if (notify && callbacks_ != nullptr) callbacks_->OnClose(*this, reason);
}

}  // namespace weft::network
