#ifndef WEFT_PROXY_LISTENER_ACTIVE_LISTENER_H_
#define WEFT_PROXY_LISTENER_ACTIVE_LISTENER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "proxy/listener/session.h"
#include "proxy/network/connection.h"

namespace weft::listener {

// One worker's listening socket for one configured listener (each worker binds
// its own with SO_REUSEPORT, so the kernel spreads connections). Accepts, finds
// the original destination of captured connections, decides the protocol
// (declared, by port, or sniffed from the first bytes with a time limit) and
// starts the matching session.
// Thread-compatible: the owning worker's dispatcher only.
class ActiveListener {
 public:
  static absl::StatusOr<std::unique_ptr<ActiveListener>> Create(ListenerContextPtr context);
  ~ActiveListener();

  // Stops accepting and closes the socket (drain).
  void Stop();
  ListenerContext& context() { return *context_; }

 private:
  ActiveListener(ListenerContextPtr context, int fd);
  void OnAcceptable();
  void Dispatch(const ConnectionInfo& info, std::unique_ptr<network::Connection> connection);

  ListenerContextPtr context_;
  int fd_;
  std::unique_ptr<event::FileEvent> accept_event_;
};

}  // namespace weft::listener

#endif  // WEFT_PROXY_LISTENER_ACTIVE_LISTENER_H_
