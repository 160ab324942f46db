#include "control-plane/kube/status_writer.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "proxy/config/config_json.h"

namespace weft::control_plane::kube {
namespace {

using config::JsonQuote;

// "/apis/mesh.weft.dev/v1alpha1/namespaces/default/trafficpolicies/x/status".
std::string StatusPath(const ObjectCondition& c) {
  return absl::StrCat(absl::StrContains(c.type.api_version, '/') ? "/apis/" : "/api/",
                      c.type.api_version, c.key.ns.empty() ? "" : "/namespaces/", c.key.ns,
                      c.key.ns.empty() ? "" : "/", c.type.plural, "/", c.key.name, "/status");
}

std::string Fingerprint(const ObjectCondition& c) {
  return absl::StrCat(c.accepted ? "True" : "False", "|", c.generation, "|", c.message);
}

// Drops the entries of objects no longer reported.
template <typename Map>
void ForgetAllBut(const std::set<std::string>& keep, Map& map) {
  for (auto it = map.begin(); it != map.end();) {
    it = keep.count(it->first) > 0 ? std::next(it) : map.erase(it);
  }
}

}  // namespace

std::string StatusWriter::PatchBody(const ObjectCondition& c) const {
  std::string message = c.message;
  if (message.size() > options_.max_message_bytes) {
    message.resize(options_.max_message_bytes);
    message += " ...";
  }
  if (c.accepted) message = "accepted by the mesh control plane";
  return absl::StrCat(
      R"({"status":{"conditions":[{"type":"Accepted","status":)",
      JsonQuote(c.accepted ? "True" : "False"), R"(,"reason":)",
      JsonQuote(c.accepted ? "Accepted" : "Invalid"), R"(,"message":)", JsonQuote(message),
      R"(,"observedGeneration":)", c.generation, R"(,"lastTransitionTime":)",
      JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time_.SystemNow(), absl::UTCTimeZone())),
      "}]}}");
}

void StatusWriter::Update(std::vector<ObjectCondition> desired) {
  weft::MutexLock lock(&mu_);
  desired_ = std::move(desired);
}

void StatusWriter::WritePass() {
  if (!is_leader_()) {
    written_.clear();
    retry_.clear();
    return;
  }
  std::vector<ObjectCondition> desired;
  {
    weft::MutexLock lock(&mu_);
    desired = desired_;
  }
  std::set<std::string> wanted;
  for (const ObjectCondition& c : desired) wanted.insert(StatusPath(c));
  ForgetAllBut(wanted, written_);
  ForgetAllBut(wanted, retry_);
  const absl::Time now = time_.MonotonicNow();
  size_t budget = options_.max_writes_per_pass;
  for (const ObjectCondition& c : desired) {
    const std::string path = StatusPath(c);
    const std::string fingerprint = Fingerprint(c);
    auto written = written_.find(path);
    if (written != written_.end() && written->second == fingerprint) continue;
    auto retry = retry_.find(path);
    if (retry != retry_.end() && retry->second.at > now) continue;
    if (budget == 0) return;    // the rest next pass
    if (!is_leader_()) return;  // lost the lease meanwhile: not one more write
    --budget;
    absl::StatusOr<ApiTransport::Response> r =
        transport_.Send("PATCH", path, "application/merge-patch+json", PatchBody(c));
    if (r.ok() && r->status == 200) {
      written_[path] = fingerprint;
      retry_.erase(path);
      weft::MutexLock lock(&mu_);
      ++writes_;
      continue;
    }
    const std::string why =
        r.ok() ? absl::StrCat("HTTP ", r->status) : std::string(r.status().message());
    absl::Duration backoff = options_.initial_backoff;
    if (retry != retry_.end()) backoff = std::min(retry->second.backoff * 2, options_.max_backoff);
    retry_[path] = Retry{now + backoff, backoff};
    WEFT_LOG(kWarning, "status: cannot write the Accepted condition of %s %s: %s (retry in %s)",
             c.type.kind, c.key.ToString(), why, absl::FormatDuration(backoff));
  }
}

void StatusWriter::Run() {
  while (sleeper_.SleepFor(options_.pass_interval)) WritePass();
}

void StatusWriter::Stop() {
  sleeper_.Wake();
  transport_.Cancel();
}

}  // namespace weft::control_plane::kube
