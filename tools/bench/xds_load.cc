// xds_load: opens N incremental ADS streams (one TCP connection each, gRPC callback
// API, so the tool itself needs no thread per client), subscribes each to every
// Cluster and ClusterLoadAssignment ("*"), ACKs every response, and measures
//   * initial sync: from the first stream opened until every client has ACKed the
//     full state;
//   * push latency: from a snapshot change (one ClusterLoadAssignment) until each
//     client has ACKed it, reported as p50/p99/max over all clients and updates.
//
// --in_process forks a child that runs Weft's XdsServer on 127.0.0.1 with a
// synthetic snapshot (--endpoints endpoints spread over --services services) and
// applies an update whenever the parent asks over a pipe. The server's memory is the
// child's VmRSS / VmHWM from /proc/<child>/status (the clients live in the parent,
// so they are not counted). Without --in_process, --server names a running server;
// only the initial sync is measured then (the tool cannot change its snapshot).
//
//   bazel run -c opt //tools/bench:xds_load -- --in_process --clients=1000 --endpoints=10000

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/time/real_time_source.h"
#include "control-plane/xds/snapshot.h"
#include "control-plane/xds/xds_server.h"
#include "envoy/config/cluster/v3/cluster.pb.h"
#include "envoy/config/endpoint/v3/endpoint.pb.h"
#include "envoy/service/discovery/v3/ads.grpc.pb.h"

ABSL_FLAG(int, clients, 1000, "number of ADS streams (one connection each), 1..20000");
ABSL_FLAG(int, endpoints, 10000, "in-process server: total endpoints in the snapshot");
ABSL_FLAG(int, services, 100, "in-process server: services (clusters) they are spread over");
ABSL_FLAG(int, updates, 10, "in-process server: snapshot changes to measure, 0..1000");
ABSL_FLAG(int, debounce_ms, 100, "in-process server: debounce window");
ABSL_FLAG(bool, in_process, false, "fork a child running Weft's XdsServer (see --help)");
ABSL_FLAG(std::string, server, "", "host:port of a running server (without --in_process)");
ABSL_FLAG(int, timeout_s, 120, "give up on any phase after this many seconds");

