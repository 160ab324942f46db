#include "control-plane/kube/status_writer.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/json/json_value.h"
#include "common/log/log.h"
#include "proxy/config/config_json.h"

namespace weft::control_plane::kube {
namespace {

using config::JsonQuote;

// "/apis/mesh.weft.dev/v1alpha1/namespaces/default/trafficpolicies/x".
std::string ObjectPath(const ObjectCondition& c) {
  return absl::StrCat(absl::StrContains(c.type.api_version, '/') ? "/apis/" : "/api/",
                      c.type.api_version, c.key.ns.empty() ? "" : "/namespaces/", c.key.ns,
                      c.key.ns.empty() ? "" : "/", c.type.plural, "/", c.key.name);
}

std::string StatusPath(const ObjectCondition& c) { return ObjectPath(c) + "/status"; }

std::string Fingerprint(const ObjectCondition& c) {
  return absl::StrCat(c.accepted ? "True" : "False", "|", c.generation, "|", c.message, "|",
                      absl::StrJoin(c.parent_refs, ","), "|", c.unresolved_refs);
}

// Drops the entries of objects no longer reported.
template <typename Map>
void ForgetAllBut(const std::set<std::string>& keep, Map& map) {
  for (auto it = map.begin(); it != map.end();) {
    it = keep.count(it->first) > 0 ? std::next(it) : map.erase(it);
  }
}

}  // namespace

bool ReportsRouteParents(const ResourceType& type) {
  return absl::StartsWith(type.api_version, "gateway.networking.k8s.io/") &&
         (type.kind == "HTTPRoute" || type.kind == "GRPCRoute");
}

std::string StatusWriter::ConditionJson(const std::string& type, bool status,
                                        const std::string& reason, const std::string& message,
                                        int64_t generation) const {
  std::string text = message;
  if (text.size() > options_.max_message_bytes) {
    text.resize(options_.max_message_bytes);
    text += " ...";
  }
  return absl::StrCat(
      R"({"type":)", JsonQuote(type), R"(,"status":)", JsonQuote(status ? "True" : "False"),
      R"(,"reason":)", JsonQuote(reason), R"(,"message":)", JsonQuote(text),
      R"(,"observedGeneration":)", generation, R"(,"lastTransitionTime":)",
      JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time_.SystemNow(), absl::UTCTimeZone())),
      "}");
}

std::string StatusWriter::AcceptedJson(const ObjectCondition& c,
                                       const std::string& invalid_reason) const {
  return ConditionJson("Accepted", c.accepted, c.accepted ? "Accepted" : invalid_reason,
                       c.accepted ? "accepted by the mesh control plane" : c.message,
                       c.generation);
}

std::string StatusWriter::PatchBody(const ObjectCondition& c) const {
  return absl::StrCat(R"({"status":{"conditions":[)", AcceptedJson(c, "Invalid"), "]}}");
}

absl::StatusOr<std::string> StatusWriter::RouteParentsPatch(const ObjectCondition& c) const {
  absl::StatusOr<ApiTransport::Response> current = transport_.Get(ObjectPath(c));
  if (!current.ok()) return current.status();
  if (current->status != 200) {
    return absl::UnavailableError(absl::StrCat("reading the route: HTTP ", current->status));
  }
  absl::StatusOr<json::Json> route = json::Json::Parse(current->body);
  if (!route.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("reading the route: ", route.status().message()));
  }
  std::vector<std::string> parents;
  for (const json::Json& entry : (*route)["status"]["parents"].items()) {
    if (entry.Text("controllerName") != kRouteControllerName) {
      parents.push_back(entry.DumpCompact());  // another controller's: kept as it is
    }
  }
  std::vector<std::string> conditions = {AcceptedJson(c, "UnsupportedValue")};
  if (c.accepted || !c.unresolved_refs.empty()) {
    conditions.push_back(ConditionJson(
        "ResolvedRefs", c.accepted, c.accepted ? "ResolvedRefs" : c.unresolved_refs,
        c.accepted ? "every backendRef resolved" : c.message, c.generation));
  }
  for (const std::string& ref : c.parent_refs) {
    parents.push_back(absl::StrCat(R"({"parentRef":)", ref, R"(,"controllerName":)",
                                   JsonQuote(kRouteControllerName), R"(,"conditions":[)",
                                   absl::StrJoin(conditions, ","), "]}"));
  }
  return absl::StrCat(R"({"metadata":{"resourceVersion":)",
                      JsonQuote((*route)["metadata"].Text("resourceVersion")),
                      R"(},"status":{"parents":[)", absl::StrJoin(parents, ","), "]}}");
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
    absl::StatusOr<std::string> body =
        ReportsRouteParents(c.type) ? RouteParentsPatch(c) : PatchBody(c);
    absl::StatusOr<ApiTransport::Response> r =
        body.ok() ? transport_.Send("PATCH", path, "application/merge-patch+json", *body)
                  : absl::StatusOr<ApiTransport::Response>(body.status());
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
    WEFT_LOG(kWarning, "status: cannot write the status of %s %s: %s (retry in %s)",
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
