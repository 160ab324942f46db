#include "proxy/http/connection_manager_h2_fixture.h"

#include <sys/socket.h>

#include "absl/time/time.h"
#include "proxy/http2/http2_codec.h"

namespace weft::http {
namespace {

// Feeds what `peer` has received to `codec`; keeps the first error in `status`.
// True if there was anything.
bool PumpInto(SocketPeer& peer, Connection& codec, absl::Status& status) {
  std::string bytes = peer.ReadAvailable();
  if (bytes.empty()) return false;
  network::Buffer buffer;
  buffer.Append(bytes);
  absl::Status s = codec.Dispatch(buffer);
  if (status.ok()) status = s;
  return true;
}

}  // namespace

void SocketTransport::Write(network::Buffer& bytes) {
  peer_.Write(std::string(bytes.view()));
  bytes.Clear();
}

H2Client::H2Client(SocketPeer peer)
    : peer_(std::move(peer)),
      transport_(peer_),
      codec_(http2::CreateHttp2ClientConnection(transport_, http2::Http2Options{})) {}

RecordingResponseDecoder& H2Client::Send(
    absl::string_view path, absl::string_view method,
    const std::vector<std::pair<std::string, std::string>>& fields, bool end_stream,
    RequestEncoder** encoder, absl::string_view authority) {
  responses_.push_back(std::make_unique<RecordingResponseDecoder>());
  RequestHeaders request;
  request.method = std::string(method);
  request.authority = std::string(authority);
  request.path = std::string(path);
  for (const auto& [name, value] : fields) request.headers.Add(name, value);
  RequestEncoder& e = codec_->NewStream(*responses_.back());
  e.EncodeHeaders(request, end_stream);
  if (encoder != nullptr) *encoder = &e;
  return *responses_.back();
}

bool H2Client::Pump() { return PumpInto(peer_, *codec_, status); }

H2Upstream::H2Upstream(SocketPeer peer, std::function<void(RecordingRequestDecoder&)> on_complete)
    : peer_(std::move(peer)), transport_(peer_) {
  callbacks_.on_complete = std::move(on_complete);
  codec_ = http2::CreateHttp2ServerConnection(transport_, callbacks_, http2::Http2Options{});
}

bool H2Upstream::Pump() { return PumpInto(peer_, *codec_, status); }

std::string HeaderOr(const HeaderMap& headers, absl::string_view name) {
  auto v = headers.Get(name);
  return v ? std::string(*v) : "<absent>";
}

void ConnectionManagerH2Test::SetUp() {
  const uint16_t port = static_cast<uint16_t>(upstream_.port());
  config::Cluster backend;
  backend.name = "backend";
  backend.endpoints.push_back({"127.0.0.1", port, 1});
  config::Cluster h1only = backend;
  h1only.name = "h1only";
  h1only.http_protocol = config::Cluster::HttpProtocol::kHttp1;
  config::Cluster h2only = backend;
  h2only.name = "h2only";
  h2only.http_protocol = config::Cluster::HttpProtocol::kHttp2;
  config::Cluster refused;
  refused.name = "refused";
  refused.endpoints.push_back(
      {"127.0.0.1", static_cast<uint16_t>(testing::UnusedLoopbackPort()), 1});
  config::Cluster empty;
  empty.name = "empty";
  config_.clusters = {backend, h1only, h2only, refused, empty};

  config::RouteConfig rc;
  rc.name = "routes";
  config::VirtualHost vh;
  vh.name = "all";
  vh.domains = {"*"};
  auto route = [](const std::string& prefix, const std::string& cluster) {
    config::Route r;
    r.match.path_prefix = prefix;
    r.cluster = cluster;
    return r;
  };
  config::Route slow = route("/slow", "backend");
  slow.timeout = absl::Seconds(2);
  vh.routes = {slow,
               route("/down", "refused"),
               route("/empty", "empty"),
               route("/h1", "h1only"),
               route("/h2", "h2only"),
               route("/", "backend")};
  config::VirtualHost none;
  none.name = "none";
  none.domains = {"unrouted.example"};
  rc.virtual_hosts = {vh, none};
  config_.route_configs = {rc};
  config::Listener l;
  l.name = "test";
  l.protocol = config::Listener::Protocol::kHttp;
  l.route_config = "routes";
  l.max_request_headers_bytes = 8192;
  l.idle_timeout = absl::Seconds(60);
  config_.listeners = {l};

  bed_ = std::make_unique<testing::ListenerTestBed>(
      std::make_unique<testing::FakeSessionHost>(dispatcher_, config_), config_);
}

void ConnectionManagerH2Test::TearDown() {
  h2_upstreams_.clear();
  client_.reset();
  bed_.reset();  // sessions first, then the context they use
}

SocketPeer ConnectionManagerH2Test::StartSession(upstream::HttpVersion version) {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
  bed_->stats().cx_active.Add(1);  // as the listener does
  HttpConnectionManager::Start(
      bed_->context(), listener::ConnectionInfo{},
      std::make_unique<network::Connection>(dispatcher_, fds[0], false, 1 << 20), version);
  return SocketPeer(fds[1]);
}

H2Client& ConnectionManagerH2Test::StartH2Client() {
  client_ = std::make_unique<H2Client>(StartSession(upstream::HttpVersion::kHttp2));
  return *client_;
}

void ConnectionManagerH2Test::UseH2Upstream(
    std::function<void(RecordingRequestDecoder&)> respond) {
  h2_upstream_mode_ = true;
  respond_ = std::move(respond);
}

void ConnectionManagerH2Test::Run() {
  for (int round = 0; round < 200; ++round) {
    dispatcher_.RunUntilIdle();
    bool moved = false;
    if (h2_upstream_mode_) {
      for (SocketPeer p = upstream_.Accept(); p.valid(); p = upstream_.Accept()) {
        h2_upstreams_.push_back(std::make_unique<H2Upstream>(std::move(p), respond_));
      }
      for (auto& up : h2_upstreams_) moved |= up->Pump();
    }
    if (client_ != nullptr) moved |= client_->Pump();
    if (!moved) return;
  }
  ADD_FAILURE() << "the exchange did not settle";
}

RecordingRequestDecoder& ConnectionManagerH2Test::OnlyUpstreamStream() {
  EXPECT_EQ(h2_upstreams_.size(), 1u);
  EXPECT_EQ(h2_upstreams_.at(0)->streams().size(), 1u);
  return *h2_upstreams_.at(0)->streams().at(0);
}

}  // namespace weft::http
