#ifndef WEFT_PROXY_LISTENER_FILTER_CHAIN_TABLE_H_
#define WEFT_PROXY_LISTENER_FILTER_CHAIN_TABLE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxy/config/model.h"
#include "proxy/http/router.h"
#include "proxy/network/address.h"
#include "proxy/network/cidr.h"

namespace weft::listener {

// The filter chains of one listener, ready for matching: which protocol, routes
// and cluster handle a connection, by its destination. Matching follows Envoy's
// order: chains naming the destination port are tried first, then chains for any
// port; among those, the longest matching address prefix wins (a chain without
// prefixes matches any address, below every prefix). No match: the listener's own
// settings (the default chain).
// Immutable once built, so it can be shared; a config update builds a new one.
class FilterChainTable {
 public:
  struct Chain {
    std::string name;
    config::Protocol protocol = config::Protocol::kAuto;
    std::shared_ptr<const http::RouteTable> routes;  // null: no HTTP routing
    std::string cluster;  // TCP, and HTTP that no route matches
    // Checked before routing each HTTP request; null when nothing is enforced.
    std::shared_ptr<const config::Authorization> authz;
    // mTLS (config/tls_model.h): terminate it with these settings, or refuse
    // the (plaintext) connection.
    std::optional<config::DownstreamTls> tls;
    bool refuse_plaintext = false;
  };

  FilterChainTable(const config::Listener& listener, const config::ProxyConfig& config);

  // `tls`: the connection starts with a TLS ClientHello. Chains for the other
  // transport are skipped; among equally specific chains, one naming the
  // connection's transport beats one for any transport.
  const Chain& Match(const network::Address& destination, bool tls = false) const;
  const Chain& default_chain() const { return default_; }
  // Some chain terminates mTLS, so every connection must be looked at first.
  bool has_tls() const { return has_tls_; }

 private:
  struct Entry {
    std::vector<network::Cidr> prefixes;
    uint16_t port = 0;
    config::TransportMatch transport = config::TransportMatch::kAny;
    Chain chain;
  };
  // The best entry with exactly this port for the transport; null if none.
  const Entry* Best(const network::Address& destination, uint16_t port, bool tls) const;

  std::vector<Entry> entries_;
  Chain default_;
  bool has_tls_ = false;
};

}  // namespace weft::listener

#endif  // WEFT_PROXY_LISTENER_FILTER_CHAIN_TABLE_H_
