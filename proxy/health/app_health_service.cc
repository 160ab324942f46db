#include "proxy/health/app_health_service.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proxy/health/grpc_health.h"
#include "proxy/http/http1_parser.h"
#include "proxy/network/connection.h"
#include "proxy/network/socket.h"

namespace weft::health {
namespace {

admin::AdminResponse Answer(int status, std::string body) {
  return admin::AdminResponse{status, "text/plain", absl::StrCat(body, "\n")};
}

bool HasHeader(const AppProbe& probe, absl::string_view name) {
  for (const auto& [n, v] : probe.headers) {
    if (absl::EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

// The request the kubelet would have sent (it defaults Host and User-Agent the
// same way; the probe's own headers win).
std::string ProbeRequest(const AppProbe& probe) {
  std::string request = absl::StrCat("GET ", probe.path, " HTTP/1.1\r\n");
  if (!HasHeader(probe, "host")) absl::StrAppend(&request, "host: 127.0.0.1:", probe.port, "\r\n");
  if (!HasHeader(probe, "user-agent")) absl::StrAppend(&request, "user-agent: kube-probe/weft\r\n");
  if (!HasHeader(probe, "accept")) absl::StrAppend(&request, "accept: */*\r\n");
  for (const auto& [name, value] : probe.headers) absl::StrAppend(&request, name, ": ", value, "\r\n");
  absl::StrAppend(&request, "connection: close\r\n\r\n");
  return request;
}

}  // namespace

// One probe in flight: connect, maybe one request, the answer's status line.
class AppHealthService::Check final : private network::ConnectionCallbacks,
                                      private http::Http1Parser::Callbacks {
 public:
  Check(AppHealthService& owner, std::string path, const AppProbe& probe,
        admin::AdminServer::Respond respond)
      : owner_(owner),
        path_(std::move(path)),
        probe_(probe),
        target_(absl::StrCat("127.0.0.1:", probe.port)),
        respond_(std::move(respond)),
        parser_(http::Http1Parser::Type::kResponse, this, 16 * 1024) {}
  ~Check() override { Abandon(); }

  admin::AdminServer::Respond TakeRespond() { return std::move(respond_); }

  // May finish (and so schedule this check's deletion) before returning.
  void Start() {
    timeout_ = owner_.dispatcher_.CreateTimer([this] {
      Fail(absl::StrCat(path_, ": no answer from ", target_, " within ",
                        absl::FormatDuration(probe_.timeout)));
    });
    timeout_->Enable(probe_.timeout);
    absl::StatusOr<network::Address> address =
        network::Address::FromIpPort("127.0.0.1", probe_.port);
    absl::StatusOr<int> fd =
        address.ok() ? network::ConnectNonBlocking(*address) : absl::StatusOr<int>(address.status());
    if (!fd.ok()) {
      Fail(absl::StrCat(path_, ": cannot connect to ", target_, ": ", fd.status().message()));
      return;
    }
    connection_ = std::make_unique<network::Connection>(owner_.dispatcher_, *fd,
                                                        /*connecting=*/true, 64 * 1024);
    connection_->SetCallbacks(this);
  }

  // Drops the connection, if any (it dies after the current callback).
  void Abandon() {
    if (timeout_ != nullptr) timeout_->Disable();
    // May be inside the call's own codec: it dies after the callback too, and
    // before the connection it writes to.
    if (grpc_ != nullptr) owner_.dispatcher_.DeferDelete(std::move(grpc_));
    if (connection_ == nullptr) return;
    connection_->SetCallbacks(nullptr);
    connection_->Close(network::Connection::CloseMode::kNoFlush);
    owner_.dispatcher_.DeferDelete(std::move(connection_));
  }

 private:
  void OnConnected(network::Connection&) override {
    if (probe_.action == AppProbe::Action::kTcpSocket || probe_.https) {
      owner_.Finish(this, Answer(200, absl::StrCat(path_, ": connected to ", target_)));
      return;
    }
    if (probe_.action == AppProbe::Action::kGrpc) {
      grpc_ = std::make_unique<GrpcHealthCall>(
          *connection_, target_, probe_.service, [this](GrpcHealthResult r) {
            owner_.Finish(this, Answer(r.serving ? 200 : 503,
                                       absl::StrCat(path_, ": gRPC health of ",
                                                    probe_.service.empty()
                                                        ? std::string("the server")
                                                        : absl::StrCat("\"", probe_.service, "\""),
                                                    " at ", target_, ": ", r.detail)));
          });
      grpc_->Start();
      return;
    }
    connection_->Write(ProbeRequest(probe_));
  }

  void OnData(network::Connection&, network::Buffer& data, bool end_stream) override {
    if (grpc_ != nullptr) {
      grpc_->OnData(data);
      if (end_stream && grpc_ != nullptr) grpc_->OnClosed();
      return;
    }
    http::Http1Parser::Result r = parser_.Execute(data.view());
    data.Drain(r.consumed);
    if (status_ != 0) {
      const bool ok = status_ >= 200 && status_ < 400;
      owner_.Finish(this, Answer(ok ? 200 : 503, absl::StrCat(path_, ": the app answered ",
                                                              status_, " to GET ", probe_.path)));
    } else if (r.error != http::ParseError::kNone) {
      Fail(absl::StrCat(path_, ": the app's answer to GET ", probe_.path, " is not HTTP/1.x"));
    } else if (end_stream) {
      Fail(absl::StrCat(path_, ": the app closed the connection without answering GET ",
                        probe_.path));
    }
  }

  void OnClose(network::Connection& connection, network::CloseReason reason) override {
    if (grpc_ != nullptr) {
      grpc_->OnClosed();
      return;
    }
    if (reason == network::CloseReason::kConnectFailed || connection.connecting()) {
      Fail(absl::StrCat(path_, ": cannot connect to ", target_, " (nothing listening?)"));
    } else {
      Fail(absl::StrCat(path_, ": the app closed the connection to ", target_,
                        " without answering"));
    }
  }

  void OnMessageHead(http::MessageHead& head) override { status_ = head.status; }
  void OnBody(absl::string_view) override {}
  void OnMessageComplete() override {}

  void Fail(std::string why) { owner_.Finish(this, Answer(503, std::move(why))); }

  AppHealthService& owner_;
  const std::string path_;
  const AppProbe& probe_;  // in owner_.probes_, which never changes
  const std::string target_;
  admin::AdminServer::Respond respond_;
  http::Http1Parser parser_;
  std::unique_ptr<event::Timer> timeout_;
  std::unique_ptr<network::Connection> connection_;
  std::unique_ptr<GrpcHealthCall> grpc_;  // grpc probes, once connected
  int status_ = 0;
};

AppHealthService::AppHealthService(event::Dispatcher& dispatcher, AppProbes probes)
    : dispatcher_(dispatcher), probes_(std::move(probes)) {}

AppHealthService::~AppHealthService() = default;

void AppHealthService::Handle(absl::string_view path, admin::AdminServer::Respond respond) {
  auto it = probes_.find(path);
  if (it == probes_.end()) {
    std::string known;
    for (const auto& [p, probe] : probes_) absl::StrAppend(&known, known.empty() ? "" : ", ", p);
    respond(Answer(404, absl::StrCat("no app probe ", path, " (WEFT_APP_PROBES has: ",
                                     known.empty() ? "none" : known, ")")));
    return;
  }
  if (checks_.size() >= kMaxChecksInFlight) {
    respond(Answer(503, absl::StrCat(path, ": too many probe checks in flight (",
                                     kMaxChecksInFlight, ")")));
    return;
  }
  auto check = std::make_unique<Check>(*this, std::string(path), it->second, std::move(respond));
  Check* raw = check.get();
  checks_.emplace(raw, std::move(check));
  raw->Start();
}

void AppHealthService::Finish(Check* check, admin::AdminResponse response) {
  auto it = checks_.find(check);
  if (it == checks_.end()) return;  // already finished
  std::unique_ptr<Check> owned = std::move(it->second);
  checks_.erase(it);
  owned->Abandon();
  admin::AdminServer::Respond respond = owned->TakeRespond();
  // Usually called from the check's own callbacks: it dies after them.
  dispatcher_.DeferDelete(std::move(owned));
  respond(std::move(response));
}

}  // namespace weft::health
