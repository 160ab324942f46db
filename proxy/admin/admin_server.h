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
// request per connection, handlers by exact path. Not for traffic: it answers
// slowly-arriving or oversized requests with an error and closes.
// Thread-compatible: runs on one dispatcher (the main thread's).
class AdminServer {
 public:
  using Handler = std::function<AdminResponse(const AdminRequest&)>;

  static absl::StatusOr<std::unique_ptr<AdminServer>> Create(event::Dispatcher& dispatcher,
                                                             const network::Address& address);
  ~AdminServer();

  // `help` is listed on the index page ("/").
  void AddHandler(const std::string& path, const std::string& help, Handler handler);
  const network::Address& address() const { return address_; }

 private:
  class AdminConnection;
  AdminServer(event::Dispatcher& dispatcher, int fd, network::Address address);
  void OnAcceptable();
  AdminResponse Handle(const AdminRequest& request);
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
  std::map<AdminConnection*, std::unique_ptr<AdminConnection>> connections_;
};

}  // namespace weft::admin

#endif  // WEFT_PROXY_ADMIN_ADMIN_SERVER_H_
