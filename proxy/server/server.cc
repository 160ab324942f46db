#include "proxy/server/server.h"

#include <signal.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "proxy/config/config_json.h"
#include "proxy/config/validate.h"
#include "proxy/admin/inspection.h"
#include "proxy/stats/prometheus_text.h"
#include "proxy/stats/store_exposition.h"

namespace weft::server {
namespace {

admin::AdminResponse Text(int status, std::string body) {
  return admin::AdminResponse{status, "text/plain", std::move(body)};
}

}  // namespace

Server::Server(config::ProxyConfigPtr config, ServerOptions options, const TimeSource& time_source)
    : config_(std::move(config)),
      options_(options),
      time_source_(time_source),
      telemetry_(time_source),
      mesh_tls_(time_source),
      main_scope_(store_.CreateScope()),
      dispatcher_(time_source) {
  reloads_ok_ = &main_scope_.counter("server.config_update_ok");
  reloads_rejected_ = &main_scope_.counter("server.config_update_rejected");
}

config::ProxyConfigPtr Server::CurrentConfig() const {
  weft::MutexLock lock(&config_mu_);
  return config_;
}

absl::Status Server::UpdateConfig(config::ProxyConfigPtr config) {
  weft::MutexLock serialize(&update_mu_);
  absl::Status valid = config::ValidateProxyConfig(*config);
  if (!valid.ok()) {
    reloads_rejected_->Inc();
    return valid;
  }
  {
    weft::MutexLock lock(&config_mu_);
    if (!(config->admin.address == config_->admin.address &&
          config->admin.port == config_->admin.port)) {
      reloads_rejected_->Inc();
      return absl::InvalidArgumentError(
          "admin: the admin address cannot change while the proxy runs; restart it");
    }
    config_ = config;
  }
  if (absl::Status bundle = mesh_tls_.SetTrustBundle(config->trust_bundle_pem); !bundle.ok()) {
    // The certificate contexts stay as they were; the rest of the update applies.
    WEFT_LOG(kError, "trust bundle from the control plane refused: %s", bundle.ToString());
  }
  absl::Status status;
  for (auto& w : workers_) {
    absl::Status applied = w->ApplyConfig(config);
    if (!applied.ok() && status.ok()) status = applied;
  }
  if (status.ok()) {
    reloads_ok_->Inc();
    WEFT_LOG(kInfo, "config updated (%s)", config->source);
  } else {
    reloads_rejected_->Inc();
    WEFT_LOG(kError, "config partly applied (%s): %s", config->source, status.ToString());
  }
  return status;
}

void Server::Reload() {
  if (!reloader_) {
    WEFT_LOG(kWarning, "SIGHUP: nothing to reload from");
    return;
  }
  absl::StatusOr<config::ProxyConfig> next = reloader_();
  if (!next.ok()) {
    reloads_rejected_->Inc();
    WEFT_LOG(kError, "SIGHUP: config rejected, keeping the current one:\n%s",
             std::string(next.status().message()));
    return;
  }
  absl::Status s = UpdateConfig(std::make_shared<const config::ProxyConfig>(std::move(*next)));
  if (!s.ok()) WEFT_LOG(kError, "SIGHUP: %s", s.ToString());
}

Server::~Server() {
  for (auto& w : workers_) w->Stop();
  signals_.reset();
}

absl::Status Server::Run() {
  // Signals arrive as events on the main loop (see SignalEvent), before any
  // worker thread exists.
  signal(SIGPIPE, SIG_IGN);
  signals_ = std::make_unique<event::SignalEvent>(
      dispatcher_, std::initializer_list<int>{SIGTERM, SIGINT, SIGHUP}, [this](int signo) {
        if (signo == SIGHUP) {
          Reload();
          return;
        }
        WEFT_LOG(kInfo, "signal %d: draining, then exiting", signo);
        StartDrain(/*then_exit=*/true);
      });

  const config::ProxyConfigPtr config = CurrentConfig();
  absl::StatusOr<network::Address> admin_address =
      network::Address::FromIpPort(config->admin.address, config->admin.port);
  if (!admin_address.ok()) return admin_address.status();
  absl::StatusOr<std::unique_ptr<admin::AdminServer>> admin =
      admin::AdminServer::Create(dispatcher_, *admin_address);
  if (!admin.ok()) {
    return absl::Status(admin.status().code(), absl::StrCat("admin: ", admin.status().message()));
  }
  admin_ = std::move(*admin);
  InstallAdminHandlers();
  if (config->observability.metrics_port != 0) {
    absl::StatusOr<network::Address> metrics_address = network::Address::FromIpPort(
        config->observability.metrics_address, config->observability.metrics_port);
    if (!metrics_address.ok()) return metrics_address.status();
    absl::StatusOr<std::unique_ptr<admin::AdminServer>> metrics =
        admin::AdminServer::Create(dispatcher_, *metrics_address);
    if (!metrics.ok()) {
      return absl::Status(metrics.status().code(),
                          absl::StrCat("metrics: ", metrics.status().message()));
    }
    metrics_server_ = std::move(*metrics);
    InstallReadOnlyHandlers(*metrics_server_);
  }
  for (ExtraHandler& h : extra_handlers_) admin_->AddHandler(h.path, h.help, std::move(h.handler));
  for (const ProbeHandler& h : probe_handlers_) {
    admin_->AddPrefixHandler(h.prefix, h.help, h.handler);
    if (metrics_server_ != nullptr) metrics_server_->AddPrefixHandler(h.prefix, h.help, h.handler);
  }

  for (int i = 0; i < options_.concurrency; ++i) {
    workers_.push_back(
        std::make_unique<Worker>(i, config, store_, time_source_, options_.random_seed,
                                 &telemetry_, &mesh_tls_));
    absl::Status started = workers_.back()->Start();
    if (!started.ok()) {
      Shutdown();
      return started;
    }
  }
  WEFT_LOG(kInfo, "mesh-proxy ready: %d worker(s), %d listener(s), admin on %s",
           options_.concurrency, static_cast<int>(config->listeners.size()),
           admin_->address().ToString());
  drain_poll_timer_ = dispatcher_.CreateTimer([this] { CheckDrained(); });
  if (on_started_) on_started_();
  dispatcher_.Run();
  if (on_stopping_) on_stopping_();
  Shutdown();
  return absl::OkStatus();
}

admin::EndpointStates Server::CollectEndpointStates() {
  admin::EndpointStates merged;
  for (auto& worker : workers_) {
    for (const auto& [cluster, endpoints] : worker->EndpointStatus()) {
      for (const auto& [address, s] : endpoints) {
        admin::EndpointState& m = merged[cluster][address];
        m.healthy = m.healthy && s.healthy;
        m.ejected = m.ejected || s.ejected;
        m.active_requests += s.active_requests;
        m.ejections_total += s.times_ejected;
      }
    }
  }
  return merged;
}

admin::CertsView Server::CertsNow() const {
  const tls::MeshTls::Status st = mesh_tls_.status();
  admin::CertsView v;
  v.identity_enabled = identity_enabled_;
  v.ready = st.ready;
  v.identity = st.identity;
  v.not_after = st.not_after;
  v.now = time_source_.SystemNow();
  v.root_fingerprints = st.root_fingerprints;
  v.bundle_from_sds = st.bundle_from_sds;
  v.swaps = st.swaps;
  v.last_error = st.last_error;
  return v;
}

admin::AdminResponse Server::RenderMetrics() {
  stats::PrometheusTextWriter writer;
  telemetry_.registry.Render(writer);
  if (identity_enabled_) {
    const admin::CertsView certs = CertsNow();
    writer.Family("weft_workload_cert_expiry_seconds",
                  "Seconds until the workload certificate expires (0 without one).",
                  stats::MetricType::kGauge);
    writer.Sample("weft_workload_cert_expiry_seconds", {}, {},
                  stats::FormatInt(certs.ready ? absl::ToInt64Seconds(certs.not_after - certs.now)
                                               : 0));
    writer.Family("weft_mtls_contexts_built_total",
                  "TLS contexts built from a new certificate or trust bundle.",
                  stats::MetricType::kCounter);
    writer.Sample("weft_mtls_contexts_built_total", {}, {}, stats::FormatUint(certs.swaps));
  }
  stats::RenderStoreSnapshot(store_.Snapshot(), writer);
  for (const MetricsRenderer& render : metrics_renderers_) render(writer);
  return admin::AdminResponse{200, std::string(stats::kPrometheusContentType), writer.Release()};
}

void Server::InstallReadOnlyHandlers(admin::AdminServer& server) {
  server.AddHandler("/metrics", "Prometheus text format 0.0.4",
                    [this](const admin::AdminRequest&) { return RenderMetrics(); });
  server.AddHandler("/ready", "200 LIVE when serving, 503 DRAINING while draining",
                    [this](const admin::AdminRequest&) {
                      return draining_ ? Text(503, "DRAINING\n") : Text(200, "LIVE\n");
                    });
  server.AddHandler("/config_dump", "the active configuration as JSON",
                    [this](const admin::AdminRequest&) {
                      return admin::AdminResponse{200, "application/json",
                                                  config::ToJson(*CurrentConfig())};
                    });
  server.AddHandler("/clusters", "clusters, endpoints, load and health; ?format=json",
                    [this](const admin::AdminRequest& r) {
                      const config::ProxyConfigPtr config = CurrentConfig();
                      const admin::EndpointStates states = CollectEndpointStates();
                      if (admin::WantsJson(r.query)) {
                        return admin::AdminResponse{
                            200, "application/json",
                            admin::ClustersJson(*config, store_.Snapshot(), &states)};
                      }
                      return Text(200, admin::ClustersText(*config, store_.Snapshot(), &states));
                    });
  server.AddHandler("/listeners", "listeners and their filter chains; ?format=json",
                    [this](const admin::AdminRequest& r) {
                      const config::ProxyConfigPtr config = CurrentConfig();
                      if (admin::WantsJson(r.query)) {
                        return admin::AdminResponse{200, "application/json",
                                                    admin::ListenersJson(*config)};
                      }
                      return Text(200, admin::ListenersText(*config));
                    });
  // Public certificate data only (identity, expiry, root fingerprints), so the
  // metrics port serves it too: `meshctl proxy-config <pod> secrets` reads it.
  server.AddHandler("/certs", "workload certificate, expiry and trust bundle; ?format=json",
                    [this](const admin::AdminRequest& r) {
                      const admin::CertsView view = CertsNow();
                      if (admin::WantsJson(r.query)) {
                        return admin::AdminResponse{200, "application/json",
                                                    admin::CertsJson(view)};
                      }
                      return Text(200, admin::CertsText(view));
                    });
}

void Server::InstallAdminHandlers() {
  InstallReadOnlyHandlers(*admin_);
  admin_->AddHandler("/stats", "counters and gauges; ?format=json for JSON",
                     [this](const admin::AdminRequest& r) {
                       auto snapshot = store_.Snapshot();
                       const bool json = absl::StrContains(r.query, "format=json");
                       std::string body = json ? "{" : "";
                       bool first = true;
                       for (const auto& [name, v] : snapshot) {
                         if (json) {
                           absl::StrAppend(&body, first ? "\n  " : ",\n  ", config::JsonQuote(name),
                                           ": ", v.value);
                         } else {
                           absl::StrAppend(&body, name, ": ", v.value, "\n");
                         }
                         first = false;
                       }
                       if (json) body += "\n}\n";
                       return admin::AdminResponse{200, json ? "application/json" : "text/plain",
                                                   body};
                     });
  admin_->AddHandler("/drain", "POST: stop accepting; in-flight requests finish",
                     [this](const admin::AdminRequest& r) {
                       if (r.method != "POST") return Text(405, "use POST\n");
                       StartDrain(/*then_exit=*/false);
                       return Text(200, "draining\n");
                     });
  admin_->AddHandler("/quitquitquit", "POST: drain, then exit",
                     [this](const admin::AdminRequest& r) {
                       if (r.method != "POST") return Text(405, "use POST\n");
                       StartDrain(/*then_exit=*/true);
                       return Text(200, "exiting\n");
                     });
  admin_->AddHandler("/logging", "show the log level; POST ?level=debug|info|warning|error",
                     [](const admin::AdminRequest& r) {
                       if (r.method == "POST") {
                         size_t at = r.query.find("level=");
                         log::Level level;
                         if (at == std::string::npos ||
                             !log::ParseLevel(r.query.substr(at + 6), &level)) {
                           return Text(400, "expected ?level=debug|info|warning|error|off\n");
                         }
                         log::SetLevel(level);
                       }
                       return Text(200, absl::StrCat("level: ", log::LevelName(log::GetLevel()),
                                                     "\n"));
                     });
}

void Server::StartDrain(bool then_exit) {
  exit_after_drain_ |= then_exit;
  if (!draining_) {
    draining_ = true;
    drain_deadline_ = time_source_.MonotonicNow() + options_.drain_timeout;
    for (auto& w : workers_) w->Drain();
  }
  if (exit_after_drain_) CheckDrained();
}

void Server::CheckDrained() {
  int64_t active = 0;
  for (auto& w : workers_) active += w->active_sessions();
  if (active == 0 || time_source_.MonotonicNow() >= drain_deadline_) {
    if (active > 0) {
      WEFT_LOG(kWarning, "drain timeout: closing %d connection(s)", static_cast<int>(active));
    }
    dispatcher_.Exit();
    return;
  }
  drain_poll_timer_->Enable(absl::Milliseconds(50));
}

void Server::Shutdown() {
  for (auto& w : workers_) w->Stop();
  workers_.clear();
  admin_.reset();
  metrics_server_.reset();
  dispatcher_.RunPosted();
}

}  // namespace weft::server
