// ProxyStream's resilience paths end to end inside one worker: retries (to
// another endpoint, on connect failure, exhausted, method and body limits,
// replay, per-try and whole-request timeouts, backoff, the retry budget),
// circuit breaking, outlier ejection, fault injection, gRPC deadlines and local
// rate limits. Real loopback upstreams and a socketpair client; all time is the
// FakeDispatcher's simulated clock, so nothing sleeps.

#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proxy/http/connection_manager.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/listener_test_bed.h"
#include "proxy/testing/socket_peer.h"

namespace weft::http {
namespace {

using ::weft::testing::SocketPeer;

constexpr int kEndpoints = 3;
constexpr char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
constexpr char kGet[] = "GET / HTTP/1.1\r\nHost: svc\r\n\r\n";

std::string Unavailable(absl::string_view body) {
  return absl::StrCat("HTTP/1.1 503 Service Unavailable\r\nContent-Length: ", body.size(),
                      "\r\n\r\n", body);
}

bool IsStatus(const std::string& reply, int status) {
  return absl::StartsWith(reply, absl::StrCat("HTTP/1.1 ", status, " "));
}

class ProxyStreamResilienceTest : public ::testing::Test {
 protected:
  // A cluster "backend" over three loopback endpoints (round robin, so tries
  // go e0, e1, e2, e0...) and one catch-all route that tests shape.
  ProxyStreamResilienceTest() {
    config::Cluster backend;
    backend.name = "backend";
    for (auto& l : listeners_) {
      backend.endpoints.push_back({"127.0.0.1", static_cast<uint16_t>(l.port()), 1});
    }
    config_.clusters = {backend};
    route().match.path_prefix = "/";
    route().cluster = "backend";
    route().name = "default";
  }

  config::Cluster& cluster() { return config_.clusters[0]; }
  config::Route& route() {
    if (routes_.empty()) routes_.emplace_back();
    return routes_.back();
  }
  void RetryOn(std::vector<std::string> conditions, uint32_t retries = 2) {
    route().retry.num_retries = retries;
    route().retry.retry_on = std::move(conditions);
  }

  // Builds the host and listener from config_ (after the test shaped it).
  // Randomness is 0 unless a test says otherwise: backoffs are then 0.
  void Start(testing::FakeSessionHost::Options options = {.random = {0}}) {
    config::RouteConfig rc;
    rc.name = "routes";
    config::VirtualHost vh;
    vh.name = "all";
    vh.domains = {"*"};
    vh.routes = routes_;
    rc.virtual_hosts = {vh};
    config_.route_configs = {rc};
    config::Listener l;
    l.name = "test";
    l.protocol = config::Listener::Protocol::kHttp;
    l.route_config = "routes";
    l.idle_timeout = absl::Seconds(600);
    config_.listeners = {l};
    bed_ = std::make_unique<testing::ListenerTestBed>(
        std::make_unique<testing::FakeSessionHost>(dispatcher_, config_, options), config_);
  }

  SocketPeer Client() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    bed_->stats().cx_active.Add(1);  // as the listener does
    HttpConnectionManager::Start(
        bed_->context(), listener::ConnectionInfo{},
        std::make_unique<network::Connection>(dispatcher_, fds[0], false, 1 << 20),
        upstream::HttpVersion::kHttp1);
    return SocketPeer(fds[1]);
  }

  // Runs the proxy, takes new upstream connections, and returns the endpoint
  // that has received request bytes (-1: none) with what it read.
  // Timers due now run too (a retry after a zero backoff is a timer).
  int NextRequest(std::string* seen = nullptr) {
    dispatcher_.AdvanceTime(absl::ZeroDuration());
    for (int i = 0; i < kEndpoints; ++i) {
      SocketPeer fresh = listeners_[i].Accept();
      if (fresh.valid()) up_[i] = std::move(fresh);
      if (!up_[i].valid()) continue;
      std::string got = up_[i].ReadAvailable();
      if (!got.empty()) {
        if (seen != nullptr) *seen = got;
        return i;
      }
    }
    return -1;
  }

  void Respond(int endpoint, const std::string& response) {
    up_[endpoint].Write(response);
    dispatcher_.AdvanceTime(absl::ZeroDuration());
  }

  uint64_t Counter(const std::string& name) { return bed_->host().counter("cluster.backend." + name); }