namespace {

using envoy::service::discovery::v3::AggregatedDiscoveryService;
using envoy::service::discovery::v3::DeltaDiscoveryRequest;
using envoy::service::discovery::v3::DeltaDiscoveryResponse;
using weft::RealTimeSource;
namespace xds = weft::xds;

absl::Time Now() { return RealTimeSource::Instance().MonotonicNow(); }

// ---- the server side (child process) ----

std::string ServiceName(int i) {
  return absl::StrCat("outbound|8080||svc", i, ".default.svc.cluster.local");
}

std::shared_ptr<const xds::Resource> Assignment(int service, int endpoints, int generation) {
  envoy::config::endpoint::v3::ClusterLoadAssignment cla;
  cla.set_cluster_name(ServiceName(service));
  auto* loc = cla.add_endpoints();
  loc->mutable_load_balancing_weight()->set_value(1);
  for (int e = 0; e < endpoints; ++e) {
    auto* sa = loc->add_lb_endpoints()->mutable_endpoint()->mutable_address()
                   ->mutable_socket_address();
    const int ip = service * 1000 + e + generation * 7;  // generation moves the addresses
    sa->set_address(absl::StrCat("10.", (ip >> 16) & 255, ".", (ip >> 8) & 255, ".", ip & 255));
    sa->set_port_value(8080);
  }
  return xds::Resource::FromMessage(ServiceName(service), cla);
}

// Child: serve, print "<port>\n" on `out`, then per byte read from `in`: 'p' prepares
// the next update and answers "<name> <version>\n", 'c' publishes it and answers
// "k\n"; 'q' (or EOF) exits.
int RunServerChild(int in, int out) {
  weft::log::SetLevel(weft::log::kWarning);
  const int services = absl::GetFlag(FLAGS_services);
  const int per_service = absl::GetFlag(FLAGS_endpoints) / services;
  std::vector<std::shared_ptr<const xds::Resource>> clusters, assignments;
  for (int s = 0; s < services; ++s) {
    envoy::config::cluster::v3::Cluster c;
    c.set_name(ServiceName(s));
    c.set_type(envoy::config::cluster::v3::Cluster::EDS);
    c.mutable_eds_cluster_config()->mutable_eds_config()->mutable_ads();
    c.mutable_eds_cluster_config()->set_service_name(ServiceName(s));
    clusters.push_back(xds::Resource::FromMessage(ServiceName(s), c));
    assignments.push_back(Assignment(s, per_service, 0));
  }
  auto publish = [&](xds::SnapshotCache& cache) {
    xds::Snapshot snap;
    for (auto& r : clusters) snap.Add(r);
    for (auto& r : assignments) snap.Add(r);
    cache.SetDefaultSnapshot(std::make_shared<const xds::Snapshot>(std::move(snap)));
  };

  xds::XdsServer::Options options;
  options.address = "127.0.0.1:0";
  options.debounce = absl::Milliseconds(absl::GetFlag(FLAGS_debounce_ms));
  auto server = xds::XdsServer::Start(options, RealTimeSource::Instance());
  if (!server.ok()) {
    std::fprintf(stderr, "xds_load: server: %s\n", server.status().ToString().c_str());
    return 1;
  }
  publish((*server)->cache());
  std::string hello = absl::StrCat((*server)->port(), "\n");
  if (write(out, hello.data(), hello.size()) < 0) return 1;

  int generation = 0;
  char c;
  while (read(in, &c, 1) == 1 && c != 'q') {
    if (c == 'p') {  // prepare the next update; the parent learns what to expect
      ++generation;
      const int s = generation % services;
      assignments[s] = Assignment(s, per_service, generation);
      std::string reply = absl::StrCat(assignments[s]->name, " ", assignments[s]->version, "\n");
      if (write(out, reply.data(), reply.size()) < 0) return 1;
    } else if (c == 'c') {  // commit it
      publish((*server)->cache());
      if (write(out, "k\n", 2) < 0) return 1;
    }
  }
  (*server)->Shutdown();
  return 0;
}

// ---- the client side ----

struct Expected {
  std::mutex mu;
  std::string name, version;
  absl::Time since;
};

class Results {
 public:
  void Synced() {
    std::lock_guard<std::mutex> lock(mu_);
    ++synced_;
    cv_.notify_all();
  }
  void Acked(absl::Duration latency) {
    std::lock_guard<std::mutex> lock(mu_);
    latencies_.push_back(latency);
    ++acked_;
    cv_.notify_all();
  }
  void Failed() {
    std::lock_guard<std::mutex> lock(mu_);
    ++failed_;
    cv_.notify_all();
  }
  // Waits until `pred(synced, acked, failed)` or the deadline.
  template <typename Pred>
  bool WaitFor(absl::Time deadline, Pred pred) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!pred(synced_, acked_, failed_)) {
      const absl::Duration left = deadline - Now();
      if (left <= absl::ZeroDuration()) return false;
      cv_.wait_for(lock, absl::ToChronoMilliseconds(std::min(left, absl::Milliseconds(100))));
    }
    return true;
  }
  std::vector<absl::Duration> latencies() {
    std::lock_guard<std::mutex> lock(mu_);
    return latencies_;
  }
  int failed() {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int synced_ = 0, acked_ = 0, failed_ = 0;
  std::vector<absl::Duration> latencies_;
};

