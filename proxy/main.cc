// mesh-proxy: Weft's sidecar. Wires flags, the bootstrap config and the server.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/event/signal_event.h"
#include "common/log/log.h"
#include "common/time/real_time_source.h"
#include "proxy/admin/xds_metrics.h"
#include "common/random/random.h"
#include "proxy/config/bootstrap_loader.h"
#include "proxy/identity/certificate_client.h"
#include "proxy/identity/grpc_ca_client.h"
#include "proxy/identity/identity_flags.h"
#include "proxy/identity/static_identity.h"
#include "proxy/health/app_health_service.h"
#include "proxy/health/app_probes.h"
#include "proxy/server/server.h"
#include "proxy/xds/ads_client.h"
#include "proxy/xds/xds_translator.h"

ABSL_FLAG(std::string, config, "", "Path of the bootstrap YAML file (required).");
ABSL_FLAG(int, concurrency, 0, "Worker threads; 0 means one per CPU core.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning, error or off.");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(5),
          "On SIGTERM or /quitquitquit, how long in-flight connections may take to finish.");
ABSL_FLAG(bool, check_config, false, "Validate the config file, print the result and exit.");
ABSL_FLAG(std::string, access_log, "",
          "Write one JSON line per request to this file (or \"stdout\"); overrides the "
          "bootstrap's observability.access_log_path.");
ABSL_FLAG(double, access_log_sample, -1,
          "Share of successful requests logged, 0-1 (errors are always logged); -1 keeps "
          "the bootstrap's value.");
ABSL_FLAG(bool, request_metrics, true,
          "Keep the labeled per-request metrics (weft_requests_total, durations...).");
ABSL_FLAG(bool, tracing, true, "Propagate (and start) W3C traceparent / B3 trace headers.");
ABSL_FLAG(int, metrics_port, -1,
          "Port of the Prometheus /metrics listener (0 turns it off); -1 keeps the "
          "bootstrap's value (default 15020).");

