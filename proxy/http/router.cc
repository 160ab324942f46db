#include "proxy/http/router.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace weft::http {

RouteTable::RouteTable(const config::RouteConfig& config) : config_(config) {
  hosts_.reserve(config_.virtual_hosts.size());  // Host pointers below stay valid
  for (const config::VirtualHost& vh : config_.virtual_hosts) {
    Host& host = hosts_.emplace_back(Host{&vh, {}});
    host.matchers.reserve(vh.routes.size());
    for (const config::Route& route : vh.routes) host.matchers.emplace_back(route.match);
    for (const std::string& domain : vh.domains) {
      const std::string d = absl::AsciiStrToLower(domain);
      if (d == "*") {
        if (any_ == nullptr) any_ = &host;
      } else if (absl::StartsWith(d, "*.")) {
        suffixes_.emplace_back(d.substr(1), &host);
      } else {
        exact_.emplace(d, &host);
      }
    }
  }
  std::stable_sort(suffixes_.begin(), suffixes_.end(), [](const auto& a, const auto& b) {
    return a.first.size() > b.first.size();
  });
}

const RouteTable::Host* RouteTable::FindHost(absl::string_view host) const {
  // Only a "*" virtual host (typical of inbound listeners): nothing to look up.
  if (exact_.empty() && suffixes_.empty()) return any_;
  char lowered[256];
  if (host.size() <= sizeof(lowered)) {
    for (size_t i = 0; i < host.size(); ++i) lowered[i] = absl::ascii_tolower(host[i]);
    host = absl::string_view(lowered, host.size());
  } else {
    host = host.substr(0, 0);  // absurdly long hosts only match "*"
  }
  if (!host.empty()) {
    auto it = exact_.find(host);
    if (it != exact_.end()) return it->second;
    // "svc:8080" also matches a domain listed without the port.
    size_t colon = host.rfind(':');
    if (colon != absl::string_view::npos && host.find(']', colon) == absl::string_view::npos) {
      absl::string_view bare = host.substr(0, colon);
      it = exact_.find(bare);
      if (it != exact_.end()) return it->second;
      host = bare;
    }
    for (const auto& [suffix, vh] : suffixes_) {
      if (host.size() > suffix.size() && absl::EndsWith(host, suffix)) return vh;
    }
  }
  return any_;
}

const config::Route* RouteTable::MatchIn(const Host& host, const RequestView& request) const {
  for (size_t i = 0; i < host.matchers.size(); ++i) {
    if (host.matchers[i].Matches(request)) return &host.vhost->routes[i];
  }
  return nullptr;
}

const config::Route* RouteTable::Match(const RequestHeaders& request) const {
  const Host* host = FindHost(request.authority);
  if (host == nullptr) return nullptr;
  return MatchIn(*host, RequestView::Of(request));
}

const config::Route* RouteTable::Match(absl::string_view host, absl::string_view path) const {
  const Host* found = FindHost(host);
  if (found == nullptr) return nullptr;
  RequestView request;
  request.authority = host;
  request.path = path;
  return MatchIn(*found, request);
}

const std::string& PickWeightedCluster(const std::vector<config::WeightedCluster>& clusters,
                                       RandomGenerator& random) {
  uint64_t total = 0;
  for (const config::WeightedCluster& c : clusters) total += c.weight;
  uint64_t r = random.Uniform(total == 0 ? 1 : total);
  for (const config::WeightedCluster& c : clusters) {
    if (r < c.weight) return c.name;
    r -= c.weight;
  }
  return clusters.back().name;
}

}  // namespace weft::http