  testing::FakeDispatcher dispatcher_;
  testing::LoopbackListener listeners_[kEndpoints];
  SocketPeer up_[kEndpoints];
  config::ProxyConfig config_;
  std::vector<config::Route> routes_;
  std::unique_ptr<testing::ListenerTestBed> bed_;
};

TEST_F(ProxyStreamResilienceTest, RetryOn503GoesToAnotherEndpointAndSucceeds) {
  RetryOn({"5xx"});
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  ASSERT_EQ(NextRequest(), 0);
  Respond(0, Unavailable("e0"));
  EXPECT_EQ(client.ReadAvailable(), "");  // the 503 is not passed on
  const int retry = NextRequest();
  ASSERT_GE(retry, 0);
  EXPECT_NE(retry, 0);
  Respond(retry, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
  EXPECT_EQ(Counter("upstream_rq_retry"), 1u);
}

TEST_F(ProxyStreamResilienceTest, RetryOnConnectFailureReachesALiveEndpoint) {
  cluster().endpoints[0].port = static_cast<uint16_t>(testing::UnusedLoopbackPort());
  RetryOn({"connect-failure"});
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  const int live = NextRequest();
  ASSERT_EQ(live, 1);
  Respond(live, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
  EXPECT_EQ(Counter("upstream_cx_connect_fail"), 1u);
  EXPECT_EQ(Counter("upstream_rq_retry"), 1u);
}

TEST_F(ProxyStreamResilienceTest, ExhaustedRetriesReturnTheLastUpstreamResponse) {
  RetryOn({"5xx"}, /*retries=*/2);
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  for (int tries = 0; tries < 3; ++tries) {
    const int e = NextRequest();
    ASSERT_EQ(e, tries);
    Respond(e, Unavailable(absl::StrCat("e", e)));
  }
  EXPECT_EQ(client.ReadAvailable(), Unavailable("e2"));
  EXPECT_EQ(NextRequest(), -1);  // no fourth try
  EXPECT_EQ(Counter("upstream_rq_retry"), 2u);
}

TEST_F(ProxyStreamResilienceTest, PostIsRetriedOnlyWhereAllowed) {
  RetryOn({"5xx"});
  route().match.path_prefix = "/";
  config::Route allowed = route();
  allowed.match.path_prefix = "/allowed";
  allowed.retry.retry_non_idempotent = true;
  routes_.insert(routes_.begin(), allowed);
  Start();
  SocketPeer client = Client();
  client.Write("POST /order HTTP/1.1\r\nHost: svc\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(NextRequest(), 0);
  Respond(0, Unavailable("e0"));
  EXPECT_EQ(client.ReadAvailable(), Unavailable("e0"));
  EXPECT_EQ(NextRequest(), -1);
  EXPECT_EQ(Counter("upstream_rq_retry"), 0u);

  client.Write("POST /allowed HTTP/1.1\r\nHost: svc\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(NextRequest(), 1);
  Respond(1, Unavailable("e1"));
  ASSERT_EQ(NextRequest(), 2);
  Respond(2, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
  EXPECT_EQ(Counter("upstream_rq_retry"), 1u);
}

TEST_F(ProxyStreamResilienceTest, ReplayedBodyArrivesIntactOnTheRetry) {
  RetryOn({"5xx"});
  Start();
  SocketPeer client = Client();
  client.Write("PUT /doc HTTP/1.1\r\nHost: svc\r\nContent-Length: 11\r\n\r\nhello");
  std::string first;
  ASSERT_EQ(NextRequest(&first), 0);
  client.Write(" world");  // the rest of the body arrives while the first try runs
  dispatcher_.RunUntilIdle();
  first += up_[0].ReadAvailable();
  EXPECT_TRUE(absl::EndsWith(first, "\r\n\r\nhello world")) << first;
  Respond(0, Unavailable("e0"));
  std::string second;
  ASSERT_EQ(NextRequest(&second), 1);
  EXPECT_TRUE(absl::StartsWith(second, "PUT /doc HTTP/1.1\r\n")) << second;
  EXPECT_TRUE(absl::EndsWith(second, "\r\n\r\nhello world")) << second;
  Respond(1, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
}

TEST_F(ProxyStreamResilienceTest, BodyLargerThanTheReplayBufferIsNotRetried) {
  RetryOn({"5xx"});
  route().retry.max_replay_bytes = 8;
  Start();
  SocketPeer client = Client();
  client.Write("PUT /doc HTTP/1.1\r\nHost: svc\r\nContent-Length: 11\r\n\r\nhello world");
  ASSERT_EQ(NextRequest(), 0);
  Respond(0, Unavailable("e0"));
  EXPECT_EQ(client.ReadAvailable(), Unavailable("e0"));
  EXPECT_EQ(NextRequest(), -1);
  EXPECT_EQ(Counter("upstream_rq_retry"), 0u);
}

TEST_F(ProxyStreamResilienceTest, PerTryTimeoutThenSuccessOnTheRetry) {
  RetryOn({"5xx"});
  route().per_try_timeout = absl::Milliseconds(100);
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  ASSERT_EQ(NextRequest(), 0);
  dispatcher_.AdvanceTime(absl::Milliseconds(99));
  EXPECT_EQ(NextRequest(), -1);
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  ASSERT_EQ(NextRequest(), 1);
  EXPECT_TRUE(up_[0].PeerClosed());  // the slow try was reset
  Respond(1, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
  EXPECT_EQ(Counter("upstream_rq_per_try_timeout"), 1u);
}

// Regression (fixed in 4976c93): the connection's one deadline timer forgot a
// stream's request deadline once the timer had fired for a retry's backoff or
// an injected delay, so the 504 came with the next per-try timeout (1200 ms
// here) or never.
TEST_F(ProxyStreamResilienceTest, RequestTimeoutCoversAllTries) {
  RetryOn({"5xx"}, /*retries=*/5);
  route().per_try_timeout = absl::Milliseconds(400);
  route().timeout = absl::Seconds(1);
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  dispatcher_.AdvanceTime(absl::Milliseconds(999));  // tries at 0, 400 and 800 ms
  EXPECT_EQ(client.ReadAvailable(), "");
  EXPECT_EQ(Counter("upstream_rq_per_try_timeout"), 2u);
  EXPECT_EQ(Counter("upstream_rq_retry"), 2u);
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 504)) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: upstream_timeout")) << reply;
  EXPECT_EQ(Counter("upstream_rq_per_try_timeout"), 2u);
  EXPECT_EQ(Counter("upstream_rq_retry"), 2u);
  EXPECT_EQ(Counter("upstream_rq_timeout"), 1u);
}

// The same regression: after a retry, a silent endpoint is still timed out.
TEST_F(ProxyStreamResilienceTest, RequestTimeoutStillAppliesAfterARetry) {
  RetryOn({"5xx"});
  route().timeout = absl::Seconds(1);
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  ASSERT_EQ(NextRequest(), 0);
  Respond(0, Unavailable("e0"));
  ASSERT_EQ(NextRequest(), 1);  // and e1 never answers
  dispatcher_.AdvanceTime(absl::Seconds(1));
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 504)) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: upstream_timeout")) << reply;
}

// The same regression: after an injected delay, the request timeout still runs.
TEST_F(ProxyStreamResilienceTest, RequestTimeoutStillAppliesAfterAFaultDelay) {
  route().fault.delay_percent = 100;
  route().fault.delay = absl::Milliseconds(100);
  route().timeout = absl::Seconds(1);
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  dispatcher_.AdvanceTime(absl::Milliseconds(100));
  ASSERT_EQ(NextRequest(), 0);  // and e0 never answers
  dispatcher_.AdvanceTime(absl::Milliseconds(900));
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 504)) << reply;
}

TEST_F(ProxyStreamResilienceTest, BackoffWaitsOnSimulatedTime) {
  RetryOn({"5xx"});
  route().retry.backoff_base = absl::Milliseconds(100);
  route().retry.backoff_max = absl::Milliseconds(400);
  testing::FakeSessionHost::Options options;
  // Full jitter: the first wait is 60 ms (of a 100 ms ceiling), the second
  // 150 ms (of 200 ms).
  options.random = {60'000'000, 150'000'000};
  Start(options);
  SocketPeer client = Client();
  client.Write(kGet);
  ASSERT_EQ(NextRequest(), 0);
  Respond(0, Unavailable("e0"));
  dispatcher_.AdvanceTime(absl::Milliseconds(59));
  EXPECT_EQ(NextRequest(), -1);
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  ASSERT_EQ(NextRequest(), 1);
  Respond(1, Unavailable("e1"));
  dispatcher_.AdvanceTime(absl::Milliseconds(149));
  EXPECT_EQ(NextRequest(), -1);
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  ASSERT_EQ(NextRequest(), 2);
  Respond(2, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
}

// Regression (fixed in 4976c93): a 5xx that could be retried, but whose
// backoff would end after the request deadline, had its try reset before the
// response went downstream, so the client got the 503's headers and never its
// body. Expected: the whole 503 (or a 504 upstream_timeout).
TEST_F(ProxyStreamResilienceTest, RetryThatWouldOutliveTheDeadlineKeepsTheResponse) {
  RetryOn({"5xx"});
  route().timeout = absl::Milliseconds(100);
  route().retry.backoff_base = absl::Seconds(1);
  route().retry.backoff_max = absl::Seconds(1);
  testing::FakeSessionHost::Options options;
  options.random = {900'000'000};  // a 900 ms backoff
  Start(options);
  SocketPeer client = Client();
  client.Write(kGet);
  ASSERT_EQ(NextRequest(), 0);
  Respond(0, Unavailable("e0"));
  dispatcher_.AdvanceTime(absl::Milliseconds(200));
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(reply == Unavailable("e0") ||
              (IsStatus(reply, 504) && absl::StrContains(reply, "upstream_timeout")))
      << reply;
}

TEST_F(ProxyStreamResilienceTest, RetryBudgetRefusesRetriesBeyondItsRatio) {
  RetryOn({"reset"});
  cluster().circuit_breakers.retry_budget_percent = 20;
  cluster().circuit_breakers.retry_budget_min_concurrency = 1;
  Start();
  // Five requests in flight: the budget allows max(1, 20% of 5) = 1 retry.
  std::vector<SocketPeer> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(Client());
    clients.back().Write(kGet);
  }
  dispatcher_.RunUntilIdle();
  std::vector<SocketPeer> conns;
  for (int round = 0; round < 10 && conns.size() < 5; ++round) {
    for (auto& l : listeners_) {
      SocketPeer c = l.Accept();
      if (c.valid()) conns.push_back(std::move(c));
    }
  }
  ASSERT_EQ(conns.size(), 5u);
  for (SocketPeer& c : conns) c.Close();  // every try is reset before a response
  dispatcher_.AdvanceTime(absl::ZeroDuration());
  int refused = 0;
  for (SocketPeer& c : clients) {
    const std::string reply = c.ReadAvailable();
    if (reply.empty()) continue;
    ++refused;
    EXPECT_TRUE(IsStatus(reply, 502)) << reply;
    EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: retry_budget_exhausted")) << reply;
  }
  EXPECT_EQ(refused, 4);
  EXPECT_EQ(Counter("upstream_rq_retry"), 1u);
  EXPECT_EQ(Counter("upstream_rq_retry_overflow"), 4u);
  // The one retry is served.
  SocketPeer retry;
  for (auto& l : listeners_) {
    if (!retry.valid()) retry = l.Accept();
  }
  ASSERT_TRUE(retry.valid());
  retry.ReadAvailable();
  retry.Write(kOk);
  dispatcher_.RunUntilIdle();
  int served = 0;
  for (SocketPeer& c : clients) served += c.ReadAvailable() == kOk;
  EXPECT_EQ(served, 1);
}

TEST_F(ProxyStreamResilienceTest, CircuitBreakerMaxRequestsFailsFast) {
  cluster().circuit_breakers.max_requests = 1;
  Start();
  SocketPeer first = Client();
  first.Write(kGet);
  ASSERT_EQ(NextRequest(), 0);
  SocketPeer second = Client();
  second.Write(kGet);
  dispatcher_.RunUntilIdle();
  const std::string reply = second.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 503)) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: circuit_open")) << reply;
  EXPECT_EQ(Counter("upstream_rq_overflow"), 1u);
  Respond(0, kOk);
  EXPECT_EQ(first.ReadAvailable(), kOk);
  // The slot is free again.
  second.Write(kGet);
  const int e = NextRequest();
  ASSERT_GE(e, 0);
  Respond(e, kOk);
  EXPECT_EQ(second.ReadAvailable(), kOk);
}

