#include "proxy/server/worker.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::server {

Worker::Worker(int index, config::ProxyConfigPtr config, stats::Store& store,
               const TimeSource& time_source)
    : index_(index), config_(std::move(config)), scope_(store.CreateScope()) {
  dispatcher_ = std::make_unique<event::LibeventDispatcher>(time_source);
  clusters_ = std::make_unique<upstream::ClusterManager>(*dispatcher_, *config_, scope_);
  closing_ = std::make_unique<network::ClosingConnections>(*dispatcher_, absl::Seconds(10));
}

Worker::~Worker() { Stop(); }

absl::Status Worker::Start() {
  for (const config::Listener& l : config_->listeners) {
    ListenerSlot slot;
    slot.stats = std::make_unique<listener::ListenerStats>(scope_, l.name);
    if (!l.route_config.empty()) {
      if (const config::RouteConfig* rc = config_->FindRouteConfig(l.route_config)) {
        slot.routes = std::make_unique<http::RouteTable>(*rc);
      }
    }
    slot.context = std::make_unique<listener::ListenerContext>(
        listener::ListenerContext{l, *slot.stats, slot.routes.get(), *this});
    absl::StatusOr<std::unique_ptr<listener::ActiveListener>> active =
        listener::ActiveListener::Create(*slot.context);
    if (!active.ok()) {
      return absl::Status(active.status().code(),
                          absl::StrCat("listener ", l.name, ": ", active.status().message()));
    }
    slot.active = std::move(*active);
    listeners_.push_back(std::move(slot));
  }
  thread_ = std::thread([this] { dispatcher_->Run(); });
  return absl::OkStatus();
}

void Worker::Drain() {
  dispatcher_->Post([this] {
    if (draining_) return;
    draining_ = true;
    for (ListenerSlot& l : listeners_) l.active->Stop();
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
  for (ListenerSlot& l : listeners_) l.active.reset();
  sessions_.clear();
  dispatcher_->RunPosted();
  closing_.reset();
  clusters_.reset();
  dispatcher_->RunPosted();
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
