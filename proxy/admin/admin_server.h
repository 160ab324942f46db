#ifndef WEFT_PROXY_ADMIN_ADMIN_SERVER_H_
#define WEFT_PROXY_ADMIN_ADMIN_SERVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/event/dispatcher.h"
#include "proxy/network/address.h"

namespace weft::admin {

struct AdminRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // after '?', undecoded
};

struct AdminResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

// A small HTTP/1.1 server for operators (127.0.0.1:15000 by default): one
// request per connection, handlers by exact path, or by path prefix for handlers
// that answer later (e.g. after checking the app: /app-health/...). Not for
// traffic: it answers slowly-arriving or oversized requests with an error and
// closes.
// Thread-compatible: runs on one dispatcher (the main thread's).
class AdminServer {
 public:
  using Handler = std::function<AdminResponse(const AdminRequest&)>;
  // Answers the request, now or later, on the server's dispatcher. Calling it
  // after the client went away (or the 10 s request limit passed) does nothing.
  using Respond = std::function<void(AdminResponse)>;
  using AsyncHandler = std::function<void(const AdminRequest&, Respond)>;

  static absl::StatusOr<std::unique_ptr<AdminServer>> Create(event::Dispatcher& dispatcher,
                                                             const network::Address& address);
  ~AdminServer();

  // `help` is listed on the index page ("/").
  void AddHandler(const std::string& path, const std::string& help, Handler handler);
  // Every path that starts with `prefix` (exact paths win). The handler must
  // not block: it answers through `Respond` when its result is there.
  void AddPrefixHandler(const std::string& prefix, const std::string& help,
                        AsyncHandler handler);
  const network::Address& address() const { return address_; }

 private:
  class AdminConnection;
  AdminServer(event::Dispatcher& dispatcher, int fd, network::Address address);
  void OnAcceptable();
  void Handle(const AdminRequest& request, Respond respond);
  void Remove(AdminConnection* c);

  event::Dispatcher& dispatcher_;
  int fd_;
  network::Address address_;
  std::unique_ptr<event::FileEvent> accept_event_;
  struct Route {
    std::string help;
    Handler handler;
  };
  std::map<std::string, Route> handlers_;
  struct PrefixRoute {
    std::string help;
    AsyncHandler handler;
  };
  std::map<std::string, PrefixRoute> prefix_handlers_;
  std::map<AdminConnection*, std::unique_ptr<AdminConnection>> connections_;
};

}  // namespace weft::admin

#endif  // WEFT_PROXY_ADMIN_ADMIN_SERVER_H_