TEST_F(ProxyStreamResilienceTest, OutlierDetectionEjectsUntilTheEjectionTimePasses) {
  config::OutlierDetection& od = cluster().outlier_detection;
  od.enabled = true;
  od.consecutive_5xx = 3;
  od.interval = absl::Seconds(1);
  od.base_ejection_time = absl::Seconds(30);
  Start();
  SocketPeer client = Client();
  auto round_trip = [&]() -> int {
    client.Write(kGet);
    const int e = NextRequest();
    if (e < 0) return e;
    Respond(e, e == 0 ? Unavailable("e0") : std::string(kOk));
    client.ReadAvailable();
    return e;
  };
  // e0 fails three times in a row (every third request under round robin).
  for (int i = 0; i < 9; ++i) ASSERT_EQ(round_trip(), i % 3);
  // Ejected: the next requests avoid it, also after 20 s.
  for (int i = 0; i < 6; ++i) EXPECT_NE(round_trip(), 0);
  dispatcher_.AdvanceTime(absl::Seconds(20));
  for (int i = 0; i < 4; ++i) EXPECT_NE(round_trip(), 0);
  // Back after the 30 s ejection.
  dispatcher_.AdvanceTime(absl::Seconds(11));
  bool picked = false;
  for (int i = 0; i < 3; ++i) picked = picked || round_trip() == 0;
  EXPECT_TRUE(picked);
}

