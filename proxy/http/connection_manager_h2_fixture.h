#ifndef WEFT_PROXY_HTTP_CONNECTION_MANAGER_H2_FIXTURE_H_
#define WEFT_PROXY_HTTP_CONNECTION_MANAGER_H2_FIXTURE_H_

// The fixture of the connection_manager_h2_*_test files: an
// HttpConnectionManager with HTTP/2 on at least one side. The downstream is an
// HTTP/2 client (our own client codec over a real socketpair) or raw HTTP/1.1
// bytes; the upstream is a raw HTTP/1.1 peer or an HTTP/2 server codec on a real
// loopback socket. Time is simulated (FakeDispatcher); nothing sleeps. Test-only.
//
//   TEST_F(ConnectionManagerH2Test, Something) {
//     UseH2Upstream([](RecordingRequestDecoder& s) {
//       http2::testing::Respond(s.encoder, 200, "hi");
//     });
//     H2Client& client = StartH2Client();
//     RecordingResponseDecoder& response = client.Send("/h2/x");
//     Run();
//     EXPECT_EQ(response.got.body, "hi");
//   }
//
// Routes: /slow (2 s timeout) -> backend, /down -> refused (nobody listens),
// /empty -> empty (no endpoints), /h1 -> h1only (HTTP/1.1 upstream), /h2 ->
// h2only (HTTP/2 upstream), / -> backend (the downstream's protocol); host
// "unrouted.example" has no routes. Every endpoint is the test's upstream_.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager.h"
#include "proxy/http2/http2_test_util.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/listener_test_bed.h"
#include "proxy/testing/socket_peer.h"

namespace weft::http {

using ::weft::http2::testing::RecordingRequestDecoder;
using ::weft::http2::testing::RecordingResponseDecoder;
using ::weft::http2::testing::RecordingServerCallbacks;
using ::weft::testing::SocketPeer;

inline constexpr uint8_t kGoAwayFrameType = 7;
inline constexpr uint32_t kProtocolErrorCode = 1;

// A codec transport that writes straight into a test socket.
class SocketTransport : public CodecTransport {
 public:
  explicit SocketTransport(SocketPeer& peer) : peer_(peer) {}
  void Write(network::Buffer& bytes) override;
  void ReadDisable(bool) override {}

 private:
  SocketPeer& peer_;
};

// The downstream HTTP/2 client: our client codec over the test's end of the
// socketpair.
class H2Client {
 public:
  explicit H2Client(SocketPeer peer);

  // Opens a stream; `end_stream` false leaves the request body open on
  // *encoder.
  RecordingResponseDecoder& Send(absl::string_view path, absl::string_view method = "GET",
                                 const std::vector<std::pair<std::string, std::string>>& fields = {},
                                 bool end_stream = true, RequestEncoder** encoder = nullptr,
                                 absl::string_view authority = "svc");

  // Feeds whatever the proxy sent; true if there was anything.
  bool Pump();

  http::ClientConnection& codec() { return *codec_; }
  SocketPeer& peer() { return peer_; }
  absl::Status status;  // the first error the codec reported

 private:
  SocketPeer peer_;
  SocketTransport transport_;
  std::vector<std::unique_ptr<RecordingResponseDecoder>> responses_;  // outlive the codec
  std::unique_ptr<http::ClientConnection> codec_;
};

// One upstream HTTP/2 connection accepted by the test: a server codec.
class H2Upstream {
 public:
  H2Upstream(SocketPeer peer, std::function<void(RecordingRequestDecoder&)> on_complete);

  // Feeds whatever the proxy sent; true if there was anything.
  bool Pump();

  std::vector<std::unique_ptr<RecordingRequestDecoder>>& streams() { return callbacks_.streams; }
  SocketPeer& peer() { return peer_; }
  absl::Status status;  // the first error the codec reported

 private:
  SocketPeer peer_;
  SocketTransport transport_;
  RecordingServerCallbacks callbacks_;  // outlives the codec
  std::unique_ptr<http::ServerConnection> codec_;
};

// The value of header `name`, or "<absent>".
std::string HeaderOr(const HeaderMap& headers, absl::string_view name);

class ConnectionManagerH2Test : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A downstream connection handed to the manager as `version`; returns the
  // test's end.
  SocketPeer StartSession(upstream::HttpVersion version);

  H2Client& StartH2Client();

  // Upstream connections are accepted as HTTP/2 servers whose streams are
  // answered by `respond` once the request is complete (nullptr: the test
  // answers by hand).
  void UseH2Upstream(std::function<void(RecordingRequestDecoder&)> respond);

  // Runs the proxy and both test peers until nobody has anything to say
  // (bounded).
  void Run();

  RecordingRequestDecoder& OnlyUpstreamStream();

  testing::FakeDispatcher dispatcher_;
  testing::LoopbackListener upstream_;
  config::ProxyConfig config_;
  std::unique_ptr<testing::ListenerTestBed> bed_;
  std::unique_ptr<H2Client> client_;
  bool h2_upstream_mode_ = false;
  std::function<void(RecordingRequestDecoder&)> respond_;
  std::vector<std::unique_ptr<H2Upstream>> h2_upstreams_;
};

}  // namespace weft::http

#endif  // WEFT_PROXY_HTTP_CONNECTION_MANAGER_H2_FIXTURE_H_