// One simulated proxy. Owned by main; lives until the call is done.
class Client final : public grpc::ClientBidiReactor<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
 public:
  Client(int id, const std::string& target, int expected_resources, Expected& expected,
         Results& results)
      : expected_resources_(expected_resources), expected_(expected), results_(results) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
    channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    stub_ = AggregatedDiscoveryService::NewStub(channel_);
    node_id_ = absl::StrCat("bench/proxy-", id);
  }

  void Start() {
    stub_->async()->DeltaAggregatedResources(&context_, this);
    for (absl::string_view type : {xds::kClusterType, xds::kClusterLoadAssignmentType}) {
      DeltaDiscoveryRequest r;
      r.set_type_url(std::string(type));
      r.add_resource_names_subscribe("*");
      if (type == xds::kClusterType) r.mutable_node()->set_id(node_id_);
      Enqueue(std::move(r));
    }
    StartRead(&in_);
    StartCall();
  }

  void Stop() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;
    received_ += in_.resources_size();
    bool hit = false;
    {
      std::lock_guard<std::mutex> lock(expected_.mu);
      for (const auto& r : in_.resources()) {
        if (r.name() == expected_.name && r.version() == expected_.version) hit = true;
      }
    }
    DeltaDiscoveryRequest ack;
    ack.set_type_url(in_.type_url());
    ack.set_response_nonce(in_.nonce());
    const bool now_synced = !synced_ && received_ >= expected_resources_;
    if (now_synced) synced_ = true;
    Enqueue(std::move(ack), now_synced, hit);
    StartRead(&in_);
  }

  void OnWriteDone(bool ok) override {
    Pending done;
    bool more;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done = std::move(queue_.front());
      queue_.pop_front();
      more = writing_ = !queue_.empty() && ok;
    }
    if (ok && done.synced) results_.Synced();
    if (ok && done.hit) {
      std::lock_guard<std::mutex> lock(expected_.mu);
      results_.Acked(Now() - expected_.since);
    }
    if (more) StartWrite(&queue_.front().request);
  }

  void OnDone(const grpc::Status& status) override {
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      std::fprintf(stderr, "xds_load: %s: %s\n", node_id_.c_str(), status.error_message().c_str());
      results_.Failed();
    }
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
    done_cv_.notify_all();
  }

  bool WaitDone(absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return done_cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [this] { return done_; });
  }

 private:
  struct Pending {
    DeltaDiscoveryRequest request;
    bool synced = false;
    bool hit = false;
  };

  void Enqueue(DeltaDiscoveryRequest r, bool synced = false, bool hit = false) {
    bool start;
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(Pending{std::move(r), synced, hit});
      start = !writing_;
      writing_ = true;
    }
    // A deque's elements keep their address when others are added at the back, so
    // front() stays valid until its OnWriteDone pops it.
    if (start) StartWrite(&queue_.front().request);
  }

  const int expected_resources_;
  Expected& expected_;
  Results& results_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<AggregatedDiscoveryService::Stub> stub_;
  grpc::ClientContext context_;
  std::string node_id_;
  DeltaDiscoveryResponse in_;
  int received_ = 0;  // reads are serialized
  bool synced_ = false;
  std::mutex mu_;
  std::condition_variable done_cv_;
  std::deque<Pending> queue_;
  bool writing_ = false;
  bool done_ = false;
};

std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

// "VmRSS" -> kB from /proc/<pid>/status, or -1.
long ProcStatusKb(pid_t pid, const std::string& key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
  }
  return -1;
}

