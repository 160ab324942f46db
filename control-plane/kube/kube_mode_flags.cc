#include "control-plane/kube/kube_mode_flags.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

ABSL_FLAG(std::string, lease_namespace, "",
          "--source=kubernetes: the namespace of the leader-election Lease. Empty: the pod's "
          "namespace in-cluster, else weft-system.");
ABSL_FLAG(std::string, lease_name, "mesh-control-plane",
          "--source=kubernetes: the name of the leader-election Lease (coordination.k8s.io/v1).");
ABSL_FLAG(absl::Duration, lease_duration, absl::Seconds(15),
          "--source=kubernetes: a Lease not renewed for this long is taken over by another "
          "replica. The leader stops writing after 2/3 of it without a renewal.");
ABSL_FLAG(absl::Duration, lease_renew_interval, absl::Seconds(5),
          "--source=kubernetes: how often the Lease is read and renewed (or tried for).");
ABSL_FLAG(std::string, pod_name, "",
          "--source=kubernetes: this replica's name in the Lease (holderIdentity). Empty: "
          "$POD_NAME, else the host name.");
ABSL_FLAG(std::string, ca_token_audience, "weft-ca",
          "--source=kubernetes with --ca_dir: the audience(s), comma-separated, a proxy's "
          "service-account token must have (TokenReview).");
ABSL_FLAG(absl::Duration, ca_root_wait, absl::Seconds(60),
          "--source=kubernetes with --ca_dir: how long a replica that is not the leader waits "
          "for a CA root to appear in --ca_dir (only the leader creates one).");

namespace weft::control_plane::kube {
namespace {

std::string ReplicaName() {
  if (std::string flag = absl::GetFlag(FLAGS_pod_name); !flag.empty()) return flag;
  if (const char* env = std::getenv("POD_NAME"); env != nullptr && *env != '\0') return env;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0') return host;
  return "mesh-control-plane";
}

}  // namespace

absl::StatusOr<KubeModeOptions> KubeModeOptionsFromFlags(const KubeApi& api) {
  KubeModeOptions options;
  LeaderElector::Options& lease = options.duties.lease;
  lease.ns = absl::GetFlag(FLAGS_lease_namespace);
  if (lease.ns.empty()) lease.ns = api.in_cluster ? api.config.ns : "weft-system";
  lease.name = absl::GetFlag(FLAGS_lease_name);
  lease.identity = ReplicaName();
  lease.lease_duration = absl::GetFlag(FLAGS_lease_duration);
  lease.renew_deadline = lease.lease_duration * 2 / 3;
  lease.renew_interval = absl::GetFlag(FLAGS_lease_renew_interval);
  if (lease.lease_duration < absl::Seconds(1) || lease.renew_interval <= absl::ZeroDuration() ||
      lease.renew_interval >= lease.renew_deadline) {
    return absl::InvalidArgumentError(
        absl::StrCat("--lease_renew_interval (", absl::FormatDuration(lease.renew_interval),
                     ") must be positive and shorter than 2/3 of --lease_duration (",
                     absl::FormatDuration(lease.lease_duration), "), which must be at least 1s"));
  }
  options.token_audiences =
      absl::StrSplit(absl::GetFlag(FLAGS_ca_token_audience), ',', absl::SkipEmpty());
  if (options.token_audiences.empty()) {
    return absl::InvalidArgumentError("--ca_token_audience: empty");
  }
  options.root_wait.max_wait = absl::GetFlag(FLAGS_ca_root_wait);
  return options;
}

}  // namespace weft::control_plane::kube
