#ifndef WEFT_PROXY_TCP_TCP_PROXY_SESSION_H_
#define WEFT_PROXY_TCP_TCP_PROXY_SESSION_H_

#include <memory>

#include "proxy/listener/session.h"
#include "proxy/network/connection.h"
#include "proxy/upstream/cluster.h"

namespace weft::tcp {

// Opaque TCP proxying: bytes both ways between the client and one upstream
// endpoint, each half-close passed on, reading paused on one side while the other
// side cannot keep up, and the pair closed after `idle_timeout` without traffic.
// Thread-compatible: the owning worker's dispatcher only.
class TcpProxySession final : public listener::Session, private network::ConnectionCallbacks {
 public:
  // Takes over `downstream`, including bytes already read into its buffer.
  static void Start(const listener::ListenerContextPtr& context, const listener::ConnectionInfo& info,
                    std::unique_ptr<network::Connection> downstream);
  ~TcpProxySession() override;

 private:
  TcpProxySession(listener::ListenerContextPtr context,
                  std::unique_ptr<network::Connection> downstream);
  void Connect(const listener::ConnectionInfo& info);
  void OnConnected(network::Connection& c) override;
  void OnData(network::Connection& c, network::Buffer& data, bool end_stream) override;
  void OnClose(network::Connection& c, network::CloseReason reason) override;
  void OnWriteBufferHigh(network::Connection& c) override;
  void OnWriteBufferLow(network::Connection& c) override;
  void OnIdleTimer();
  void MaybeFinish();
  void Finish(network::Connection::CloseMode mode);
  network::Connection& Other(network::Connection& c) {
    return &c == downstream_.get() ? *upstream_ : *downstream_;
  }

  listener::ListenerContextPtr context_;
  std::unique_ptr<network::Connection> downstream_;
  std::unique_ptr<network::Connection> upstream_;
  std::shared_ptr<upstream::Cluster> cluster_;
  std::unique_ptr<event::Timer> idle_timer_;
  uint64_t last_bytes_ = 0;
  bool finished_ = false;
};

}  // namespace weft::tcp

#endif  // WEFT_PROXY_TCP_TCP_PROXY_SESSION_H_
