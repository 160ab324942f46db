#include "proxy/admin/admin_server.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proxy/http/http1_encoder.h"
#include "proxy/http/http1_parser.h"
#include "proxy/network/connection.h"
#include "proxy/network/socket.h"

namespace weft::admin {

class AdminServer::AdminConnection : private network::ConnectionCallbacks,
                                     private http::Http1Parser::Callbacks {
 public:
  AdminConnection(AdminServer& server, int fd)
      : server_(server),
        connection_(server.dispatcher_, fd, false, 64 * 1024),
        parser_(http::Http1Parser::Type::kRequest, this, 16 * 1024) {
    connection_.SetCallbacks(this);
    timer_ = server.dispatcher_.CreateTimer([this] { Done(); });
    timer_->Enable(absl::Seconds(10));  // a stalled client does not pin a slot
  }

 private:
  void OnMessageHead(http::MessageHead& head) override {
    request_.method = head.method;
    size_t q = head.target.find('?');
    request_.path = head.target.substr(0, q);
    request_.query = q == std::string::npos ? "" : head.target.substr(q + 1);
  }
  void OnBody(absl::string_view) override {}
  void OnMessageComplete() override { complete_ = true; }

  void OnData(network::Connection&, network::Buffer& data, bool end_stream) override {
    if (handled_) {  // one request per connection; its answer may still be coming
      data.Clear();
      return;
    }
    http::Http1Parser::Result r = parser_.Execute(data.view());
    data.Drain(r.consumed);
    if (r.error != http::ParseError::kNone) {
      Respond(AdminResponse{400, "text/plain", "bad request\n"});
    } else if (complete_ && !handled_) {
      handled_ = true;
      // The answer may come later: `alive` tells it whether this connection
      // still exists then.
      server_.Handle(request_, [this, alive = std::weak_ptr<bool>(alive_)](AdminResponse r) {
        if (alive.expired() || responded_ || done_) return;
        Respond(r);
      });
    } else if (end_stream) {
      Done();
    }
  }
  void OnClose(network::Connection&, network::CloseReason) override { Done(); }

  void Respond(const AdminResponse& response) {
    responded_ = true;
    handled_ = true;
    network::Buffer out;
    out.Append(absl::StrCat("HTTP/1.1 ", response.status, " ", http::StatusReason(response.status),
                            "\r\ncontent-type: ", response.content_type,
                            "\r\ncontent-length: ", response.body.size(),
                            "\r\nconnection: close\r\n\r\n", response.body));
    connection_.Write(out);
    connection_.ShutdownWrite();
    connection_.Close(network::Connection::CloseMode::kFlush);
    if (connection_.closed()) Done();
  }
  void Done() {
    if (done_) return;
    done_ = true;
    timer_->Disable();
    server_.Remove(this);
  }
  void OnWriteBufferHigh(network::Connection&) override {}

  AdminServer& server_;
  network::Connection connection_;
  http::Http1Parser parser_;
  std::unique_ptr<event::Timer> timer_;
  AdminRequest request_;
  bool complete_ = false;
  bool handled_ = false;
  bool responded_ = false;
  bool done_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Create(event::Dispatcher& dispatcher,
                                                                 const network::Address& address) {
  absl::StatusOr<int> fd = network::Listen(address, 128);
  if (!fd.ok()) return fd.status();
  return std::unique_ptr<AdminServer>(
      new AdminServer(dispatcher, *fd, network::LocalAddress(*fd)));
}

AdminServer::AdminServer(event::Dispatcher& dispatcher, int fd, network::Address address)
    : dispatcher_(dispatcher), fd_(fd), address_(std::move(address)) {
  accept_event_ = dispatcher_.CreateFileEvent(
      fd_, [this](uint32_t) { OnAcceptable(); }, event::kReadable);
}

AdminServer::~AdminServer() {
  accept_event_.reset();
  connections_.clear();
  ::close(fd_);
}

void AdminServer::AddHandler(const std::string& path, const std::string& help, Handler handler) {
  handlers_[path] = Route{help, std::move(handler)};
}

void AdminServer::OnAcceptable() {
  for (int i = 0; i < 16; ++i) {
    int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto c = std::make_unique<AdminConnection>(*this, fd);
    AdminConnection* raw = c.get();
    connections_.emplace(raw, std::move(c));
  }
}

void AdminServer::AddPrefixHandler(const std::string& prefix, const std::string& help,
                                   AsyncHandler handler) {
  prefix_handlers_[prefix] = PrefixRoute{help, std::move(handler)};
}

void AdminServer::Handle(const AdminRequest& request, Respond respond) {
  if (request.path == "/") {
    std::string body = "Weft proxy admin. Endpoints:\n";
    for (const auto& [path, route] : handlers_) absl::StrAppend(&body, "  ", path, "  ", route.help, "\n");
    for (const auto& [prefix, route] : prefix_handlers_) {
      absl::StrAppend(&body, "  ", prefix, "...  ", route.help, "\n");
    }
    respond(AdminResponse{200, "text/plain", body});
    return;
  }
  auto it = handlers_.find(request.path);
  if (it != handlers_.end()) {
    respond(it->second.handler(request));
    return;
  }
  for (const auto& [prefix, route] : prefix_handlers_) {
    if (absl::StartsWith(request.path, prefix)) {
      route.handler(request, std::move(respond));
      return;
    }
  }
  respond(AdminResponse{404, "text/plain",
                        absl::StrCat("no admin endpoint ", request.path, "; see /\n")});
}

void AdminServer::Remove(AdminConnection* c) {
  auto it = connections_.find(c);
  if (it == connections_.end()) return;
  std::unique_ptr<AdminConnection> owned = std::move(it->second);
  connections_.erase(it);
  dispatcher_.DeferDelete(std::move(owned));
}

}  // namespace weft::admin