int main(int argc, char** argv) {
  // The server handles these on its main loop; block them before anything can
  // start a thread (gRPC does when credentials are made), or a thread without the
  // mask would take SIGHUP's default action and end the process.
  weft::event::BlockSignals({SIGTERM, SIGINT, SIGHUP});
  absl::SetProgramUsageMessage(
      "Weft's sidecar proxy.\n\n"
      "  mesh-proxy --config=/etc/weft/bootstrap.yaml [--concurrency=N]\n\n"
      "Proxies the listeners of the bootstrap file (captured outbound and inbound\n"
      "traffic: opaque TCP, HTTP/1.1, HTTP/2 and gRPC, detected from the first bytes).\n"
      "Admin endpoints on the admin address (default 127.0.0.1:15000): /ready /stats\n"
      "/metrics /config_dump /drain /quitquitquit /logging; Prometheus metrics on\n"
      "0.0.0.0:15020/metrics.\n"
      "mTLS: with --ca_address and --identity_token_file the proxy makes its own key,\n"
      "gets a workload certificate from the control plane's CA and renews it at half\n"
      "its lifetime; the control plane then tells it which connections use mTLS.\n"
      "--xds_root_cert=PEM: the xDS stream and the CA channel use TLS (port 15012),\n"
      "checking the control plane's certificate against that root.\n"
      "Without a control plane: --identity_cert_file, --identity_key_file and\n"
      "--trust_bundle_file (PEM) plus the bootstrap's tls/mtls keys.\n"
      "SIGTERM drains and exits; SIGHUP re-reads the config file and applies it\n"
      "without dropping connections (an invalid file is rejected, the old config stays).\n"
      "Exit status: 0 after a clean shutdown, 2 for a bad command line or config,\n"
      "1 when the proxy cannot start (for example a port in use).");
  absl::ParseCommandLine(argc, argv);

  weft::log::Level level;
  if (!weft::log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    std::fprintf(stderr, "mesh-proxy: --log_level: '%s' is not one of debug, info, warning, error, off\n",
                 absl::GetFlag(FLAGS_log_level).c_str());
    return 2;
  }
  weft::log::SetLevel(level);
  const std::string path = absl::GetFlag(FLAGS_config);
  if (path.empty()) {
    std::fprintf(stderr, "mesh-proxy: --config is required (see --help)\n");
    return 2;
  }
  absl::StatusOr<weft::config::ProxyConfig> config = weft::config::LoadBootstrapFile(path);
  if (!config.ok()) {
    std::fprintf(stderr, "mesh-proxy: invalid config:\n%s\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  if (!absl::GetFlag(FLAGS_access_log).empty()) {
    config->observability.access_log_path = absl::GetFlag(FLAGS_access_log);
  }
  if (const double sample = absl::GetFlag(FLAGS_access_log_sample); sample != -1) {
    if (sample < 0 || sample > 1) {
      std::fprintf(stderr, "mesh-proxy: --access_log_sample: %g is not in 0-1\n", sample);
      return 2;
    }
    config->observability.access_log_sample_ratio = sample;
  }
  if (!absl::GetFlag(FLAGS_request_metrics)) config->observability.request_metrics = false;
  if (!absl::GetFlag(FLAGS_tracing)) config->observability.tracing = false;
  if (const int port = absl::GetFlag(FLAGS_metrics_port); port != -1) {
    if (port < 0 || port > 65535) {
      std::fprintf(stderr, "mesh-proxy: --metrics_port: %d is not a port\n", port);
      return 2;
    }
    config->observability.metrics_port = static_cast<uint16_t>(port);
  }
  if (absl::GetFlag(FLAGS_check_config)) {
    std::printf("%s: OK\n", path.c_str());
    return 0;
  }
  int concurrency = absl::GetFlag(FLAGS_concurrency);
  if (concurrency < 0 || concurrency > 256) {
    std::fprintf(stderr, "mesh-proxy: --concurrency: %d is not in 0-256\n", concurrency);
    return 2;
  }
  if (concurrency == 0) concurrency = std::max(1u, std::thread::hardware_concurrency());

  weft::server::ServerOptions options;
  options.concurrency = concurrency;
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.random_seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  auto bootstrap = std::make_shared<const weft::config::ProxyConfig>(std::move(*config));
  weft::server::Server server(bootstrap, options, weft::RealTimeSource::Instance());
  // The app's own probes, which the injector pointed at /app-health/ on the
  // metrics port (WEFT_APP_PROBES); checked on the main dispatcher, non-blocking.
  const char* app_probes_json = std::getenv(weft::health::kAppProbesEnv);
  absl::StatusOr<weft::health::AppProbes> app_probes =
      weft::health::ParseAppProbes(app_probes_json == nullptr ? "" : app_probes_json);
  if (!app_probes.ok()) {
    std::fprintf(stderr, "mesh-proxy: %s\n", std::string(app_probes.status().message()).c_str());
    return 2;
  }
  weft::health::AppHealthService app_health(server.main_dispatcher(), std::move(*app_probes));
  server.AddProbeHandler(
      weft::health::kAppHealthPrefix,
      "the app's probes, performed against it: /app-health/<container>/<livez|readyz|startupz>",
      [&app_health](const weft::admin::AdminRequest& r, weft::admin::AdminServer::Respond respond) {
        app_health.Handle(r.path, std::move(respond));
      });
  // SIGHUP re-reads the bootstrap file; a bad edit is rejected and logged, and
  // the running config stays.
  server.set_reloader([path] { return weft::config::LoadBootstrapFile(path); });

  // With an xds section, the control plane adds listeners, routes and clusters to
  // the static ones of the file, live.
  // The workload identity (with --ca_address): a certificate from the CA, for
  // mTLS with the other sidecars, renewed in the background.
  absl::StatusOr<std::optional<weft::identity::IdentityFlags>> identity_flags =
      weft::identity::IdentityFlagsFromCommandLine();
  if (!identity_flags.ok()) {
    std::fprintf(stderr, "mesh-proxy: %s\n", std::string(identity_flags.status().message()).c_str());
    return 2;
  }
  // --xds_root_cert: TLS to the control plane (15012) for both channels below.
  absl::StatusOr<weft::identity::ControlPlaneChannel> control_plane =
      weft::identity::ControlPlaneChannelFromCommandLine();
  if (!control_plane.ok()) {
    std::fprintf(stderr, "mesh-proxy: %s\n", std::string(control_plane.status().message()).c_str());
    return 2;
  }
  // A root rotation rewrites that file (the mounted ConfigMap): follow it
  // (without a checked copy, gRPC follows the file by itself).
  if (control_plane->roots != nullptr) {
    control_plane->roots->Start(server.main_dispatcher(), control_plane->root_refresh);
  }
  // Or a static identity from PEM files (--identity_cert_file ...), re-read on SIGHUP.
  absl::StatusOr<std::optional<weft::identity::StaticIdentityFiles>> static_identity =
      weft::identity::StaticIdentityFromCommandLine();
  if (!static_identity.ok()) {
    std::fprintf(stderr, "mesh-proxy: %s\n", std::string(static_identity.status().message()).c_str());
    return 2;
  }
  if (static_identity->has_value()) {
    const weft::identity::StaticIdentityFiles files = **static_identity;
    absl::StatusOr<weft::certs::SpiffeId> id = weft::identity::LoadStaticIdentity(
        files, weft::RealTimeSource::Instance(), server.mesh_tls());
    if (!id.ok()) {
      std::fprintf(stderr, "mesh-proxy: identity: %s\n", std::string(id.status().message()).c_str());
      return 2;
    }
    server.set_identity_enabled(true);
    server.set_reloader([path, files, &server] {
      absl::StatusOr<weft::certs::SpiffeId> reloaded = weft::identity::LoadStaticIdentity(
          files, weft::RealTimeSource::Instance(), server.mesh_tls());
      if (!reloaded.ok()) {
        WEFT_LOG(kError, "SIGHUP: identity files refused, keeping the current certificate: %s",
                 reloaded.status().ToString());
      }
      return weft::config::LoadBootstrapFile(path);
    });
  }
  std::unique_ptr<weft::identity::GrpcCaClient> ca_client;
  weft::RealRandom identity_random(options.random_seed ^ 0x5bd1e995ull);
  std::unique_ptr<weft::identity::CertificateClient> identity;
  if (identity_flags->has_value()) {
    weft::identity::IdentityFlags& f = **identity_flags;
    f.ca.time = &weft::RealTimeSource::Instance();
    for (const auto& [key, value] : bootstrap->xds.metadata) {
      if (key == "NAMESPACE") f.client.namespace_name = value;
      if (key == "SERVICE_ACCOUNT") f.client.service_account = value;
    }
    if (f.client.service_account.empty()) f.client.service_account = "default";
    f.ca.credentials = control_plane->credentials;
    f.ca.server_name = control_plane->server_name;
    absl::StatusOr<std::unique_ptr<weft::identity::GrpcCaClient>> ca =
        weft::identity::GrpcCaClient::Create(f.ca);
    absl::StatusOr<std::unique_ptr<weft::identity::CertificateClient>> client =
        ca.ok() ? weft::identity::CertificateClient::Create(f.client, server.main_dispatcher(),
                                                            **ca, identity_random)
                : absl::StatusOr<std::unique_ptr<weft::identity::CertificateClient>>(ca.status());
    if (!client.ok()) {
      std::fprintf(stderr, "mesh-proxy: identity: %s\n",
                   std::string(client.status().message()).c_str());
      return 2;
    }
    ca_client = std::move(*ca);
    identity = std::move(*client);
    server.set_identity_enabled(true);
    identity->AddListener(
        [&server](std::shared_ptr<const weft::identity::WorkloadCertificate> cert) {
          absl::StatusOr<std::string> key = cert->key.ToPkcs8Pem();
          absl::Status set =
              key.ok() ? server.mesh_tls().SetCertificate(cert->chain_pem, *key,
                                                          cert->trust_bundle_pem,
                                                          cert->identity.trust_domain(),
                                                          cert->not_after)
                       : key.status();
          if (!set.ok()) {
            WEFT_LOG(kError, "new workload certificate refused, keeping the current one: %s",
                     set.ToString());
          }
        });
  }

  std::unique_ptr<weft::xds::AdsClient> ads;
  if (!bootstrap->xds.server.empty()) {
    weft::xds::AdsClientOptions xds_options;
    xds_options.server = bootstrap->xds.server;
    xds_options.credentials = control_plane->credentials;
    xds_options.server_name = control_plane->server_name;
    xds_options.node.set_id(bootstrap->xds.node_id);
    xds_options.node.set_cluster(bootstrap->xds.node_cluster);
    if (!bootstrap->xds.zone.empty())
      xds_options.node.mutable_locality()->set_zone(bootstrap->xds.zone);
    xds_options.node.set_user_agent_name("weft-mesh-proxy");
    auto& fields = *xds_options.node.mutable_metadata()->mutable_fields();
    fields["PROXY_TYPE"].set_string_value("sidecar");
    for (const auto& [key, value] : bootstrap->xds.metadata) fields[key].set_string_value(value);
    ads = std::make_unique<weft::xds::AdsClient>(
        xds_options,
        [&server, bootstrap](const weft::xds::XdsResources& resources) -> absl::Status {
          absl::StatusOr<weft::config::ProxyConfig> next =
              weft::xds::TranslateXds(resources, *bootstrap);
          if (!next.ok()) return next.status();
          next->source = absl::StrCat("xds:", bootstrap->xds.server);
          return server.UpdateConfig(
              std::make_shared<const weft::config::ProxyConfig>(std::move(*next)));
        },
        weft::RealTimeSource::Instance(), options.random_seed ^ 0x9e3779b97f4a7c15ull);
    server.AddAdminHandler("/xds", "xDS connection state, versions held, last NACK",
                           [&ads](const weft::admin::AdminRequest&) {
                             return weft::admin::AdminResponse{200, "application/json",
                                                               weft::xds::StatusJson(ads->status())};
                           });
    server.AddMetricsRenderer([&ads](weft::stats::PrometheusTextWriter& w) {
      weft::admin::RenderXdsMetrics(ads->status(), w);
    });
  }
  server.set_lifecycle(
      [&ads, &identity] {
        if (identity != nullptr) identity->Start();
        if (ads != nullptr) ads->Start();
      },
      [&ads] {
        if (ads != nullptr) ads->Stop();
      });
  absl::Status status = server.Run();
  if (!status.ok()) {
    std::fprintf(stderr, "mesh-proxy: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
