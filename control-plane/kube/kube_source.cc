#include "control-plane/kube/kube_source.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "control-plane/core/model_diff.h"
#include "control-plane/kube/object_decoders.h"

namespace weft::control_plane::kube {

std::vector<WatchedType> MeshWatchedTypes() {
  return {
      {{"Namespace", "v1", "namespaces", false}, DecodeNamespace},
      {{"Node", "v1", "nodes", false}, DecodeNode},
      {{"Service", "v1", "services", false}, DecodeManifestKind},
      {{"Pod", "v1", "pods", false}, DecodePod},
      {{"EndpointSlice", "discovery.k8s.io/v1", "endpointslices", false}, DecodeEndpointSlice},
      {{"TrafficPolicy", "mesh.weft.dev/v1alpha1", "trafficpolicies", true}, DecodeManifestKind,
       /*report_status=*/true},
      {{"PeerAuthentication", "mesh.weft.dev/v1alpha1", "peerauthentications", true},
       DecodeManifestKind, /*report_status=*/true},
      {{"AuthorizationPolicy", "mesh.weft.dev/v1alpha1", "authorizationpolicies", true},
       DecodeManifestKind, /*report_status=*/true},
      {{"HTTPRoute", "gateway.networking.k8s.io/v1", "httproutes", true}, DecodeManifestKind,
       /*report_status=*/true},
      {{"GRPCRoute", "gateway.networking.k8s.io/v1", "grpcroutes", true}, DecodeManifestKind,
       /*report_status=*/true},
  };
}

KubeSource::KubeSource(Options options, TransportFactory transports, event::Dispatcher& dispatcher)
    : options_(std::move(options)),
      transports_(std::move(transports)),
      dispatcher_(dispatcher),
      debouncer_(dispatcher, options_.debounce, [this] { Rebuild(); }) {}

KubeSource::~KubeSource() {
  *alive_ = false;
  for (auto& watch : watches_) watch->reflector->Stop();
  for (auto& watch : watches_) {
    if (watch->thread.joinable()) watch->thread.join();
  }
}

void KubeSource::Start(Callbacks* callbacks) {
  callbacks_ = callbacks;
  uint64_t seed = options_.seed;
  for (const WatchedType& watched : options_.types) {
    auto watch = std::make_unique<Watch>();
    watch->transport = transports_();
    watch->random = std::make_unique<RealRandom>(seed++);
    watch->sleeper = std::make_unique<CondVarSleeper>();
    watch->reflector = std::make_unique<Reflector>(
        watched.type, options_.reflector, *watch->transport, watched.decoder, *watch->sleeper,
        *watch->random, [this] { OnReflectorChange(); });
    watches_.push_back(std::move(watch));
  }
  for (auto& watch : watches_) {
    Reflector* reflector = watch->reflector.get();
    watch->thread = std::thread([reflector] { reflector->Run(); });
  }
}

void KubeSource::OnReflectorChange() {
  if (post_pending_.exchange(true)) return;  // one post in flight is enough
  std::weak_ptr<bool> alive = alive_;
  dispatcher_.Post([this, alive] {
    std::shared_ptr<bool> still = alive.lock();
    if (!still || !*still) return;
    post_pending_ = false;
    debouncer_.Trigger();
  });
}

bool KubeSource::synced() const {
  for (const auto& watch : watches_) {
    if (!watch->reflector->synced()) return false;
  }
  return !watches_.empty();
}

std::vector<std::string> KubeSource::Describe() const {
  std::vector<std::string> lines;
  for (const auto& watch : watches_) {
    const Reflector& r = *watch->reflector;
    const Reflector::Stats s = r.stats();
    lines.push_back(absl::StrCat(
        r.type().plural, ": ", r.missing() ? "not installed" : r.synced() ? "synced" : "syncing",
        ", ", r.store().size(), " objects, resourceVersion ", r.resource_version(), ", lists ",
        s.lists, ", relists after 410 ", s.relists_gone, ", watches ", s.watches, ", events ",
        s.events, " (", s.unchanged_events, " changing nothing), errors ", s.errors,
        r.last_error().empty() ? "" : absl::StrCat(" (last: ", r.last_error(), ")")));
  }
  return lines;
}

namespace {

// A route's ResolvedRefs reason when one of its problems is a backendRef's
// (core/ words them): a missing Service or port, or a kind other than Service.
std::string UnresolvedRefsReason(const std::vector<std::string>& problems) {
  std::string reason;
  for (const std::string& p : problems) {
    if (!absl::StrContains(p, "backendRefs[")) continue;
    if (absl::StrContains(p, "is not supported")) return "InvalidKind";
    if (absl::StrContains(p, "unknown Service") || absl::StrContains(p, "has no port")) {
      reason = "BackendNotFound";
    }
  }
  return reason;
}

}  // namespace

void KubeSource::ReportConditions(const std::vector<ModelAssembler::Input>& inputs,
                                  const ModelAssembler::Result& result) {
  if (!options_.on_conditions) return;
  std::vector<ObjectCondition> conditions;
  for (size_t i = 0; i < inputs.size() && i < options_.types.size(); ++i) {
    if (!options_.types[i].report_status) continue;
    const ResourceType& type = options_.types[i].type;
    for (const auto& [key, object] : inputs[i].store) {  // the stores the model was built from
      ObjectCondition c{type, key, object->generation, true, "", object->parent_refs, ""};
      auto problems = result.object_problems.find({type.kind, key});
      if (problems != result.object_problems.end()) {
        c.accepted = false;
        c.message = absl::StrJoin(problems->second, "; ");
        c.unresolved_refs = UnresolvedRefsReason(problems->second);
      }
      conditions.push_back(std::move(c));
    }
  }
  options_.on_conditions(std::move(conditions));
}

void KubeSource::Rebuild() {
  if (callbacks_ == nullptr || !synced()) return;
  std::vector<ModelAssembler::Input> inputs;
  for (const auto& watch : watches_) {
    inputs.push_back({watch->reflector->type().kind, watch->reflector->store()});
  }
  ModelAssembler::Result result = assembler_.Assemble(inputs);
  ReportConditions(inputs, result);
  std::vector<std::string> lines;
  for (const config::ConfigProblem& p : result.problems) lines.push_back(p.ToString());
  const std::string problems = absl::StrJoin(lines, "\n");
  if (!result.model) {
    if (last_rejected_ && problems == last_problems_) return;  // nothing new to say
    last_rejected_ = true;
    last_problems_ = problems;
    ++rejected_;
    callbacks_->OnRejected(result.problems);
    return;
  }
  for (const std::string& line : lines) {
    result.model->warnings.push_back(
        absl::StrCat("held at its last good version or left out: ", line));
  }
  const std::string version = ModelVersion(*result.model);
  if (current_version_ == version && !last_rejected_ && problems == last_problems_) return;
  last_rejected_ = false;
  last_problems_ = problems;
  current_version_ = version;
  ++accepted_;
  callbacks_->OnModel(*result.model);
}

}  // namespace weft::control_plane::kube
