#include "proxy/server/worker.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::server {

Worker::Worker(int index, config::ProxyConfigPtr config, stats::Store& store,
               const TimeSource& time_source, uint64_t random_seed, Telemetry* telemetry,
               const tls::MeshTls* mesh_tls)
    : index_(index),
      config_(std::move(config)),
      scope_(store.CreateScope()),
      random_(random_seed + static_cast<uint64_t>(index)),
      telemetry_(telemetry),
      mesh_tls_(mesh_tls) {
  dispatcher_ = std::make_unique<event::LibeventDispatcher>(time_source);
  clusters_ = std::make_unique<upstream::ClusterManager>(
      *dispatcher_, *config_, scope_, random_,
      [mesh_tls](const config::Cluster& c) -> std::shared_ptr<const network::TransportSocketFactory> {
        if (!c.tls.has_value() || mesh_tls == nullptr) return nullptr;
        std::vector<certs::SpiffeId> expected;
        for (const std::string& id : c.tls->expected_identities) {
          absl::StatusOr<certs::SpiffeId> parsed = certs::SpiffeId::Parse(id);
          if (parsed.ok()) expected.push_back(*std::move(parsed));
          else WEFT_LOG(kWarning, "cluster %s: expected identity %s: %s", c.name, id,
                        parsed.status().ToString());
        }
        return std::make_shared<tls::UpstreamTlsFactory>(*mesh_tls, std::move(expected),
                                                         c.tls->sni, c.name);
      });
  closing_ = std::make_unique<network::ClosingConnections>(*dispatcher_, absl::Seconds(10));
  if (telemetry != nullptr && telemetry->request_families.has_value() &&
      config_->observability.request_metrics) {
    request_metrics_ = std::make_unique<observability::WorkerRequestMetrics>(
        *telemetry->request_families, telemetry->registry.CreateWorkerMetrics());
  }
  tracing_ = config_->observability.tracing;
  SetUpAccessLog(config_->observability);
}

void Worker::SetUpAccessLog(const config::Observability& o) {
  if (o.access_log_path.empty()) return;
  std::unique_ptr<observability::AccessLogSink> sink;
  if (o.access_log_path == "stdout") {
    sink = observability::FdAccessLogSink::Stdout({});
  } else {
    auto file = observability::FdAccessLogSink::OpenFile(o.access_log_path, {});
    if (!file.ok()) {
      WEFT_LOG(kError, "access log %s: %s", o.access_log_path, file.status().ToString());
      return;
    }
    sink = std::move(*file);
  }
  observability::AccessLogOptions options;
  options.sample_ratio = o.access_log_sample_ratio;
  auto logger = observability::AccessLogger::Create(options, std::move(sink), random_);
  if (!logger.ok()) {
    WEFT_LOG(kError, "access log: %s", logger.status().ToString());
    return;
  }
  access_logger_ = std::move(*logger);
  log_flush_timer_ = dispatcher_->CreateTimer([this] { OnLogFlushTimer(); });
  log_flush_timer_->Enable(absl::Seconds(1));
}

void Worker::OnLogFlushTimer() {
  absl::Status s = access_logger_->Flush();
  if (!s.ok()) WEFT_LOG(kDebug, "access log flush: %s", s.ToString());
  log_flush_timer_->Enable(absl::Seconds(1));
}

Worker::~Worker() { Stop(); }

absl::Status Worker::Start() {
  absl::Status status = ApplyOnThread(config_);
  if (!status.ok()) return status;
  thread_ = std::thread([this] { dispatcher_->Run(); });
  return absl::OkStatus();
}

std::map<std::string, std::map<std::string, upstream::ClusterManager::EndpointStatus>>
Worker::EndpointStatus() {
  using Result =
      std::map<std::string, std::map<std::string, upstream::ClusterManager::EndpointStatus>>;
  if (!thread_.joinable()) return clusters_->Status();
  std::promise<Result> done;
  std::future<Result> result = done.get_future();
  dispatcher_->Post([this, &done] { done.set_value(clusters_->Status()); });
  return result.get();
}

absl::Status Worker::ApplyConfig(config::ProxyConfigPtr config) {
  if (!thread_.joinable()) return ApplyOnThread(config);
  std::promise<absl::Status> done;
  std::future<absl::Status> result = done.get_future();
  dispatcher_->Post([this, config, &done] { done.set_value(ApplyOnThread(config)); });
  return result.get();
}