TEST_F(ProxyStreamResilienceTest, FaultAbortAnswersWithoutTheUpstream) {
  route().fault.abort_percent = 100;
  route().fault.abort_http_status = 418;
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  dispatcher_.RunUntilIdle();
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 418)) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: fault_injected")) << reply;
  EXPECT_EQ(NextRequest(), -1);
  EXPECT_EQ(bed_->host().counter("proxy.errors.fault_injected"), 1u);
}

TEST_F(ProxyStreamResilienceTest, FaultDelayHoldsTheRequest) {
  route().fault.delay_percent = 100;
  route().fault.delay = absl::Milliseconds(500);
  Start();
  SocketPeer client = Client();
  client.Write(kGet);
  dispatcher_.AdvanceTime(absl::Milliseconds(499));
  EXPECT_EQ(NextRequest(), -1);
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  const int e = NextRequest();
  ASSERT_EQ(e, 0);
  Respond(e, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
}

TEST_F(ProxyStreamResilienceTest, GrpcTimeoutShorterThanTheRouteTimeoutWins) {
  route().timeout = absl::Seconds(10);
  Start();
  SocketPeer client = Client();
  client.Write(
      "POST /pkg.Svc/Call HTTP/1.1\r\nHost: svc\r\ncontent-type: application/grpc\r\n"
      "grpc-timeout: 200m\r\nte: trailers\r\ncontent-length: 5\r\n\r\n\0\0\0\0\0");
  ASSERT_EQ(NextRequest(), 0);
  dispatcher_.AdvanceTime(absl::Milliseconds(199));
  EXPECT_EQ(client.ReadAvailable(), "");
  dispatcher_.AdvanceTime(absl::Milliseconds(1));
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 200)) << reply;  // gRPC errors travel as grpc-status
  EXPECT_TRUE(absl::StrContains(reply, "grpc-status: 4\r\n")) << reply;  // DEADLINE_EXCEEDED
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: upstream_timeout")) << reply;
}

