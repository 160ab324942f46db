#ifndef WEFT_PROXY_HTTP_HTTP1_SESSION_H_
#define WEFT_PROXY_HTTP_HTTP1_SESSION_H_

#include <memory>
#include <string>

#include "proxy/http/http1_encoder.h"
#include "proxy/http/http1_parser.h"
#include "proxy/listener/session.h"
#include "proxy/network/connection.h"
#include "proxy/upstream/cluster.h"

namespace weft::http {

// Proxies HTTP/1.1 for one client connection: each request is routed by host and
// path to a cluster, sent on a pooled keep-alive upstream connection, and its
// response streamed back. Bodies stream in both directions (chunked bodies are
// re-framed, never buffered whole); pipelined requests are answered in order,
// one at a time. Failures become clean responses with an x-weft-error reason.
// Thread-compatible: the owning worker's dispatcher only.
class Http1Session final : public listener::Session,
                           private network::ConnectionCallbacks,
                           private Http1Parser::Callbacks {
 public:
  // Takes over `downstream`, including bytes already read into its buffer.
  static void Start(const listener::ListenerContextPtr& context, const listener::ConnectionInfo& info,
                    std::unique_ptr<network::Connection> downstream);
  ~Http1Session() override;

  void OnDrain() override;

 private:
  // Receives the upstream's response, separately from the request's callbacks.
  class ResponseDecoder : public Http1Parser::Callbacks {
   public:
    explicit ResponseDecoder(Http1Session& session) : session_(session) {}
    void OnMessageHead(MessageHead& head) override { session_.OnResponseHead(head); }
    void OnBody(absl::string_view data) override { session_.OnResponseBody(data); }
    void OnMessageComplete() override { session_.OnResponseComplete(); }

   private:
    Http1Session& session_;
  };

  Http1Session(listener::ListenerContextPtr context, const listener::ConnectionInfo& info,
               std::unique_ptr<network::Connection> downstream);

  // Client side.
  void OnMessageHead(MessageHead& head) override;
  void OnBody(absl::string_view data) override;
  void OnMessageComplete() override;
  void ParseRequests();

  // Connection events, from either side.
  void OnData(network::Connection& c, network::Buffer& data, bool end_stream) override;
  void OnClose(network::Connection& c, network::CloseReason reason) override;
  void OnWriteBufferHigh(network::Connection& c) override;
  void OnWriteBufferLow(network::Connection& c) override;

  // Upstream side.
  void SendUpstream();
  bool ConnectUpstream(bool allow_pooled);
  void OnUpstreamData(network::Buffer& data, bool end_stream);
  void OnUpstreamGone(bool connect_failed);
  void OnResponseHead(MessageHead& head);
  void OnResponseBody(absl::string_view data);
  void OnResponseComplete();

  void EndExchange();
  void FlushDownstream();
  void FlushUpstream();
  void ReleaseUpstream(bool reuse);
  // Answers the current request with an error made by the proxy.
  void LocalReply(int status, absl::string_view reason, bool close);
  void OnRequestTimeout();
  void OnIdleTimeout();
  void Finish(network::Connection::CloseMode mode);

  listener::ListenerContextPtr context_;
  listener::ConnectionInfo info_;
  // This connection's filter chain, looked up again when the listener's chains
  // change (a config update), so that open connections follow new routes.
  std::shared_ptr<const listener::FilterChainTable> chains_;
  const listener::FilterChainTable::Chain* chain_ = nullptr;
  std::unique_ptr<network::Connection> downstream_;
  Http1Parser request_parser_;
  ResponseDecoder response_decoder_;
  Http1Parser response_parser_;
  // Both timers are lazy: they stay armed across requests and check the
  // deadline when they fire, so that a request costs no timer re-arming.
  std::unique_ptr<event::Timer> request_timer_;
  std::unique_ptr<event::Timer> idle_timer_;
  absl::Time request_deadline_ = absl::InfiniteFuture();
  absl::Time request_timer_fires_at_ = absl::InfinitePast();
  absl::Time last_activity_;

  // The exchange in flight (one at a time).
  bool active_ = false;
  bool request_complete_ = false;
  bool response_started_ = false;
  bool request_keep_alive_ = true;
  bool is_head_ = false;
  BodyFraming request_framing_ = BodyFraming::kNone;
  BodyFraming response_framing_ = BodyFraming::kNone;
  bool close_after_response_ = false;
  bool response_complete_ = false;
  bool response_keep_alive_ = true;
  bool informational_ = false;  // a 1xx response head passed; the final one follows
  bool upstream_read_disabled_ = false;
  bool downstream_read_disabled_ = false;
  // A reply the proxy decided on while the request was still arriving; sent once
  // the request has been read.
  int pending_reply_status_ = 0;
  std::string pending_reply_reason_;
  std::shared_ptr<upstream::Cluster> cluster_;
  std::shared_ptr<upstream::ConnectionPool> pool_;
  std::unique_ptr<network::Connection> upstream_;
  bool upstream_reused_ = false;
  bool retried_ = false;
  // The encoded request head, kept while a retry on a fresh connection is
  // possible (a reused keep-alive connection that the upstream had just closed).
  std::string replay_head_;
  // Bytes produced while handling one read, written with one send per side.
  network::Buffer to_upstream_;
  network::Buffer to_downstream_;
  bool finished_ = false;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_HTTP1_SESSION_H_
