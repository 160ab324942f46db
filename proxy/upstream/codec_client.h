#ifndef WEFT_PROXY_UPSTREAM_CODEC_CLIENT_H_
#define WEFT_PROXY_UPSTREAM_CODEC_CLIENT_H_

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "proxy/http/codec.h"
#include "proxy/http2/http2_options.h"
#include "proxy/network/coalesced_writer.h"
#include "proxy/network/connection.h"

namespace weft::upstream {

enum class HttpVersion { kHttp1, kHttp2 };

// One upstream connection with its HTTP client codec (HTTP/1.1 or HTTP/2):
// feeds the codec what the connection reads, writes what the codec encodes,
// passes backpressure both ways, and gives up a connect that takes longer than
// the connect timeout. Owned by a ConnectionPool, which it tells when it may
// take a stream again and when it has closed.
// Thread-compatible: the owning worker's dispatcher only.
class CodecClient final : private network::ConnectionCallbacks, private http::CodecTransport {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    // A stream ended and the client can take another (HTTP/1: it is idle).
    virtual void OnClientReady(CodecClient& client) = 0;
    // The connection closed (or failed); the owner destroys the client later,
    // never from inside this call.
    virtual void OnClientClosed(CodecClient& client) = 0;
  };

  struct Options {
    HttpVersion version = HttpVersion::kHttp1;
    absl::Duration connect_timeout = absl::Seconds(1);
    const http2::Http2Options* http2 = nullptr;  // for kHttp2; null: defaults
  };

  CodecClient(event::Dispatcher& dispatcher, Owner& owner,
              std::unique_ptr<network::Connection> connection, const Options& options);
  ~CodecClient() override;

  // Only when CanTakeStream().
  http::RequestEncoder& NewStream(http::ResponseDecoder& decoder);
  bool CanTakeStream() const;
  size_t active_streams() const { return codec_->active_streams(); }
  bool closed() const { return closed_; }
  // Closed because the connection could not be established (or in time).
  bool connect_failed() const { return connect_failed_; }
  HttpVersion version() const { return version_; }
  // Streams served so far (a reused connection has served at least one).
  uint64_t streams_served() const { return streams_served_; }
  absl::Time last_used() const { return last_used_; }
  // Closes now; open streams are reset (kConnectionTermination).
  void Close();

 private:
  // network::ConnectionCallbacks.
  void OnConnected(network::Connection& c) override;
  void OnData(network::Connection& c, network::Buffer& data, bool end_stream) override;
  void OnClose(network::Connection& c, network::CloseReason reason) override;
  void OnWriteBufferHigh(network::Connection& c) override;
  void OnWriteBufferLow(network::Connection& c) override;
  // http::CodecTransport.
  void Write(network::Buffer& bytes) override;
  void ReadDisable(bool disable) override;
  event::Dispatcher* output_dispatcher() override { return &dispatcher_; }

  void OnStreamComplete();
  void OnConnectTimeout();
  void CloseWithReason(http::StreamResetReason reason);
  // Closes when the codec is done with the connection and nothing is in flight.
  void CloseIfUnusable();

  event::Dispatcher& dispatcher_;
  Owner& owner_;
  const HttpVersion version_;
  std::unique_ptr<network::Connection> connection_;
  // What the codec writes during one event callback (the requests of every
  // stream that callback started) goes out in one send(2).
  network::CoalescedWriter writer_;
  std::unique_ptr<http::ClientConnection> codec_;
  std::unique_ptr<event::Timer> connect_timer_;
  uint64_t streams_served_ = 0;
  absl::Time last_used_;
  bool closed_ = false;
  bool connect_failed_ = false;
};

}  // namespace weft::upstream

#endif  // WEFT_PROXY_UPSTREAM_CODEC_CLIENT_H_