TEST_F(ProxyStreamResilienceTest, RateLimitAnswers429WithRetryAfter) {
  route().rate_limit.max_tokens = 2;
  route().rate_limit.tokens_per_fill = 2;
  route().rate_limit.fill_interval = absl::Seconds(1);
  testing::FakeSessionHost::Options options;
  options.rate_limiter = true;
  Start(options);
  SocketPeer client = Client();
  for (int i = 0; i < 2; ++i) {
    client.Write(kGet);
    const int e = NextRequest();
    ASSERT_GE(e, 0);
    Respond(e, kOk);
    EXPECT_EQ(client.ReadAvailable(), kOk);
  }
  client.Write(kGet);
  dispatcher_.RunUntilIdle();
  const std::string reply = client.ReadAvailable();
  EXPECT_TRUE(IsStatus(reply, 429)) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "x-weft-error: rate_limited")) << reply;
  EXPECT_TRUE(absl::StrContains(reply, "retry-after: 1\r\n")) << reply;
  EXPECT_EQ(NextRequest(), -1);
  // The bucket refills.
  dispatcher_.AdvanceTime(absl::Seconds(1));
  client.Write(kGet);
  const int e = NextRequest();
  ASSERT_GE(e, 0);
  Respond(e, kOk);
  EXPECT_EQ(client.ReadAvailable(), kOk);
}

}  // namespace
}  // namespace weft::http
