#include "proxy/listener/filter_chain_table.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace weft::listener {
namespace {

std::shared_ptr<const config::Authorization> AuthzOf(const config::Authorization& authz) {
  return authz.empty() ? nullptr : std::make_shared<const config::Authorization>(authz);
}

std::shared_ptr<const http::RouteTable> RoutesNamed(const std::string& name,
                                                    const config::ProxyConfig& config) {
  if (name.empty()) return nullptr;
  const config::RouteConfig* rc = config.FindRouteConfig(name);
  return rc == nullptr ? nullptr : std::make_shared<const http::RouteTable>(*rc);
}

}  // namespace

FilterChainTable::FilterChainTable(const config::Listener& listener,
                                   const config::ProxyConfig& config) {
  default_.name = "default";
  default_.protocol = listener.protocol;
  default_.routes = RoutesNamed(listener.route_config, config);
  default_.cluster = listener.default_cluster;
  default_.authz = AuthzOf(listener.authz);
  for (const config::FilterChain& fc : listener.filter_chains) {
    Entry e;
    e.port = fc.destination_port;
    for (const config::CidrRange& range : fc.destination_prefixes) {
      absl::StatusOr<network::Cidr> cidr =
          network::Cidr::Parse(absl::StrCat(range.address, "/", range.prefix_length));
      if (!cidr.ok()) {
        // Validation rejects these first; never match rather than match everything.
        WEFT_LOG(kError, "listener %s chain %s: %s", listener.name, fc.name,
                 cidr.status().ToString());
        continue;
      }
      e.prefixes.push_back(*cidr);
    }
    if (!fc.destination_prefixes.empty() && e.prefixes.empty()) continue;
    e.chain.name = fc.name;
    e.chain.protocol = fc.protocol;
    e.chain.routes = RoutesNamed(fc.route_config, config);
    e.chain.cluster = fc.cluster.empty() ? listener.default_cluster : fc.cluster;
    e.chain.authz = AuthzOf(fc.authz);
    e.chain.tls = fc.tls;
    e.chain.refuse_plaintext = fc.refuse_plaintext;
    e.transport = fc.transport;
    if (fc.tls.has_value()) has_tls_ = true;
    entries_.push_back(std::move(e));
  }
}

const FilterChainTable::Entry* FilterChainTable::Best(const network::Address& destination,
                                                      uint16_t port, bool tls) const {
  const config::TransportMatch mine =
      tls ? config::TransportMatch::kTls : config::TransportMatch::kPlaintext;
  const Entry* best = nullptr;
  // The longest prefix wins (no prefix: -1); at equal length, a chain naming
  // the connection's transport beats one for any transport.
  int best_length = -2;
  bool best_exact = false;
  auto consider = [&](const Entry& e, int length) {
    const bool exact = e.transport == mine;
    if (length > best_length || (length == best_length && exact && !best_exact)) {
      best = &e;
      best_length = length;
      best_exact = exact;
    }
  };
  for (const Entry& e : entries_) {
    if (e.port != port) continue;
    if (e.transport != config::TransportMatch::kAny && e.transport != mine) continue;
    if (e.prefixes.empty()) {
      consider(e, -1);
      continue;
    }
    for (const network::Cidr& p : e.prefixes) {
      if (p.Contains(destination)) consider(e, p.prefix_length());
    }
  }
  return best;
}

const FilterChainTable::Chain& FilterChainTable::Match(const network::Address& destination,
                                                       bool tls) const {
  if (entries_.empty()) return default_;
  const uint16_t port = destination.port();
  const Entry* e = port != 0 ? Best(destination, port, tls) : nullptr;
  if (e == nullptr) e = Best(destination, 0, tls);
  return e == nullptr ? default_ : e->chain;
}

}  // namespace weft::listener
