#ifndef WEFT_PROXY_TLS_TLS_CONTEXT_PROVIDER_H_
#define WEFT_PROXY_TLS_TLS_CONTEXT_PROVIDER_H_

// The current TlsContext for one role (e.g. "inbound server" or "outbound
// client"), swapped atomically when certificates rotate or the trust bundle
// changes:
//
//   TlsContextProvider provider(*TlsContext::CreateServer(options));
//   // SDS delivered a renewed certificate (any thread):
//   provider.Set(*TlsContext::CreateServer(renewed_options));
//   // a worker accepting a connection:
//   auto socket = TlsTransportSocket::CreateServer(provider.Get());
//
// New connections get the newest context; established ones keep the context
// (and certificate) they started with, through their own shared_ptr, so a swap
// drops nothing. Thread-safe; Get() is a short critical section (one shared_ptr
// copy), paid once per new connection.

#include <cstdint>
#include <memory>

#include "common/sync/mutex.h"
#include "proxy/tls/tls_context.h"

namespace weft::tls {

class TlsContextProvider {
 public:
  explicit TlsContextProvider(std::shared_ptr<const TlsContext> initial = nullptr)
      : current_(std::move(initial)) {}

  // Null until a context has been set.
  std::shared_ptr<const TlsContext> Get() const {
    MutexLock lock(&mu_);
    return current_;
  }

  // Publishes `context` for new connections.
  void Set(std::shared_ptr<const TlsContext> context) {
    std::shared_ptr<const TlsContext> old;
    {
      MutexLock lock(&mu_);
      old = std::move(current_);
      current_ = std::move(context);
      ++generation_;
    }
    // `old` is released outside the lock (its SSL_CTX may be freed here).
  }

  // How many times Set() was called; lets callers notice a swap cheaply.
  uint64_t generation() const {
    MutexLock lock(&mu_);
    return generation_;
  }

 private:
  mutable weft::Mutex mu_;
  std::shared_ptr<const TlsContext> current_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_TLS_CONTEXT_PROVIDER_H_
