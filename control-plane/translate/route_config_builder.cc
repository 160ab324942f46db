#include "control-plane/translate/route_config_builder.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-plane/translate/names.h"
#include "control-plane/translate/route_resilience.h"
#include "control-plane/translate/route_rules.h"
#include "re2/re2.h"

namespace weft::control_plane {
namespace {

using envoy::config::core::v3::HeaderValueOption;
using envoy::config::route::v3::RedirectAction;
using envoy::config::route::v3::Route;
using envoy::config::route::v3::RouteAction;

constexpr char kDefaultRetryOn[] = "connect-failure,refused-stream,unavailable";
constexpr uint32_t kNoBackendStatus = 500;

// What the rule and the called service's policy say about one route.
struct RouteSettings {
  std::optional<absl::Duration> request_timeout;
  std::optional<absl::Duration> per_try_timeout;
  const RetryPolicy* retries = nullptr;
};

RouteSettings SettingsFor(const HttpRouteTimeouts* timeouts, const TrafficPolicy* policy) {
  RouteSettings settings;
  if (policy != nullptr) {
    if (policy->timeouts) settings.request_timeout = policy->timeouts->request;
    if (policy->retries) {
      settings.retries = &*policy->retries;
      settings.per_try_timeout = policy->retries->per_try_timeout;
    }
  }
  if (timeouts != nullptr) {
    if (timeouts->request) settings.request_timeout = timeouts->request;
    if (timeouts->backend_request) settings.per_try_timeout = timeouts->backend_request;
  }
  return settings;
}

void ApplySettings(const RouteSettings& settings, ClientKind kind, RouteAction& action) {
  if (settings.request_timeout) {
    SetProtoDuration(*settings.request_timeout, action.mutable_timeout());
    if (kind == ClientKind::kProxyless && *settings.request_timeout > absl::ZeroDuration()) {
      SetProtoDuration(*settings.request_timeout,
                       action.mutable_max_stream_duration()->mutable_max_stream_duration());
    }
  }
  const int32_t attempts = settings.retries != nullptr ? settings.retries->attempts : 0;
  if (kind == ClientKind::kProxyless && attempts <= 0) return;
  if (settings.retries == nullptr && !settings.per_try_timeout) return;

  auto* retry = action.mutable_retry_policy();
  if (settings.retries != nullptr && !settings.retries->retry_on.empty()) {
    retry->set_retry_on(absl::StrJoin(settings.retries->retry_on, ","));
  } else {
    retry->set_retry_on(kDefaultRetryOn);
  }
  retry->mutable_num_retries()->set_value(static_cast<uint32_t>(attempts));
  if (settings.per_try_timeout) {
    SetProtoDuration(*settings.per_try_timeout, retry->mutable_per_try_timeout());
  }
  if (settings.retries != nullptr) {
    auto* backoff = retry->mutable_retry_back_off();
    SetProtoDuration(settings.retries->backoff_base_interval, backoff->mutable_base_interval());
    SetProtoDuration(settings.retries->backoff_max_interval, backoff->mutable_max_interval());
  }
}

// Sets cluster or weighted_clusters; false when no backend takes traffic.
bool SetBackends(const std::vector<BackendRef>& backends, const std::string& route_ns,
                 RouteAction& action) {
  std::vector<std::pair<std::string, uint64_t>> weights;  // first-appearance order
  for (const BackendRef& backend : backends) {
    if (backend.weight <= 0) continue;
    const std::string name = ClusterName(ResolveRef(backend.ns, backend.name, route_ns),
                                         static_cast<uint32_t>(backend.port));
    auto it = std::find_if(weights.begin(), weights.end(),
                           [&name](const auto& w) { return w.first == name; });
    if (it == weights.end()) {
      weights.emplace_back(name, static_cast<uint64_t>(backend.weight));
    } else {
      it->second += static_cast<uint64_t>(backend.weight);
    }
  }
  if (weights.empty()) return false;
  if (weights.size() == 1) {
    action.set_cluster(weights[0].first);
    return true;
  }
  auto* split = action.mutable_weighted_clusters();
  uint64_t total = 0;
  for (const auto& [name, weight] : weights) {
    auto* cluster = split->add_clusters();
    cluster->set_name(name);
    cluster->mutable_weight()->set_value(static_cast<uint32_t>(weight));
    total += weight;
  }
  // BuildModel caps weights at 1e6, so a realistic number of backends fits.
  split->mutable_total_weight()->set_value(static_cast<uint32_t>(total));
  return true;
}

void AddHeaders(const HeaderModifier& modifier,
                google::protobuf::RepeatedPtrField<HeaderValueOption>* to_add,
                google::protobuf::RepeatedPtrField<std::string>* to_remove) {
  for (const HttpHeader& header : modifier.set) {
    HeaderValueOption* option = to_add->Add();
    option->mutable_header()->set_key(header.name);
    option->mutable_header()->set_value(header.value);
    option->set_append_action(HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD);
  }
  for (const HttpHeader& header : modifier.add) {
    HeaderValueOption* option = to_add->Add();
    option->mutable_header()->set_key(header.name);
    option->mutable_header()->set_value(header.value);
    option->set_append_action(HeaderValueOption::APPEND_IF_EXISTS_OR_ADD);
  }
  for (const std::string& name : modifier.remove) *to_remove->Add() = name;
}

RedirectAction::RedirectResponseCode RedirectCode(int32_t status) {
  switch (status) {
    case 301:
      return RedirectAction::MOVED_PERMANENTLY;
    case 303:
      return RedirectAction::SEE_OTHER;
    case 307:
      return RedirectAction::TEMPORARY_REDIRECT;
    case 308:
      return RedirectAction::PERMANENT_REDIRECT;
    default:
      return RedirectAction::FOUND;
  }
}

void SetRedirect(const RequestRedirect& redirect, RedirectAction& action) {
  if (!redirect.scheme.empty()) action.set_scheme_redirect(redirect.scheme);
  if (!redirect.hostname.empty()) action.set_host_redirect(redirect.hostname);
  if (redirect.port != 0) action.set_port_redirect(static_cast<uint32_t>(redirect.port));
  if (redirect.path) {
    if (redirect.path->type == PathModifier::Type::kReplaceFullPath) {
      action.set_path_redirect(redirect.path->value);
    } else {
      action.set_prefix_rewrite(redirect.path->value);
    }
  }
  action.set_response_code(RedirectCode(redirect.status_code));
}

void SetRewrite(const UrlRewrite& rewrite, const RouteEntry& entry, RouteAction& action) {
  if (!rewrite.hostname.empty()) action.set_host_rewrite_literal(rewrite.hostname);
  if (!rewrite.path) return;
  // A prefix rewrite on an exact path match replaces the whole path; any other
  // full replacement is a regex rewrite of the whole path (the query is kept).
  if (rewrite.path->type == PathModifier::Type::kReplacePrefixMatch || entry.match.has_path()) {
    action.set_prefix_rewrite(rewrite.path->value);
  } else {
    auto* regex = action.mutable_regex_rewrite();
    regex->mutable_pattern()->set_regex("^/.*$");
    regex->set_substitution(rewrite.path->value);
  }
}

// Gateway API PathPrefix matches whole segments. Sidecars get Envoy's
// path_separated_prefix (no trailing "/"); gRPC 1.51 does not know that field,
// so proxyless clients get a plain prefix when it ends with "/" (gRPC paths are
// always "/<service>/<method>") and an equivalent regex otherwise.
void SetSegmentPrefix(ClientKind kind, envoy::config::route::v3::RouteMatch& match) {
  if (!match.has_prefix() || match.prefix() == "/") return;
  std::string prefix = match.prefix();
  if (kind == ClientKind::kProxyless) {
    if (absl::EndsWith(prefix, "/")) return;
    match.mutable_safe_regex()->set_regex(absl::StrCat(RE2::QuoteMeta(prefix), "(/.*)?"));
    return;
  }
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  match.set_path_separated_prefix(prefix);
}

// gRPC 1.51 ignores header changes and rewrites and fails the RPCs a redirect
// or direct response matches; say so rather than pretend.
void StripForProxyless(const RouteEntry& entry, Route& route, std::vector<std::string>* warnings) {
  std::vector<std::string> dropped;
  if (route.request_headers_to_add_size() > 0 || route.request_headers_to_remove_size() > 0 ||
      route.response_headers_to_add_size() > 0 || route.response_headers_to_remove_size() > 0) {
    dropped.push_back("header modifiers");
    route.clear_request_headers_to_add();
    route.clear_request_headers_to_remove();
    route.clear_response_headers_to_add();
    route.clear_response_headers_to_remove();
  }
  if (route.has_route()) {
    RouteAction& action = *route.mutable_route();
    if (action.has_host_rewrite_literal() || !action.prefix_rewrite().empty() ||
        action.has_regex_rewrite()) {
      dropped.push_back("URLRewrite");
      action.clear_host_rewrite_literal();
      action.clear_prefix_rewrite();
      action.clear_regex_rewrite();
    }
  }
  if (warnings == nullptr) return;
  if (!dropped.empty()) {
    warnings->push_back(absl::StrCat(entry.name, ": proxyless gRPC clients do not support ",
                                     absl::StrJoin(dropped, " or "), "; left out for them"));
  }
  if (route.has_redirect() || route.has_direct_response()) {
    warnings->push_back(absl::StrCat(entry.name,
                                     ": proxyless gRPC clients cannot follow a redirect or "
                                     "take a direct response; their RPCs matching it fail "
                                     "with UNAVAILABLE"));
  }
}

Route TranslateEntry(const RouteEntry& entry, const TrafficPolicy* policy, ClientKind kind,
                     std::vector<std::string>* warnings) {
  Route route;
  route.set_name(entry.name);
  *route.mutable_match() = entry.match;
  SetSegmentPrefix(kind, *route.mutable_match());
  const RequestRedirect* redirect = nullptr;
  const UrlRewrite* rewrite = nullptr;
  for (const HttpFilter& filter : *entry.filters) {
    if (filter.request_header_modifier) {
      AddHeaders(*filter.request_header_modifier, route.mutable_request_headers_to_add(),
                 route.mutable_request_headers_to_remove());
    }
    if (filter.response_header_modifier) {
      AddHeaders(*filter.response_header_modifier, route.mutable_response_headers_to_add(),
                 route.mutable_response_headers_to_remove());
    }
    if (filter.request_redirect) redirect = &*filter.request_redirect;
    if (filter.url_rewrite) rewrite = &*filter.url_rewrite;
  }
  if (redirect != nullptr) {
    SetRedirect(*redirect, *route.mutable_redirect());
  } else {
    RouteAction action;
    if (!SetBackends(*entry.backend_refs, entry.route_ns, action)) {
      route.mutable_direct_response()->set_status(kNoBackendStatus);
    } else {
      if (rewrite != nullptr) SetRewrite(*rewrite, entry, action);
      ApplySettings(SettingsFor(entry.timeouts, policy), kind, action);
      *route.mutable_route() = std::move(action);
    }
  }
  if (policy != nullptr) ApplyRouteResilience(*policy, kind, entry.name, route, warnings);
  if (kind == ClientKind::kProxyless) StripForProxyless(entry, route, warnings);
  return route;
}

}  // namespace

envoy::config::route::v3::RouteConfiguration BuildRouteConfiguration(
    const Model& model, const Service& service, const ServicePort& port, ClientKind kind,
    std::vector<std::string>* warnings) {
  const ObjectKey key = service.meta.key();
  const uint32_t port_number = static_cast<uint32_t>(port.port);
  const std::string cluster = ClusterName(key, port_number);
  const TrafficPolicy* policy = model.PolicyFor(key);

  envoy::config::route::v3::RouteConfiguration config;
  config.set_name(cluster);
  auto* host = config.add_virtual_hosts();
  host->set_name(absl::StrCat(ServiceFqdn(key), ":", port_number));
  for (std::string& domain : ServiceDomains(key, service.vip, port_number)) {
    host->add_domains(std::move(domain));
  }
  bool catch_all = false;
  for (const RouteEntry& entry : CollectRouteEntries(model, service, port)) {
    *host->add_routes() = TranslateEntry(entry, policy, kind, warnings);
    catch_all = catch_all || entry.matches_everything;
  }
  if (!catch_all) {
    Route* route = host->add_routes();
    route->set_name("default");
    route->mutable_match()->set_prefix("/");
    RouteAction* action = route->mutable_route();
    action->set_cluster(cluster);
    ApplySettings(SettingsFor(nullptr, policy), kind, *action);
    // The policy's rate limit, faults and hash key apply here as on any route.
    if (policy != nullptr) ApplyRouteResilience(*policy, kind, "default", *route, warnings);
  }
  return config;
}

std::set<std::string> ReferencedClusters(
    const envoy::config::route::v3::RouteConfiguration& config) {
  std::set<std::string> clusters;
  for (const auto& host : config.virtual_hosts()) {
    for (const Route& route : host.routes()) {
      if (!route.has_route()) continue;
      if (!route.route().cluster().empty()) clusters.insert(route.route().cluster());
      for (const auto& weighted : route.route().weighted_clusters().clusters()) {
        clusters.insert(weighted.name());
      }
    }
  }
  return clusters;
}

}  // namespace weft::control_plane
