// mesh-control-plane: Weft's control plane. Wires a config source (local mode: a
// directory of manifests), the translation to xDS, and the xDS server.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/event/libevent_dispatcher.h"
#include "common/event/signal_event.h"
#include "common/log/log.h"
#include "common/time/real_time_source.h"
#include "control-plane/app/model_snapshot_source.h"
#include "control-plane/ca/ca_debug.h"
#include "control-plane/ca/ca_metrics.h"
#include "control-plane/ca/certificate_issuer.h"
#include "control-plane/ca/certificate_service.h"
#include "control-plane/ca/issued_certificates.h"
#include "control-plane/ca/join_token_store.h"
#include "control-plane/ca/join_token_verifier.h"
#include "control-plane/ca/rotating_authority.h"
#include "control-plane/ca/token_review_verifier.h"
#include "control-plane/kube/api_token_reviewer.h"
#include "control-plane/kube/ca_root_gate.h"
#include "control-plane/kube/ca_root_publisher.h"
#include "control-plane/kube/create_kube_source.h"
#include "control-plane/kube/kube_mode_flags.h"
#include "control-plane/kube/leader_duties.h"
#include "control-plane/local/local_source.h"
#include "control-plane/monitoring/monitoring.h"
#include "control-plane/xds/xds_metrics.h"
#include "control-plane/webhook/webhook_flags.h"
#include "proxy/admin/admin_server.h"
#include "proxy/network/address.h"
#include "control-plane/xds/xds_server.h"
#include "control-plane/xds/xds_tls_flags.h"

ABSL_FLAG(std::string, mode, "local", "Where the mesh's config comes from: local.");
ABSL_FLAG(std::string, source, "local",
          "Where the service model comes from: local (--manifests) or kubernetes (the API "
          "server: Services, EndpointSlices, Pods, Namespaces, TrafficPolicies, HTTPRoutes, "
          "GRPCRoutes; see docs/kubernetes.md).");
ABSL_FLAG(std::string, kubeconfig, "",
          "--source=kubernetes: the kubeconfig file to use (its current-context). Empty: "
          "in-cluster (the pod's service-account token and CA).");
ABSL_FLAG(bool, kube_allow_insecure, false,
          "--source=kubernetes: accept a kubeconfig with insecure-skip-tls-verify (the API "
          "server is then not authenticated; throwaway clusters only).");
ABSL_FLAG(int64_t, kube_page_size, 500,
          "--source=kubernetes: objects per LIST page (limit/continue).");
ABSL_FLAG(std::string, manifests, "/var/lib/weft/manifests",
          "Local mode: the directory of YAML manifests to serve (watched for changes).");
ABSL_FLAG(absl::Duration, poll_interval, absl::Seconds(1),
          "Local mode: how often the manifest directory is checked for changes.");
ABSL_FLAG(std::string, xds_address, "0.0.0.0:15010",
          "Plaintext xDS (ADS) and MeshStatus address, host:port (local mode).");
ABSL_FLAG(absl::Duration, debounce, absl::Milliseconds(100),
          "Changes within this window are pushed to proxies together.");
ABSL_FLAG(std::string, monitoring_address, "127.0.0.1:15014",
          "HTTP monitoring address, IP:port: /metrics, /debug/model, /debug/proxies, "
          "/ready. Empty turns it off.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning, error or off.");
ABSL_FLAG(std::string, ca_dir, "",
          "The certificate authority's directory (root-cert.pem, keys, join-tokens/): loaded, "
          "or created with a new root at first start. Empty: no CA (no certificates are "
          "issued). The CA serves weft.ca.v1.CertificateService on --xds_address (and "
          "--xds_tls_address).");
ABSL_FLAG(std::string, trust_domain, "cluster.local",
          "The SPIFFE trust domain of every identity the CA issues.");
ABSL_FLAG(absl::Duration, workload_cert_ttl, absl::Hours(24),
          "Lifetime of a workload certificate when the proxy asks for none.");
ABSL_FLAG(absl::Duration, max_workload_cert_ttl, absl::Hours(24),
          "Workload certificates never live longer than this, whatever a proxy asks for.");
