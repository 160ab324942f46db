#ifndef WEFT_PROXY_HTTP_CONNECTION_MANAGER_H_
#define WEFT_PROXY_HTTP_CONNECTION_MANAGER_H_

#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "common/event/dispatcher.h"
#include "proxy/http/codec.h"
#include "proxy/http/proxy_stream.h"
#include "proxy/listener/session.h"
#include "proxy/network/coalesced_writer.h"
#include "proxy/network/connection.h"
#include "proxy/upstream/codec_client.h"

namespace weft::http {

// One downstream HTTP connection (HTTP/1.1 or HTTP/2, chosen by the listener's
// protocol detection): runs the server codec over the connection and a
// ProxyStream per request. Owns the connection-wide timers (idle timeout, and
// one lazily re-armed timer for every stream's deadline, so that a request
// costs no timer syscalls), drains gracefully (HTTP/2 GOAWAY, HTTP/1.1
// `connection: close`), and follows config updates: each new request looks
// its filter chain up again when the listener's chains changed.
// Thread-compatible: the owning worker's dispatcher only.
class HttpConnectionManager final : public listener::Session,
                                    private network::ConnectionCallbacks,
                                    private CodecTransport,
                                    private ServerConnectionCallbacks,
                                    private event::DeferredAction {
 public:
  // Takes over `downstream`, including bytes already read into its buffer.
  static void Start(const listener::ListenerContextPtr& context,
                    const listener::ConnectionInfo& info,
                    std::unique_ptr<network::Connection> downstream,
                    upstream::HttpVersion version);
  ~HttpConnectionManager() override;

  void OnDrain() override;

  // For the streams.
  listener::ListenerContext& context() { return *context_; }
  const listener::ConnectionInfo& info() const { return info_; }
  upstream::HttpVersion version() const { return version_; }
  // The filter chain of this connection under the current config.
  const listener::FilterChainTable::Chain& chain();
  const std::shared_ptr<const listener::FilterChainTable>& chains();
  absl::Time Now() const;
  // The client's "ip:port", formatted once per connection (for access logs).
  const std::string& peer_text();
  // The client's verified SPIFFE ID, "" for plaintext; formatted once per connection.
  const std::string& peer_identity();
  // A stream's response must start by `deadline`.
  void ScheduleDeadline(absl::Time deadline);
  // The stream ended; it is destroyed once the current callback returns.
  void OnStreamDone(ProxyStream& stream);

 private:
  HttpConnectionManager(listener::ListenerContextPtr context, const listener::ConnectionInfo& info,
                        std::unique_ptr<network::Connection> downstream,
                        upstream::HttpVersion version);

  // ServerConnectionCallbacks.
  RequestDecoder& NewStream(ResponseEncoder& encoder) override;
  // network::ConnectionCallbacks.
  void OnData(network::Connection& c, network::Buffer& data, bool end_stream) override;
  void OnClose(network::Connection& c, network::CloseReason reason) override;
  void OnWriteBufferHigh(network::Connection& c) override;
  void OnWriteBufferLow(network::Connection& c) override;
  // CodecTransport.
  void Write(network::Buffer& bytes) override;
  void ReadDisable(bool disable) override;
  event::Dispatcher* output_dispatcher() override { return &context_->host.dispatcher(); }
  // DeferredAction: frees finished streams and closes a connection that is done.
  void RunDeferred() override;

  void Dispatch();
  void CountProtocolError(const absl::Status& status);
  // Closes when the codec cannot carry more and nothing is in flight.
  void MaybeClose();
  void OnDeadlineTimer();
  void OnIdleTimer();
  void Finish(network::Connection::CloseMode mode);

  listener::ListenerContextPtr context_;
  listener::ConnectionInfo info_;
  const upstream::HttpVersion version_;
  std::unique_ptr<network::Connection> downstream_;
  network::CoalescedWriter writer_;
  std::unique_ptr<ServerConnection> codec_;
  std::shared_ptr<const listener::FilterChainTable> chains_;
  const listener::FilterChainTable::Chain* chain_ = nullptr;
  absl::flat_hash_map<ProxyStream*, std::unique_ptr<ProxyStream>> streams_;
  std::vector<std::unique_ptr<ProxyStream>> finished_;
  std::unique_ptr<event::Timer> deadline_timer_;
  absl::Time deadline_timer_fires_at_ = absl::InfinitePast();
  std::unique_ptr<event::Timer> idle_timer_;
  absl::Time last_activity_;
  std::string peer_text_;
  std::string peer_identity_;
  bool peer_identity_known_ = false;
  bool remote_closed_ = false;
  bool draining_ = false;
  bool finished_session_ = false;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_CONNECTION_MANAGER_H_