absl::Status Worker::AddListener(const config::Listener& l, const config::ProxyConfig& config) {
  ListenerSlot slot;
  auto context = std::make_shared<listener::ListenerContext>(l, StatsFor(l.name),
                                                             std::make_shared<const listener::FilterChainTable>(l, config), *this);
  absl::StatusOr<std::unique_ptr<listener::ActiveListener>> active =
      listener::ActiveListener::Create(std::move(context));
  if (!active.ok()) {
    return absl::Status(active.status().code(),
                        absl::StrCat("listener ", l.name, ": ", active.status().message()));
  }
  if (draining_) (*active)->Stop();
  slot.active = std::move(*active);
  listeners_[l.name] = std::move(slot);
  return absl::OkStatus();
}

listener::ListenerStats& Worker::StatsFor(const std::string& listener_name) {
  std::unique_ptr<listener::ListenerStats>& stats = listener_stats_[listener_name];
  if (stats == nullptr) stats = std::make_unique<listener::ListenerStats>(scope_, listener_name);
  return *stats;
}

absl::Status Worker::ApplyOnThread(const config::ProxyConfigPtr& config) {
  config_ = config;
  clusters_->Update(*config);
  absl::Status status;
  absl::flat_hash_map<std::string, ListenerSlot> old = std::move(listeners_);
  listeners_.clear();
  for (const config::Listener& l : config->listeners) {
    auto it = old.find(l.name);
    if (it != old.end() && it->second.active->context().config.address == l.address &&
        it->second.active->context().config.port == l.port) {
      // Same socket: new settings and routes for the next request and connection.
      listener::ListenerContext& context = it->second.active->context();
      context.config = l;
      context.chains = std::make_shared<const listener::FilterChainTable>(l, *config);
      listeners_[l.name] = std::move(it->second);
      old.erase(it);
      continue;
    }
    absl::Status added = AddListener(l, *config);
    if (!added.ok() && status.ok()) status = added;
  }
  // Listeners that went away stop accepting; their sessions keep their context.
  for (auto& [name, slot] : old) slot.active->Stop();
  return status;
}

void Worker::Drain() {
  dispatcher_->Post([this] {
    if (draining_) return;
    draining_ = true;
    for (auto& [name, l] : listeners_) l.active->Stop();
    clusters_->CloseIdle();
    std::vector<listener::Session*> all;
    for (auto& [ptr, owned] : sessions_) all.push_back(ptr);
    for (listener::Session* s : all) {
      if (sessions_.contains(s)) s->OnDrain();
    }
  });
}

void Worker::Stop() {
  if (!thread_.joinable()) return;
  dispatcher_->Exit();
  thread_.join();
  // Tear down on this (now the only) thread, sessions before what they use.
  dispatcher_->RunPosted();
  for (auto& [name, l] : listeners_) l.active.reset();
  sessions_.clear();
  dispatcher_->RunPosted();
  closing_.reset();
  clusters_.reset();
  dispatcher_->RunPosted();
  log_flush_timer_.reset();
  if (access_logger_ != nullptr) (void)access_logger_->Flush();
}

listener::Session* Worker::AddSession(std::unique_ptr<listener::Session> session) {
  listener::Session* raw = session.get();
  sessions_.emplace(raw, std::move(session));
  active_sessions_.fetch_add(1, std::memory_order_relaxed);
  return raw;
}

void Worker::RemoveSession(listener::Session* session) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return;
  std::unique_ptr<listener::Session> owned = std::move(it->second);
  sessions_.erase(it);
  active_sessions_.fetch_sub(1, std::memory_order_relaxed);
  dispatcher_->DeferDelete(std::move(owned));
}

stats::Counter& Worker::ErrorCounter(absl::string_view reason) {
  auto it = error_counters_.find(reason);
  if (it != error_counters_.end()) return *it->second;
  std::string key(reason);
  stats::Counter* c = &scope_.counter(absl::StrCat("proxy.errors.", key));
  error_counters_.emplace(std::move(key), c);
  return *c;
}

void Worker::CloseLater(std::unique_ptr<network::Connection> connection) {
  closing_->Adopt(std::move(connection));
}

}  // namespace weft::server
