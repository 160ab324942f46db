// mesh-control-plane: Weft's control plane. Wires a config source (local mode: a
// directory of manifests), the translation to xDS, and the xDS server.
#include <signal.h>

#include <cstdio>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/event/libevent_dispatcher.h"
#include "common/event/signal_event.h"
#include "common/log/log.h"
#include "common/time/real_time_source.h"
#include "control-plane/app/model_snapshot_source.h"
#include "control-plane/local/local_source.h"
#include "control-plane/xds/xds_server.h"

ABSL_FLAG(std::string, mode, "local", "Where the mesh's config comes from: local.");
ABSL_FLAG(std::string, manifests, "/var/lib/weft/manifests",
          "Local mode: the directory of YAML manifests to serve (watched for changes).");
ABSL_FLAG(absl::Duration, poll_interval, absl::Seconds(1),
          "Local mode: how often the manifest directory is checked for changes.");
ABSL_FLAG(std::string, xds_address, "0.0.0.0:15010",
          "Plaintext xDS (ADS) and MeshStatus address, host:port (local mode).");
ABSL_FLAG(absl::Duration, debounce, absl::Milliseconds(100),
          "Changes within this window are pushed to proxies together.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning, error or off.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Weft's control plane.\n\n"
      "  mesh-control-plane --manifests=DIR [--xds_address=0.0.0.0:15010]\n\n"
      "Local mode serves the Services, Workloads, HTTPRoutes, GRPCRoutes and\n"
      "TrafficPolicies of a directory of manifests to every proxy over xDS v3 (ADS,\n"
      "state-of-the-world and delta), and to proxyless gRPC clients (xds:///name).\n"
      "Invalid manifests are rejected with every problem named; the last good\n"
      "config stays in force. `meshctl proxy-status` shows each proxy's sync state.\n"
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

  weft::xds::XdsServer::Options server_options;
  server_options.address = absl::GetFlag(FLAGS_xds_address);
  server_options.debounce = absl::GetFlag(FLAGS_debounce);
  absl::StatusOr<std::unique_ptr<weft::xds::XdsServer>> server =
      weft::xds::XdsServer::Start(server_options, time);
  if (!server.ok()) {
    std::fprintf(stderr, "mesh-control-plane: %s\n", server.status().ToString().c_str());
    return server.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  weft::control_plane::ModelSnapshotSource snapshots((*server)->cache());
  (*server)->cache().SetSource(&snapshots);

  weft::control_plane::local::LocalSource::Options source_options;
  source_options.directory = absl::GetFlag(FLAGS_manifests);
  source_options.poll_interval = absl::GetFlag(FLAGS_poll_interval);
  weft::control_plane::local::LocalSource source(source_options, dispatcher);
  source.Start(&snapshots);
  WEFT_LOG(kInfo, "mesh-control-plane serving xDS on %s (port %d), manifests from %s",
           server_options.address, (*server)->port(), source_options.directory);
  dispatcher.Run();
  (*server)->Shutdown();
  return 0;
}
