// libFuzzer target: one HTTP/1.1 HttpConnectionManager driven through a fuzzer-written script of
// what its two peers do, to show that nothing a client (or a misbehaving
// upstream) sends or does can crash the proxy, leak memory or descriptors,
// leave a session behind once both peers are gone, or leave cx_active or a
// cluster's upstream_rq_active gauge off zero at the end.
//
// The session runs on a FakeDispatcher (simulated time) with real sockets: a
// socketpair for the client, whose proxy end has a small send buffer so that
// backpressure is easy to reach, and a process-wide LoopbackListener as the
// upstream, accepted from by the harness. Limits are small (1 KiB of request
// headers, 16 KiB per direction) so that limit paths are reached by small inputs.
//
// Input format: a sequence of operations, each one opcode byte (taken modulo the
// number of operations) followed by its arguments:
//   0 client-write      u16 length (little endian), then that many bytes
//   1 upstream-write    u16 length, bytes (to the current upstream connection)
//   2 client-fill       u8 size, u8 byte: (size + 1) * 512 copies of the byte
//   3 upstream-fill     u8 size, u8 byte
//   4 client-shutdown   (half-close: FIN, keeps reading)
//   5 client-close      u8: odd = reset (RST), even = close (FIN)
//   6 upstream-accept   (the next connection the proxy opened becomes current)
//   7 upstream-shutdown
//   8 upstream-close    u8: odd = reset, even = close
//   9 advance-time      u8: index into kTimeSteps
//  10 client-read       (drain what the proxy sent the client)
//  11 upstream-read     (drain every upstream connection)
//  12 drain            (the worker starts draining)
//  13 upstream-select   u8: which accepted connection is current
// The dispatcher runs until idle after every operation. Missing argument bytes
// read as zero. proxy/http/testdata/connection_manager_fuzz_seeds.py writes seeds in
// this format. With WEFT_FUZZ_TRACE=1 in the environment, the harness prints
// each operation and what the peers read (to check what a seed exercises).
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/testing/fake_dispatcher.h"
#include "proxy/config/model.h"
#include "proxy/http/connection_manager.h"
#include "proxy/listener/filter_chain_table.h"
#include "proxy/listener/session.h"
#include "proxy/network/connection.h"
#include "proxy/testing/fake_session_host.h"
#include "proxy/testing/socket_peer.h"

namespace weft::http {
namespace {

using ::weft::testing::SocketPeer;

// Bounds on one input's work.
constexpr int kMaxOperations = 128;
constexpr size_t kMaxFillBytesPerInput = 512 * 1024;
constexpr absl::Duration kMaxSimulatedTime = absl::Seconds(600);
constexpr size_t kMaxUpstreamConnections = 8;

constexpr uint32_t kHeaderLimit = 1024;
constexpr uint32_t kBufferLimit = 16 * 1024;
constexpr int kClientSocketBuffer = 4096;

// Chosen around the configured timeouts: route timeouts of 300 ms and 3 s, the
// pool's 5 s idle timeout, the closing connections' 10 s linger and the
// listener's 30 s idle timeout.
constexpr std::array<absl::Duration, 12> kTimeSteps = {
    absl::Milliseconds(1),    absl::Milliseconds(50),  absl::Milliseconds(299),
    absl::Milliseconds(300),  absl::Seconds(1),        absl::Milliseconds(2999),
    absl::Seconds(3),         absl::Seconds(5),        absl::Seconds(10),
    absl::Seconds(29),        absl::Seconds(30),       absl::Seconds(61),
};

enum Op : uint8_t {
  kClientWrite = 0,
  kUpstreamWrite,
  kClientFill,
  kUpstreamFill,
  kClientShutdown,
  kClientClose,
  kUpstreamAccept,
  kUpstreamShutdown,
  kUpstreamClose,
  kAdvanceTime,
  kClientRead,
  kUpstreamRead,
  kDrain,
  kUpstreamSelect,
  kNumOps,
};

bool Tracing() {
  static const bool on = [] {
    const char* v = std::getenv("WEFT_FUZZ_TRACE");
    return v != nullptr && v[0] == '1';
  }();
  return on;
}

void Trace(const char* what, absl::string_view bytes = {}) {
  if (!Tracing()) return;
  std::fprintf(stderr, "[fuzz] %s", what);
  if (!bytes.empty()) {
    std::fprintf(stderr, " (%zu bytes) %s", bytes.size(),
                 absl::CEscape(bytes.substr(0, 400)).c_str());
  }
  std::fprintf(stderr, "\n");
}

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "connection_manager_fuzz: invariant violated: %s\n", what);
  std::abort();
}

