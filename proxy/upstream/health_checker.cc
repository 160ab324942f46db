#include "proxy/upstream/health_checker.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "proxy/network/socket.h"

namespace weft::upstream {

// One endpoint's probing: a timer between checks, and the check in flight.
class HealthChecker::Probe final : private network::ConnectionCallbacks {
 public:
  Probe(HealthChecker& owner, std::string name, network::Address address)
      : owner_(owner), name_(std::move(name)), address_(std::move(address)) {
    timer_ = owner_.dispatcher_.CreateTimer([this] { Start(); });
    timeout_ = owner_.dispatcher_.CreateTimer([this] { Finish(false); });
  }
  ~Probe() override { Abandon(); }

  const std::string& name() const { return name_; }
  event::Timer& timer() { return *timer_; }
  uint32_t successes_in_row = 0;
  uint32_t failures_in_row = 0;

 private:
  void Start() {
    absl::StatusOr<int> fd = network::ConnectNonBlocking(address_);
    if (!fd.ok()) {
      owner_.OnResult(*this, false);
      return;
    }
    connection_ = std::make_unique<network::Connection>(owner_.dispatcher_, *fd,
                                                        /*connecting=*/true, 64 * 1024);
    connection_->SetCallbacks(this);
    timeout_->Enable(owner_.options_.timeout);
  }

  void OnConnected(network::Connection&) override {
    if (owner_.options_.http_path.empty()) {
      Finish(true);  // TCP check: the connect is the test
      return;
    }
    connection_->Write(absl::StrCat("GET ", owner_.options_.http_path,
                                    " HTTP/1.1\r\nhost: ", owner_.cluster_name_,
                                    "\r\nuser-agent: weft-health-check\r\nconnection: close\r\n\r\n"));
  }

  void OnData(network::Connection&, network::Buffer& data, bool end_stream) override {
    // The status line is all a check needs: "HTTP/1.1 200 ...".
    absl::string_view bytes = data.view();
    const size_t eol = bytes.find("\r\n");
    if (eol == absl::string_view::npos) {
      if (end_stream || bytes.size() > 1024) Finish(false);
      return;
    }
    absl::string_view line = bytes.substr(0, eol);
    int status = 0;
    const bool ok = absl::StartsWith(line, "HTTP/1.") && line.size() >= 12 &&
                    absl::SimpleAtoi(line.substr(9, 3), &status) && status >= 200 &&
                    status < 300;
    Finish(ok);
  }

  void OnClose(network::Connection&, network::CloseReason) override { Finish(false); }

  void Finish(bool healthy) {
    Abandon();
    owner_.OnResult(*this, healthy);
  }

  // Drops the check in flight, if any (its connection dies after this callback).
  void Abandon() {
    timeout_->Disable();
    if (connection_ == nullptr) return;
    connection_->SetCallbacks(nullptr);
    connection_->Close(network::Connection::CloseMode::kNoFlush);
    owner_.dispatcher_.DeferDelete(std::move(connection_));
  }

  HealthChecker& owner_;
  const std::string name_;
  const network::Address address_;
  std::unique_ptr<event::Timer> timer_;
  std::unique_ptr<event::Timer> timeout_;
  std::unique_ptr<network::Connection> connection_;
};

HealthChecker::HealthChecker(event::Dispatcher& dispatcher, const config::HealthCheck& options,
                             std::string cluster_name, EndpointSet& set, RandomGenerator& random)
    : dispatcher_(dispatcher),
      options_(options),
      cluster_name_(std::move(cluster_name)),
      set_(set),
      random_(random) {
  OnEndpointsChanged();
}

HealthChecker::~HealthChecker() = default;

void HealthChecker::OnEndpointsChanged() {
  absl::flat_hash_map<std::string, std::unique_ptr<Probe>> next;
  for (size_t i = 0; i < set_.size(); ++i) {
    const std::string& name = set_.info(static_cast<int>(i)).name;
    auto kept = probes_.find(name);
    if (kept != probes_.end()) {
      next[name] = std::move(kept->second);
      continue;
    }
    const size_t colon = name.rfind(':');
    uint32_t port = 0;
    if (colon == std::string::npos || !absl::SimpleAtoi(name.substr(colon + 1), &port)) continue;
    std::string ip = name.substr(0, colon);
    if (!ip.empty() && ip.front() == '[') ip = ip.substr(1, ip.size() - 2);  // [v6]
    absl::StatusOr<network::Address> address =
        network::Address::FromIpPort(ip, static_cast<uint16_t>(port));
    if (!address.ok()) continue;
    auto probe = std::make_unique<Probe>(*this, name, *address);
    Schedule(*probe, /*first=*/true);
    next[name] = std::move(probe);
  }
  probes_ = std::move(next);  // probes of endpoints that left are dropped
}

void HealthChecker::Schedule(Probe& probe, bool first) {
  // Up to 10% jitter; the first check of an endpoint comes within one interval.
  const double unit = static_cast<double>(random_.Uniform(1000)) / 1000.0;
  const absl::Duration delay =
      first ? options_.interval * unit : options_.interval * (1.0 + unit * 0.1);
  probe.timer().Enable(delay);
}

void HealthChecker::OnResult(Probe& probe, bool healthy) {
  ++checks_;
  const int i = set_.IndexOf(probe.name());
  if (healthy) {
    probe.failures_in_row = 0;
    ++probe.successes_in_row;
    if (i >= 0 && !set_.healthy(i) && probe.successes_in_row >= options_.healthy_threshold) {
      WEFT_LOG(kInfo, "cluster %s: endpoint %s healthy again", cluster_name_, probe.name());
      set_.SetHealthy(i, true);
    }
  } else {
    ++failures_;
    probe.successes_in_row = 0;
    ++probe.failures_in_row;
    if (i >= 0 && set_.healthy(i) && probe.failures_in_row >= options_.unhealthy_threshold) {
      WEFT_LOG(kInfo, "cluster %s: endpoint %s failed %u health checks: unhealthy",
               cluster_name_, probe.name(), probe.failures_in_row);
      set_.SetHealthy(i, false);
    }
  }
  Schedule(probe, /*first=*/false);
}

}  // namespace weft::upstream
