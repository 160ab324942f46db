#include "control-plane/kube/leader_elector.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "control-plane/kube/json_fields.h"
#include "proxy/config/config_json.h"

namespace weft::control_plane::kube {
namespace {

using config::JsonQuote;

// Kubernetes MicroTime: RFC 3339 with microseconds, UTC.
std::string MicroTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

}  // namespace

std::string LeaderElector::LeasePath() const {
  return absl::StrCat("/apis/coordination.k8s.io/v1/namespaces/", options_.ns, "/leases");
}

std::string LeaderElector::LeaseBody(const Observed& previous, bool take_over) const {
  const std::string now = MicroTime(time_.SystemNow());
  const int64_t transitions =
      previous.transitions + (take_over && !previous.holder.empty() ? 1 : 0);
  return absl::StrCat(
      R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":)",
      JsonQuote(options_.name), R"(,"namespace":)", JsonQuote(options_.ns),
      previous.resource_version.empty()
          ? ""
          : absl::StrCat(R"(,"resourceVersion":)", JsonQuote(previous.resource_version)),
      R"(},"spec":{"holderIdentity":)", JsonQuote(options_.identity), R"(,"leaseDurationSeconds":)",
      absl::ToInt64Seconds(options_.lease_duration), R"(,"acquireTime":)",
      JsonQuote(take_over ? now : previous.acquire_time), R"(,"renewTime":)", JsonQuote(now),
      R"(,"leaseTransitions":)", transitions, "}}");
}

void LeaderElector::Step() {
  const absl::Time started = time_.MonotonicNow();
  const std::string path = absl::StrCat(LeasePath(), "/", options_.name);
  absl::StatusOr<ApiTransport::Response> got = transport_.Get(path);
  auto fail = [&](std::string error) {
    weft::MutexLock lock(&mu_);
    if (error_ != error) {  // once per distinct error, not every round
      WEFT_LOG(kWarning, "leader election: lease %s/%s: %s", options_.ns, options_.name, error);
    }
    error_ = std::move(error);
  };
  if (!got.ok()) return fail(std::string(got.status().message()));
  if (got->status == 404) {
    absl::StatusOr<ApiTransport::Response> created =
        transport_.Send("POST", LeasePath(), "application/json", LeaseBody(Observed{}, true));
    if (!created.ok()) return fail(std::string(created.status().message()));
    if (created->status == 200 || created->status == 201) {
      return Became(true, options_.identity, started);
    }
    if (created->status == 409) return Became(false, "", started);  // another replica created it
    return fail(absl::StrCat("create: HTTP ", created->status));
  }
  if (got->status != 200) return fail(absl::StrCat("read: HTTP ", got->status));
  Observed observed;
  try {
    const YAML::Node lease = YAML::Load(got->body);
    const YAML::Node spec = Field(lease, "spec");
    observed.holder = FieldString(spec, "holderIdentity");
    observed.renew_time = FieldString(spec, "renewTime");
    observed.acquire_time = FieldString(spec, "acquireTime");
    const YAML::Node transitions = Field(spec, "leaseTransitions");
    if (transitions.IsScalar()) observed.transitions = transitions.as<int64_t>();
    observed.resource_version = FieldString(Field(lease, "metadata"), "resourceVersion");
  } catch (const std::exception& e) {
    return fail(absl::StrCat("unreadable Lease: ", e.what()));
  }
  const std::string record =
      absl::StrCat(observed.holder, "/", observed.renew_time, "/", observed.resource_version);
  if (record != last_record_) {
    last_record_ = record;
    record_seen_at_ = started;
  }
  const bool mine = observed.holder == options_.identity;
  const bool expired =
      observed.holder.empty() || started >= record_seen_at_ + options_.lease_duration;
  if (!mine && !expired) return Became(false, observed.holder, started);
  absl::StatusOr<ApiTransport::Response> put =
      transport_.Send("PUT", path, "application/json", LeaseBody(observed, !mine));
  if (!put.ok()) return fail(std::string(put.status().message()));
  if (put->status == 200 || put->status == 201) {
    if (!mine) {
      WEFT_LOG(kInfo, "leader election: taking over lease %s/%s from %s (not renewed for %s)",
               options_.ns, options_.name, observed.holder.empty() ? "nobody" : observed.holder,
               absl::FormatDuration(options_.lease_duration));
    }
    return Became(true, options_.identity, started);
  }
  if (put->status == 409) return Became(false, observed.holder, started);  // someone wrote first
  fail(absl::StrCat("update: HTTP ", put->status));
}

void LeaderElector::Became(bool leader, const std::string& holder, absl::Time started) {
  weft::MutexLock lock(&mu_);
  // Counted from before the request: the API server may have taken its time.
  if (leader) leader_until_ = started + options_.renew_deadline;
  if (leader && !leader_) {
    ++transitions_;
    WEFT_LOG(kInfo, "leader election: %s is now the leader (lease %s/%s)", options_.identity,
             options_.ns, options_.name);
  } else if (!leader && leader_) {
    WEFT_LOG(kWarning, "leader election: %s lost the lease %s/%s%s", options_.identity, options_.ns,
             options_.name, holder.empty() ? "" : absl::StrCat(" to ", holder));
  }
  leader_ = leader;
  holder_ = holder;
  error_.clear();
}

bool LeaderElector::IsLeader() const {
  weft::MutexLock lock(&mu_);
  return leader_ && time_.MonotonicNow() < leader_until_;
}

std::string LeaderElector::Describe() const {
  const bool leader = IsLeader();
  weft::MutexLock lock(&mu_);
  if (leader) return "leader";
  if (!error_.empty()) return absl::StrCat("unknown (", error_, ")");
  return holder_.empty() ? "following (no holder)" : absl::StrCat("following ", holder_);
}

void LeaderElector::Run() {
  WEFT_LOG(kInfo, "leader election: %s campaigning for lease %s/%s (duration %s)",
           options_.identity, options_.ns, options_.name,
           absl::FormatDuration(options_.lease_duration));
  do {
    Step();
  } while (sleeper_.SleepFor(options_.renew_interval));
}

void LeaderElector::Stop() {
  {
    weft::MutexLock lock(&mu_);
    leader_ = false;
  }
  sleeper_.Wake();
  transport_.Cancel();
}

}  // namespace weft::control_plane::kube
