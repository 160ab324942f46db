#ifndef WEFT_PROXY_LISTENER_SESSION_H_
#define WEFT_PROXY_LISTENER_SESSION_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/event/dispatcher.h"
#include "common/random/random.h"
#include "proxy/config/model.h"
#include "proxy/listener/filter_chain_table.h"
#include "proxy/network/address.h"
#include "proxy/network/connection.h"
#include "proxy/stats/stats.h"

namespace weft::upstream {
class ClusterManager;
}
namespace weft::resilience {
class RateLimiter;
}
namespace weft::tls {
class MeshTls;
}
namespace weft::observability {
class AccessLogger;
class WorkerRequestMetrics;
}

namespace weft::listener {

// The life of one accepted connection (opaque TCP, HTTP/1...). Owned by the
// worker, which destroys it after it calls SessionHost::RemoveSession.
class Session {
 public:
  virtual ~Session() = default;
  // The worker is draining: finish what is in flight, take nothing new.
  virtual void OnDrain() {}
};

// What a session needs from the worker that owns it.
// Called on the worker's thread only.
class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual event::Dispatcher& dispatcher() = 0;
  virtual upstream::ClusterManager& clusters() = 0;
  // Adds a session; the host owns it from now on.
  virtual Session* AddSession(std::unique_ptr<Session> session) = 0;
  // Ends a session: it is destroyed once the current callback returns.
  virtual void RemoveSession(Session* session) = 0;
  virtual bool draining() const = 0;
  // Keeps a connection that is flushing its last bytes (Close(kFlush)) alive
  // until it is done, after its session has ended.
  virtual void CloseLater(std::unique_ptr<network::Connection> connection) = 0;
  // proxy.errors.<reason>, counted whenever the proxy answers with an error.
  virtual stats::Counter& ErrorCounter(absl::string_view reason) = 0;
  // This worker's random numbers (weighted splits...).
  virtual RandomGenerator& random() = 0;
  // Per-request metrics and the access log of this worker; null when off.
  virtual observability::WorkerRequestMetrics* request_metrics() { return nullptr; }
  virtual observability::AccessLogger* access_logger() { return nullptr; }
  // Whether streams propagate (and start) trace context headers.
  virtual bool tracing() const { return false; }
  // The process-wide local rate limiter; null when none.
  virtual resilience::RateLimiter* rate_limiter() { return nullptr; }
  // The proxy's mTLS contexts; null when the proxy has no identity.
  virtual const tls::MeshTls* mesh_tls() const { return nullptr; }
};

// Counters of one listener on one worker.
struct ListenerStats {
  ListenerStats(stats::Scope& scope, const std::string& name);
  stats::Counter& cx_total;
  stats::Gauge& cx_active;
  stats::Counter& tcp_cx_total;
  stats::Counter& http_rq_total;
  stats::Counter& http_rq_1xx;
  stats::Counter& http_rq_2xx;
  stats::Counter& http_rq_3xx;
  stats::Counter& http_rq_4xx;
  stats::Counter& http_rq_5xx;
  stats::Counter& detect_timeout;
  stats::Counter& tls_detected;
  // mTLS: handshakes that completed / failed, and plaintext refused (STRICT).
  stats::Counter& mtls_handshakes;
  stats::Counter& mtls_resumed;  // of those, TLS 1.3 session resumptions
  stats::Counter& mtls_handshake_failed;
  stats::Counter& plaintext_refused;
  void CountResponse(int status);
};

// Everything the sessions of one listener share, per worker. Config updates
// change `config` and `routes` in place (on the worker's thread), so that the
// next request on an existing keep-alive connection already follows them.
// Sessions hold a shared_ptr to it, so it outlives a listener that was removed.
struct ListenerContext {
  ListenerContext(config::Listener config, ListenerStats& stats,
                  std::shared_ptr<const FilterChainTable> chains, SessionHost& host)
      : config(std::move(config)), stats(stats), chains(std::move(chains)), host(host) {}
  config::Listener config;
  ListenerStats& stats;
  std::shared_ptr<const FilterChainTable> chains;  // never null
  SessionHost& host;
};
using ListenerContextPtr = std::shared_ptr<ListenerContext>;

// Per accepted connection: where it came from and where it meant to go.
struct ConnectionInfo {
  network::Address peer;
  network::Address original_dst;  // valid only for captured connections
  // Where the client connected to: the original destination when captured,
  // else the listener's own address. Filter chains match on it.
  network::Address destination;
  // The connection started with a TLS ClientHello and the proxy terminated
  // mTLS; filter chains match on it.
  bool tls = false;
};

}  // namespace weft::listener

#endif  // WEFT_PROXY_LISTENER_SESSION_H_