std::string Percentiles(std::vector<absl::Duration> v) {
  if (v.empty()) return "n/a";
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * (v.size() - 1) + 0.5);
    return absl::ToDoubleMilliseconds(v[std::min(i, v.size() - 1)]);
  };
  return absl::StrFormat("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", at(0.5), at(0.99),
                         absl::ToDoubleMilliseconds(v.back()), v.size());
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Load test for mesh-control-plane's ADS server: N delta xDS clients, time until all\n"
      "have ACKed a snapshot change, and the server's memory.\n"
      "  xds_load --in_process [--clients=1000] [--endpoints=10000] [--services=100]\n"
      "  xds_load --server=127.0.0.1:15010 [--clients=1000]   (initial sync only)");
  absl::ParseCommandLine(argc, argv);
  weft::log::SetLevel(weft::log::kWarning);
  const int clients = absl::GetFlag(FLAGS_clients);
  const int services = absl::GetFlag(FLAGS_services);
  const int endpoints = absl::GetFlag(FLAGS_endpoints);
  const int updates = absl::GetFlag(FLAGS_updates);
  const bool in_process = absl::GetFlag(FLAGS_in_process);
  const absl::Duration timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_s));
  std::string target = absl::GetFlag(FLAGS_server);
  if (clients < 1 || clients > 20000) return std::fprintf(stderr, "--clients must be in 1..20000\n"), 2;
  if (services < 1 || endpoints < services)
    return std::fprintf(stderr, "--services must be >= 1 and <= --endpoints\n"), 2;
  if (updates < 0 || updates > 1000) return std::fprintf(stderr, "--updates must be in 0..1000\n"), 2;
  if (!in_process && target.empty())
    return std::fprintf(stderr, "give --in_process or --server=host:port (see --help)\n"), 2;
  if (in_process && !target.empty())
    return std::fprintf(stderr, "--in_process and --server exclude each other\n"), 2;

  pid_t child = -1;
  int to_child = -1, from_child = -1;
  if (in_process) {
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) return std::perror("pipe"), 1;
    child = fork();  // before any gRPC use in this process
    if (child < 0) return std::perror("fork"), 1;
    if (child == 0) {
      close(down[1]);
      close(up[0]);
      _exit(RunServerChild(down[0], up[1]));
    }
    close(down[0]);
    close(up[1]);
    to_child = down[1];
    from_child = up[0];
    std::string port = ReadLine(from_child);
    if (port.empty()) return std::fprintf(stderr, "xds_load: server child failed\n"), 1;
    target = absl::StrCat("127.0.0.1:", port);
  }
  auto stop_child = [&] {
    if (child <= 0) return;
    if (write(to_child, "q", 1) < 0) kill(child, SIGTERM);
    int status;
    waitpid(child, &status, 0);
    child = -1;
  };

  std::printf("target %s, %d clients, %s\n", target.c_str(), clients,
              in_process ? absl::StrFormat("%d endpoints in %d services", endpoints, services).c_str()
                         : "external server");
  if (in_process) {
    std::printf("server RSS before clients: %ld kB (VmRSS of pid %d)\n",
                ProcStatusKb(child, "VmRSS"), child);
  }

  Expected expected;
  Results results;
  // With --server the resource count is unknown: "synced" = first response per type.
  const int expected_resources = in_process ? 2 * services : 1;
  std::vector<std::unique_ptr<Client>> fleet;
  fleet.reserve(clients);
  const absl::Time t0 = Now();
  for (int i = 0; i < clients; ++i) {
    fleet.push_back(std::make_unique<Client>(i, target, expected_resources, expected, results));
    fleet.back()->Start();
  }
  bool ok = results.WaitFor(Now() + timeout, [&](int synced, int, int failed) {
    return synced + failed >= clients;
  });
  std::printf("initial sync of %d clients: %.0f ms%s\n", clients,
              absl::ToDoubleMilliseconds(Now() - t0), ok ? "" : " (TIMED OUT)");
  if (in_process) {
    std::printf("server RSS with clients connected: %ld kB (peak VmHWM %ld kB)\n",
                ProcStatusKb(child, "VmRSS"), ProcStatusKb(child, "VmHWM"));
  }

  for (int u = 0; ok && in_process && u < updates; ++u) {
    if (write(to_child, "p", 1) != 1) break;
    std::string reply = ReadLine(from_child);
    const size_t sp = reply.find(' ');
    if (sp == std::string::npos) break;
    {
      std::lock_guard<std::mutex> lock(expected.mu);
      expected.name = reply.substr(0, sp);
      expected.version = reply.substr(sp + 1);
      expected.since = Now();  // timed from just before the server applies it
    }
    if (write(to_child, "c", 1) != 1 || ReadLine(from_child) != "k") break;
    const int want = (u + 1) * clients;
    ok = results.WaitFor(Now() + timeout, [&](int, int acked, int failed) {
      return acked + failed >= want;
    });
    if (!ok) std::printf("update %d: TIMED OUT\n", u + 1);
  }
  if (in_process && updates > 0) {
    std::printf("push latency (change -> client ACK written), %d updates: %s\n", updates,
                Percentiles(results.latencies()).c_str());
    std::printf("server RSS after updates: %ld kB (peak VmHWM %ld kB)\n",
                ProcStatusKb(child, "VmRSS"), ProcStatusKb(child, "VmHWM"));
  }

  for (auto& c : fleet) c->Stop();
  for (auto& c : fleet) c->WaitDone(absl::Seconds(10));
  stop_child();
  const int failed = results.failed();
  if (failed > 0) std::printf("%d streams failed\n", failed);
  return ok && failed == 0 ? 0 : 1;
}