// Reads the script; past the end every read yields zeros.
class ScriptReader {
 public:
  ScriptReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() {
    const uint16_t lo = Byte();
    return static_cast<uint16_t>(lo | (Byte() << 8));
  }
  std::string Bytes(size_t n) {
    if (n > size_ - pos_) n = size_ - pos_;
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Ports and configuration shared by every input: the upstream listener stays
// open for the whole run (a new port per input would churn the port space), and
// the "refused" endpoint is a bound socket that never listens, so connecting to
// it is refused for as long as the process lives.
struct World {
  World() {
    refused_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (refused_fd < 0 || ::bind(refused_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
        ::getsockname(refused_fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      Fail("cannot reserve a refused port");
    }

    config::Cluster backend;
    backend.name = "backend";
    backend.endpoints.push_back({"127.0.0.1", static_cast<uint16_t>(upstream.port()), 1});
    backend.max_idle_connections = 2;
    backend.idle_timeout = absl::Seconds(5);
    config::Cluster refused;
    refused.name = "refused";
    refused.endpoints.push_back({"127.0.0.1", ntohs(a.sin_port), 1});
    config::Cluster empty;  // no endpoints: no_healthy_upstream
    empty.name = "empty";
    config.clusters = {backend, refused, empty};

    auto route = [](const char* prefix, const char* cluster, absl::Duration timeout) {
      config::Route r;
      r.match.path_prefix = prefix;
      r.cluster = cluster;
      r.timeout = timeout;
      return r;
    };
    config::VirtualHost all;
    all.name = "all";
    all.domains = {"*"};
    all.routes = {route("/slow", "backend", absl::Milliseconds(300)),
                  route("/down", "refused", absl::Seconds(3)),
                  route("/empty", "empty", absl::Seconds(3)),
                  route("/ghost", "no-such-cluster", absl::Seconds(3)),
                  route("/", "backend", absl::Seconds(3))};
    config::VirtualHost none;  // a host with no routes: no_route
    none.name = "none";
    none.domains = {"unrouted.example"};
    config::RouteConfig rc;
    rc.name = "routes";
    rc.virtual_hosts = {all, none};
    config.route_configs = {rc};

    config::Listener l;
    l.name = "fuzz";
    l.protocol = config::Listener::Protocol::kHttp;
    l.route_config = "routes";
    l.idle_timeout = absl::Seconds(30);
    l.max_request_headers_bytes = kHeaderLimit;
    l.buffer_limit_bytes = kBufferLimit;
    config.listeners = {l};
    chains = std::make_shared<const listener::FilterChainTable>(config.listeners[0], config);
  }

  testing::LoopbackListener upstream;
  int refused_fd = -1;
  config::ProxyConfig config;
  std::shared_ptr<const listener::FilterChainTable> chains;
};

World& GetWorld() {
  static World* world = new World();  // never destroyed: outlives every input
  return *world;
}

void CloseWithReset(SocketPeer& peer) {
  if (!peer.valid()) return;
  linger lin{1, 0};
  ::setsockopt(peer.fd(), SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  peer.Close();
}

int CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int n = 0;
  while (::readdir(dir) != nullptr) ++n;
  ::closedir(dir);
  return n;
}

// One input's world: a session host, one client and the upstream connections.
class Harness {
 public:
  explicit Harness(World& world) : world_(world) {
    host_ = std::make_unique<testing::FakeSessionHost>(dispatcher_, world_.config);
    stats_ = std::make_unique<listener::ListenerStats>(host_->scope(), "fuzz");
    context_ = std::make_shared<listener::ListenerContext>(world_.config.listeners[0], *stats_,
                                                           world_.chains, *host_);
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) Fail("socketpair");
    ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &kClientSocketBuffer, sizeof(kClientSocketBuffer));
    ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &kClientSocketBuffer, sizeof(kClientSocketBuffer));
    client_ = SocketPeer(fds[1]);
    stats_->cx_active.Add(1);  // as the listener does
    HttpConnectionManager::Start(context_, listener::ConnectionInfo{},
                        std::make_unique<network::Connection>(dispatcher_, fds[0], false,
                                                              kBufferLimit),
        upstream::HttpVersion::kHttp1);
    dispatcher_.RunUntilIdle();
  }

  // Both peers go away; every session must then end, and every gauge return to
  // zero, before the host is torn down.
  ~Harness() {
    CloseWithReset(client_);
    for (SocketPeer& up : upstreams_) CloseWithReset(up);
    DropUnaccepted();
    dispatcher_.RunUntilIdle();
    // Timers (route timeouts, idle timeouts, lingering closes) finish the rest.
    dispatcher_.AdvanceTime(absl::Seconds(120));
    DropUnaccepted();
    dispatcher_.RunUntilIdle();
    if (host_->session_count() != 0) Fail("a session outlived both of its peers");
    if (stats_->cx_active.value() != 0) Fail("cx_active did not return to zero");
    for (const char* name : {"backend", "refused", "empty"}) {
      std::string gauge = std::string("cluster.") + name + ".upstream_rq_active";
      const int64_t active = host_->scope().gauge(gauge).value();
      if (active != 0) {
        std::fprintf(stderr, "%s = %lld\n", gauge.c_str(), static_cast<long long>(active));
        Fail("upstream_rq_active did not return to zero");
      }
    }
    host_.reset();  // sessions first: they use the context
    context_.reset();
    stats_.reset();
  }

  void Run(ScriptReader& script) {
    for (int i = 0; i < kMaxOperations && !script.done(); ++i) {
      Step(script);
      dispatcher_.RunUntilIdle();
    }
  }

 private:
  void Step(ScriptReader& script) {
    static constexpr const char* kNames[kNumOps] = {
        "client-write",    "upstream-write", "client-fill",   "upstream-fill",
        "client-shutdown", "client-close",   "upstream-accept", "upstream-shutdown",
        "upstream-close",  "advance-time",   "client-read",   "upstream-read",
        "drain",           "upstream-select"};
    const Op op = static_cast<Op>(script.Byte() % kNumOps);
    Trace(kNames[op]);
    switch (op) {
      case kClientWrite: {
        const std::string bytes = script.Bytes(script.U16());
        if (client_.valid()) client_.Write(bytes);
        break;
      }
      case kUpstreamWrite: {
        const std::string bytes = script.Bytes(script.U16());
        if (SocketPeer* up = CurrentUpstream()) up->Write(bytes);
        break;
      }
      case kClientFill: {
        const std::string bytes = Fill(script);
        if (client_.valid()) client_.Write(bytes);
        break;
      }
      case kUpstreamFill: {
        const std::string bytes = Fill(script);
        if (SocketPeer* up = CurrentUpstream()) up->Write(bytes);
        break;
      }
      case kClientShutdown:
        if (client_.valid()) client_.ShutdownWrite();
        break;
      case kClientClose:
        if (script.Byte() & 1) {
          CloseWithReset(client_);
        } else {
          client_.Close();
        }
        break;
      case kUpstreamAccept:
        Accept();
        break;
      case kUpstreamShutdown:
        if (SocketPeer* up = CurrentUpstream()) up->ShutdownWrite();
        break;
      case kUpstreamClose: {
        const bool reset = script.Byte() & 1;
        if (SocketPeer* up = CurrentUpstream()) {
          if (reset) {
            CloseWithReset(*up);
          } else {
            up->Close();
          }
        }
        break;
      }
      case kAdvanceTime: {
        const absl::Duration step = kTimeSteps[script.Byte() % kTimeSteps.size()];
        if (elapsed_ + step <= kMaxSimulatedTime) {
          elapsed_ += step;
          dispatcher_.AdvanceTime(step);
        }
        break;
      }
      case kClientRead:
        if (client_.valid()) Trace("  client got", client_.ReadAvailable());
        break;
      case kUpstreamRead:
        for (SocketPeer& up : upstreams_) {
          if (up.valid()) Trace("  upstream got", up.ReadAvailable());
        }
        break;
      case kDrain:
        host_->set_draining(true);
        host_->DrainAll();
        break;
      case kUpstreamSelect:
        if (!upstreams_.empty()) current_ = script.Byte() % upstreams_.size();
        break;
      case kNumOps:
        break;
    }
  }

  std::string Fill(ScriptReader& script) {
    size_t size = (static_cast<size_t>(script.Byte()) + 1) * 512;
    const char byte = static_cast<char>(script.Byte());
    if (size > kMaxFillBytesPerInput - filled_) size = kMaxFillBytesPerInput - filled_;
    filled_ += size;
    return std::string(size, byte);
  }

  // Makes the proxy's next upstream connection current, if there is one.
  void Accept() {
    if (upstreams_.size() >= kMaxUpstreamConnections) return;
    SocketPeer up = world_.upstream.Accept();
    if (!up.valid()) return;
    Trace("  accepted an upstream connection");
    upstreams_.push_back(std::move(up));
    current_ = upstreams_.size() - 1;
  }

  // The current upstream connection; accepts one if there is none yet.
  SocketPeer* CurrentUpstream() {
    if (upstreams_.empty()) Accept();
    if (upstreams_.empty() || !upstreams_[current_].valid()) return nullptr;
    return &upstreams_[current_];
  }

  // Connections still in the listener's backlog belong to this input: reset them
  // so that none is left for the next one.
  void DropUnaccepted() {
    for (int i = 0; i < 1024; ++i) {
      SocketPeer up = world_.upstream.Accept();
      if (!up.valid()) return;
      CloseWithReset(up);
    }
  }

  World& world_;
  testing::FakeDispatcher dispatcher_;
  std::unique_ptr<testing::FakeSessionHost> host_;
  std::unique_ptr<listener::ListenerStats> stats_;
  listener::ListenerContextPtr context_;
  SocketPeer client_;
  std::vector<SocketPeer> upstreams_;
  size_t current_ = 0;
  size_t filled_ = 0;
  absl::Duration elapsed_ = absl::ZeroDuration();
};

}  // namespace
}  // namespace weft::http

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  weft::http::World& world = weft::http::GetWorld();
  const int fds_before = weft::http::CountOpenFds();
  {
    weft::http::Harness harness(world);
    weft::http::ScriptReader script(data, size);
    harness.Run(script);
  }
  if (weft::http::CountOpenFds() != fds_before) {
    weft::http::Fail("file descriptors leaked across inputs");
  }
  return 0;
}