ABSL_FLAG(absl::Duration, root_distribution_delay, absl::Hours(1),
          "Root rotation: how long a new root is distributed in trust bundles before it signs.");

namespace {

// "127.0.0.1:15014" or "[::1]:15014".
absl::StatusOr<weft::network::Address> ParseIpPort(const std::string& text) {
  const size_t colon = text.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(text.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not IP:PORT (e.g. 127.0.0.1:15014)"));
  }
  std::string ip = text.substr(0, colon);
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return weft::network::Address::FromIpPort(ip, static_cast<uint16_t>(port));
}

}  // namespace

int main(int argc, char** argv) {
  // Handled on the main loop; blocked before any thread starts (see BlockSignals).
  weft::event::BlockSignals({SIGTERM, SIGINT});
  absl::SetProgramUsageMessage(
      "Weft's control plane.\n\n"
      "  mesh-control-plane --manifests=DIR [--xds_address=0.0.0.0:15010]\n"
      "  mesh-control-plane --source=kubernetes [--kubeconfig=PATH]\n\n"
      "Local mode serves the Services, Workloads, HTTPRoutes, GRPCRoutes and\n"
      "TrafficPolicies of a directory of manifests to every proxy over xDS v3 (ADS,\n"
      "state-of-the-world and delta), and to proxyless gRPC clients (xds:///name).\n"
      "Invalid manifests are rejected with every problem named; the last good\n"
      "config stays in force. `meshctl proxy-status` shows each proxy's sync state.\n"
      "--source=kubernetes lists and watches the same kinds (workloads from Pods)\n"
      "from the API server, in-cluster or with --kubeconfig (docs/kubernetes.md).\n"
      "Monitoring (--monitoring_address, default 127.0.0.1:15014): /metrics,\n"
      "/debug/model, /debug/proxies, /ready (and /debug/certs with the CA).\n"
      "Certificates: --ca_dir=DIR turns on the CA (weft.ca.v1.CertificateService on\n"
      "the xDS port); local mode's proof of identity is a join token from\n"
      "`meshctl certs token --ca_dir=DIR <ns>/<workload>`; on Kubernetes it is the\n"
      "pod's service-account token, checked with a TokenReview. Replicas elect a\n"
      "Lease holder, which alone writes TrafficPolicy status (--lease_* flags).\n"
      "Sidecar injection: --webhook_port=15017 (with --ca_dir) serves the mutating\n"
      "admission webhook over HTTPS (docs/injection.md; its --webhook_* and\n"
      "injection flags are listed by --helpfull).\n"
      "Exit status: 0 after SIGTERM, 2 for a bad command line, 1 when it cannot start.");
  absl::ParseCommandLine(argc, argv);
  weft::log::Level level;
  if (!weft::log::ParseLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    std::fprintf(stderr, "mesh-control-plane: --log_level: '%s' is not one of debug, info, "
                         "warning, error, off\n",
                 absl::GetFlag(FLAGS_log_level).c_str());
    return 2;
  }
  weft::log::SetLevel(level);
  if (const std::string src = absl::GetFlag(FLAGS_source); src != "local" && src != "kubernetes") {
    std::fprintf(stderr, "mesh-control-plane: --source: '%s' is not local or kubernetes\n",
                 src.c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_mode) != "local") {
    std::fprintf(stderr, "mesh-control-plane: --mode: only 'local' is available (Kubernetes "
                         "mode comes with its own source)\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  const weft::TimeSource& time = weft::RealTimeSource::Instance();
  weft::event::LibeventDispatcher dispatcher(time);
  weft::event::SignalEvent signals(dispatcher, {SIGTERM, SIGINT}, [&dispatcher](int signo) {
    WEFT_LOG(kInfo, "signal %d: shutting down", signo);
    dispatcher.Exit();
  });

  // Kubernetes mode: the API connection, and the Lease holder's duties (status
  // write-back; CA-root creation below), started once the source is.
  const bool kubernetes = absl::GetFlag(FLAGS_source) == "kubernetes";
  weft::control_plane::kube::KubeSourceFlags kube_flags;
  std::optional<weft::control_plane::kube::KubeApi> kube_api;
  std::optional<weft::control_plane::kube::KubeModeOptions> kube_mode;
  std::unique_ptr<weft::control_plane::kube::LeaderDuties> leader_duties;
  if (kubernetes) {
    kube_flags.kubeconfig = absl::GetFlag(FLAGS_kubeconfig);
    kube_flags.allow_insecure = absl::GetFlag(FLAGS_kube_allow_insecure);
    kube_flags.source.debounce = absl::GetFlag(FLAGS_debounce);
    kube_flags.source.reflector.page_size = absl::GetFlag(FLAGS_kube_page_size);
    absl::StatusOr<weft::control_plane::kube::KubeApi> api =
        weft::control_plane::kube::ConnectKubeApi(kube_flags);
    absl::StatusOr<weft::control_plane::kube::KubeModeOptions> mode =
        api.ok() ? weft::control_plane::kube::KubeModeOptionsFromFlags(*api)
                 : absl::StatusOr<weft::control_plane::kube::KubeModeOptions>(api.status());
    if (!mode.ok()) {
      std::fprintf(stderr, "mesh-control-plane: --source=kubernetes: %s\n",
                   mode.status().ToString().c_str());
      return mode.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
    }
    kube_api = std::move(*api);
    kube_mode = std::move(*mode);
    leader_duties = std::make_unique<weft::control_plane::kube::LeaderDuties>(
        kube_mode->duties, kube_api->transports, time);
  }

  // The CA (optional). Registered on the xDS server, so it must exist before the
  // server starts; the model it reads workloads from is attached right after.
  std::atomic<const weft::control_plane::ModelSnapshotSource*> model_for_ca{nullptr};
  std::unique_ptr<weft::control_plane::ca::RotatingAuthority> authority;
  std::unique_ptr<weft::control_plane::ca::IdentityVerifier> verifier;
  std::unique_ptr<weft::control_plane::kube::ApiTokenReviewer> token_reviewer;
  weft::control_plane::ca::IssuedCertificates issued_certificates;
  weft::control_plane::ca::CaMetrics ca_metrics;
  std::unique_ptr<weft::control_plane::ca::CertificateIssuer> issuer;
  std::unique_ptr<weft::control_plane::ca::CertificateService> ca_service;
  if (const std::string ca_dir = absl::GetFlag(FLAGS_ca_dir); !ca_dir.empty()) {
    namespace ca = weft::control_plane::ca;
    ca::RotatingAuthority::Options ca_options;
    ca_options.ca.trust_domain = absl::GetFlag(FLAGS_trust_domain);
    ca_options.ca.default_leaf_ttl = absl::GetFlag(FLAGS_workload_cert_ttl);
    ca_options.max_leaf_ttl = absl::GetFlag(FLAGS_max_workload_cert_ttl);
    ca_options.distribution_delay = absl::GetFlag(FLAGS_root_distribution_delay);
    if (kubernetes) {  // only the Lease holder creates a root
      weft::control_plane::kube::CondVarSleeper sleeper;
      absl::StatusOr<weft::control_plane::kube::CaRootGate> gate =
          weft::control_plane::kube::AwaitCaRoot(ca_dir, leader_duties->elector(), sleeper, time,
                                                 kube_mode->root_wait);
      if (!gate.ok()) {
        std::fprintf(stderr, "mesh-control-plane: --ca_dir=%s: %s\n", ca_dir.c_str(),
                     gate.status().ToString().c_str());
        return 1;
      }
    }
    absl::StatusOr<std::unique_ptr<ca::RotatingAuthority>> loaded =
        ca::RotatingAuthority::LoadOrCreate(ca_dir, ca_options, time);
    if (!loaded.ok()) {
      std::fprintf(stderr, "mesh-control-plane: --ca_dir=%s: %s\n", ca_dir.c_str(),
                   loaded.status().ToString().c_str());
      return loaded.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
    }
    authority = std::move(*loaded);
    if (kubernetes) {  // the pod's service-account token, judged by the API server
      token_reviewer = std::make_unique<weft::control_plane::kube::ApiTokenReviewer>(
          kube_api->transports);
      verifier = std::make_unique<ca::TokenReviewVerifier>(
          ca::TokenReviewVerifier::Options{.trust_domain = ca_options.ca.trust_domain,
                                           .audiences = kube_mode->token_audiences},
          *token_reviewer, time);
    } else {
      verifier = std::make_unique<ca::JoinTokenVerifier>(
          ca::JoinTokenStore(ca::JoinTokenStore::DirectoryFor(ca_dir)), ca_options.ca.trust_domain,
          [&model_for_ca](const ca::WorkloadRef& w) -> absl::StatusOr<std::string> {
            const weft::control_plane::ModelSnapshotSource* source = model_for_ca.load();
            if (source == nullptr) return absl::UnavailableError("the control plane is starting");
            const weft::control_plane::SourceState state = source->source_state();
            if (state.model == nullptr) return absl::UnavailableError("no valid model yet");
            auto it = state.model->workloads.find(weft::control_plane::ObjectKey{w.ns, w.name});
            if (it == state.model->workloads.end()) return absl::NotFoundError("not registered");
            return it->second.service_account;
          });
    }
    issuer = std::make_unique<ca::CertificateIssuer>(*authority, *verifier, &issued_certificates,
                                                     &ca_metrics, time);
    ca_service = std::make_unique<ca::CertificateService>(*issuer);
    WEFT_LOG(kInfo, "mesh-control-plane CA: trust domain %s, %s root from %s",
             ca_options.ca.trust_domain, authority->GetState().roots.size() > 1 ? "rotating" : "one",
             ca_dir);
  }

  // The sidecar injection webhook (--webhook_port; off by default), its
  // certificate from the CA above.
  absl::StatusOr<std::unique_ptr<weft::webhook::Webhook>> webhook =
      weft::webhook::StartWebhookFromFlags(authority.get(), time);
  if (!webhook.ok()) {
    std::fprintf(stderr, "mesh-control-plane: webhook: %s\n", webhook.status().ToString().c_str());
    return webhook.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }

  weft::xds::XdsServer::Options server_options;
  server_options.address = absl::GetFlag(FLAGS_xds_address);
  server_options.debounce = absl::GetFlag(FLAGS_debounce);
  weft::xds::XdsMetrics xds_metrics;
  server_options.metrics = &xds_metrics;
  if (ca_service != nullptr) server_options.extra_services.push_back(ca_service.get());
  // --xds_tls_address (15012): the same services over TLS, certificate from the CA.
  absl::StatusOr<weft::xds::XdsTls> xds_tls = weft::xds::XdsTlsFromFlags(authority.get(), dispatcher);
  if (!xds_tls.ok()) {
    std::fprintf(stderr, "mesh-control-plane: %s\n", xds_tls.status().ToString().c_str());
    return xds_tls.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  server_options.tls_address = xds_tls->address;
  if (xds_tls->files != nullptr) server_options.tls_credentials = xds_tls->files->ServerCredentials();
  absl::StatusOr<std::unique_ptr<weft::xds::XdsServer>> server =
      weft::xds::XdsServer::Start(server_options, time);
  if (!server.ok()) {
    std::fprintf(stderr, "mesh-control-plane: %s\n", server.status().ToString().c_str());
    return server.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  weft::control_plane::ModelSnapshotSource snapshots((*server)->cache());
  snapshots.set_time_source(&time);
  (*server)->cache().SetSource(&snapshots);
  model_for_ca.store(&snapshots);
  // With the CA on, sidecars talk mTLS; the trust bundle changes during a root
  // rotation (a root added, later one retired) and every change is pushed by SDS.
  std::unique_ptr<weft::event::Timer> bundle_timer;
  if (authority != nullptr) {
    auto publish = [&snapshots, &authority] {
      weft::control_plane::MeshSecurity security;
      security.enabled = true;
      security.trust_domain = authority->trust_domain();
      security.trust_bundle_pem = authority->TrustBundlePem();
      snapshots.SetMeshSecurity(security);
    };
    publish();
    bundle_timer = dispatcher.CreateTimer([&bundle_timer, publish] {
      publish();
      bundle_timer->Enable(absl::Seconds(1));
    });
    bundle_timer->Enable(absl::Seconds(1));
  }

  weft::control_plane::local::LocalSource::Options source_options;
  source_options.directory = absl::GetFlag(FLAGS_manifests);
  source_options.poll_interval = absl::GetFlag(FLAGS_poll_interval);
  std::unique_ptr<weft::control_plane::ConfigSource> source;
  if (kubernetes) {
    weft::control_plane::kube::StatusWriter* status_writer = &leader_duties->status();
    kube_flags.source.on_conditions =
        [status_writer](std::vector<weft::control_plane::kube::ObjectCondition> conditions) {
          status_writer->Update(std::move(conditions));
        };
    source = weft::control_plane::kube::CreateKubeSource(*kube_api, kube_flags.source, dispatcher);
    source_options.directory = "the Kubernetes API";  // for the log line below
  } else {
    source = std::make_unique<weft::control_plane::local::LocalSource>(source_options, dispatcher);
  }
  source->Start(&snapshots);
  if (leader_duties != nullptr) leader_duties->Start();
  // Kubernetes: ConfigMap weft-ca-root (the mesh root) in every namespace, for --xds_root_cert.
  std::unique_ptr<weft::control_plane::kube::CaRootPublisher::Running> ca_root_publisher;
  if (kubernetes && authority != nullptr) {
    ca_root_publisher = weft::control_plane::kube::CaRootPublisher::StartThread(
        kube_api->transports, [a = authority.get()] { return a->TrustBundlePem(); },
        [d = leader_duties.get()] { return d->elector().IsLeader(); });
  }

  // The monitoring port runs on the main dispatcher, like the manifest polling.
  std::unique_ptr<weft::admin::AdminServer> monitoring;
  if (const std::string address = absl::GetFlag(FLAGS_monitoring_address); !address.empty()) {
    absl::StatusOr<weft::network::Address> parsed = ParseIpPort(address);
    if (!parsed.ok()) {
      std::fprintf(stderr, "mesh-control-plane: --monitoring_address: %s\n",
                   std::string(parsed.status().message()).c_str());
      return 2;
    }
    absl::StatusOr<std::unique_ptr<weft::admin::AdminServer>> created =
        weft::admin::AdminServer::Create(dispatcher, *parsed);
    if (!created.ok()) {
      std::fprintf(stderr, "mesh-control-plane: monitoring on %s: %s\n", address.c_str(),
                   std::string(created.status().message()).c_str());
      return 1;
    }
    monitoring = std::move(*created);
    weft::control_plane::MonitoringInputs inputs;
    inputs.metrics = &xds_metrics;
    weft::xds::XdsServer* xds_server = server->get();
    inputs.list_proxies = [xds_server] { return xds_server->ListProxies(); };
    inputs.source_state = [&snapshots] { return snapshots.source_state(); };
    if (authority != nullptr) {
      weft::control_plane::ca::RotatingAuthority* a = authority.get();
      inputs.render_ca_metrics = [&ca_metrics](weft::stats::PrometheusTextWriter& w) {
        ca_metrics.Render(w);
      };
      inputs.certs_json = [a, &issued_certificates, &time] {
        return weft::control_plane::ca::CertsJson(a->trust_domain(), a->GetState(),
                                                  issued_certificates.List(time.SystemNow()));
      };
      inputs.rotate_root = [a, &issued_certificates, &time]() -> absl::StatusOr<std::string> {
        absl::StatusOr<weft::control_plane::ca::RotatingAuthority::State> state =
            a->BeginRotation();
        if (!state.ok()) return state.status();
        return weft::control_plane::ca::CertsJson(a->trust_domain(), *state,
                                                  issued_certificates.List(time.SystemNow()));
      };
    }
    weft::control_plane::InstallMonitoringHandlers(*monitoring, std::move(inputs),
                                                   [&time] { return time.SystemNow(); });
    WEFT_LOG(kInfo, "mesh-control-plane monitoring on http://%s/metrics",
             monitoring->address().ToString());
  }
  WEFT_LOG(kInfo, "mesh-control-plane serving xDS on %s (port %d), manifests from %s",
           server_options.address, (*server)->port(), source_options.directory);
  dispatcher.Run();
  monitoring.reset();
  (*server)->Shutdown();
  return 0;
}
