#include "proxy/xds/xds_translator.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.pb.h"
#include "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.pb.h"
#include "proxy/config/validate.h"
#include "proxy/xds/xds_translator_resilience.h"
#include "proxy/xds/xds_translator_rbac.h"
#include "proxy/xds/xds_translator_tls.h"

namespace weft::xds {
namespace {

namespace listener_v3 = envoy::config::listener::v3;
namespace route_v3 = envoy::config::route::v3;
namespace cluster_v3 = envoy::config::cluster::v3;
namespace endpoint_v3 = envoy::config::endpoint::v3;
using HttpConnectionManager =
    envoy::extensions::filters::network::http_connection_manager::v3::HttpConnectionManager;
using TcpProxy = envoy::extensions::filters::network::tcp_proxy::v3::TcpProxy;

constexpr char kHcmType[] =
    "type.googleapis.com/"
    "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
constexpr char kTcpProxyType[] =
    "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
constexpr char kHttpInspector[] = "envoy.filters.listener.http_inspector";

absl::Duration FromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

class Translator {
 public:
  Translator(const XdsResources& resources, config::ProxyConfig& out)
      : resources_(resources), out_(out) {}

  void Run() {
    for (const auto& [name, cluster] : resources_.clusters) TranslateCluster(name, cluster);
    for (const auto& [name, listener] : resources_.listeners) TranslateListener(name, listener);
    for (const auto& [name, rc] : resources_.routes) TranslateRouteConfig(name, rc);
    out_.trust_bundle_pem = TrustBundleFromSecrets(resources_.secrets, Sink());
    // Route configurations that listeners name but the server has not sent yet.
    for (const std::string& name : ReferencedRouteConfigs(resources_)) {
      if (resources_.routes.count(name) == 0 && out_.FindRouteConfig(name) == nullptr) {
        config::RouteConfig empty;
        empty.name = name;
        out_.route_configs.push_back(empty);
      }
    }
  }

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  ProblemSink Sink() {
    return [this](const std::string& where, const std::string& message) {
      Problem(where, message);
    };
  }

  void Problem(const std::string& where, const std::string& message) {
    problems_.push_back(absl::StrCat(where, ": ", message));
  }

  bool ReadSocketAddress(const envoy::config::core::v3::Address& address, const std::string& where,
                         std::string* ip, uint16_t* port) {
    if (!address.has_socket_address()) {
      Problem(where, "only socket addresses are supported");
      return false;
    }
    const auto& sa = address.socket_address();
    if (sa.port_value() == 0 || sa.port_value() > 65535) {
      Problem(where, absl::StrCat("port_value ", sa.port_value(), " is not a port"));
      return false;
    }
    *ip = sa.address();
    *port = static_cast<uint16_t>(sa.port_value());
    return true;
  }

  // The protocol, route config and cluster of one filter chain's filters.
  bool ReadFilters(const google::protobuf::RepeatedPtrField<listener_v3::Filter>& filters,
                   bool sniff_http, const std::string& where, config::Protocol* protocol,
                   std::string* route_config, std::string* cluster) {
    if (filters.size() != 1) {
      Problem(where, absl::StrCat("expected exactly one network filter, got ", filters.size()));
      return false;
    }
    const listener_v3::Filter& f = filters[0];
    const std::string fwhere = absl::StrCat(where, ".filters[0]");
    if (f.typed_config().type_url() == kHcmType) {
      HttpConnectionManager hcm;
      if (!f.typed_config().UnpackTo(&hcm)) {
        Problem(fwhere, "typed_config does not parse as HttpConnectionManager");
        return false;
      }
      *protocol = sniff_http ? config::Protocol::kAuto : config::Protocol::kHttp;
      if (hcm.has_rds()) {
        *route_config = hcm.rds().route_config_name();
      } else if (hcm.has_route_config()) {
        *route_config = absl::StrCat("inline:", where);
        TranslateRouteConfig(*route_config, hcm.route_config());
      } else {
        Problem(fwhere, "HttpConnectionManager needs rds or route_config");
        return false;
      }
      return true;
    }
    if (f.typed_config().type_url() == kTcpProxyType) {
      TcpProxy tcp;
      if (!f.typed_config().UnpackTo(&tcp)) {
        Problem(fwhere, "typed_config does not parse as TcpProxy");
        return false;
      }
      if (tcp.cluster().empty()) {
        Problem(fwhere, "TcpProxy needs a cluster (weighted_clusters is not supported)");
        return false;
      }
      *protocol = config::Protocol::kTcp;
      *cluster = tcp.cluster();
      return true;
    }
    Problem(fwhere, absl::StrCat("unsupported filter '", f.name(), "' (", f.typed_config().type_url(),
                                 ")"));
    return false;
  }

  void TranslateListener(const std::string& name, const listener_v3::Listener& l) {
    const std::string where = absl::StrCat("Listener ", name);
    if (l.has_api_listener()) return;  // for proxyless gRPC clients, not for us
    config::Listener out;
    out.name = name;
    if (!ReadSocketAddress(l.address(), absl::StrCat(where, ": address"), &out.address,
                           &out.port)) {
      return;
    }
    out.original_dst = l.use_original_dst().value();
    bool sniff_http = false;
    for (const auto& lf : l.listener_filters()) {
      if (lf.name() == kHttpInspector) sniff_http = true;
    }
    out.protocol = sniff_http ? config::Protocol::kAuto : config::Protocol::kTcp;
    if (l.per_connection_buffer_limit_bytes().value() != 0) {
      out.buffer_limit_bytes = l.per_connection_buffer_limit_bytes().value();
    }
    for (int i = 0; i < l.filter_chains_size(); ++i) {
      const listener_v3::FilterChain& fc = l.filter_chains(i);
      const std::string cwhere = absl::StrCat(where, ": filter_chains[", i, "]");
      config::FilterChain chain;
      chain.name = fc.name().empty() ? absl::StrCat("chain-", i) : fc.name();
      const auto& m = fc.filter_chain_match();
      if (!m.server_names().empty() || !m.application_protocols().empty() ||
          !m.source_prefix_ranges().empty() || !m.source_ports().empty()) {
        Problem(cwhere,
                "filter_chain_match: only prefix_ranges, destination_port and "
                "transport_protocol are supported");
        continue;
      }
      if (!ReadTransportProtocol(m.transport_protocol(), cwhere, Sink(), chain.transport)) {
        continue;
      }
      if (m.has_destination_port()) {
        if (m.destination_port().value() > 65535) {
          Problem(cwhere, "filter_chain_match.destination_port is not a port");
          continue;
        }
        chain.destination_port = static_cast<uint16_t>(m.destination_port().value());
      }
      for (const auto& r : m.prefix_ranges()) {
        config::CidrRange range;
        range.address = r.address_prefix();
        range.prefix_length =
            r.has_prefix_len() ? r.prefix_len().value()
                               : (r.address_prefix().find(':') == std::string::npos ? 32 : 128);
        chain.destination_prefixes.push_back(range);
      }
      if (fc.has_transport_socket()) {
        if (chain.transport != config::TransportMatch::kTls) {
          Problem(cwhere, "a chain with a TLS transport_socket must match transport_protocol "
                          "\"tls\"");
          continue;
        }
        config::DownstreamTls tls;
        if (!ReadDownstreamTls(fc.transport_socket(), cwhere, Sink(), tls)) continue;
        chain.tls = tls;
      }
      if (fc.filters().empty() && chain.transport == config::TransportMatch::kPlaintext) {
        // No filters for plaintext: the port is STRICT, plaintext is refused.
        chain.refuse_plaintext = true;
        out.filter_chains.push_back(chain);
        continue;
      }
      if (!ReadFilters(fc.filters(), sniff_http, cwhere, &chain.protocol, &chain.route_config,
                       &chain.cluster)) {
        continue;
      }
      if (!ReadChainAuthz(fc.filters(), cwhere, Sink(), chain.authz)) continue;
      out.filter_chains.push_back(chain);
    }
    if (l.has_default_filter_chain()) {
      ReadFilters(l.default_filter_chain().filters(), sniff_http,
                  absl::StrCat(where, ": default_filter_chain"), &out.protocol, &out.route_config,
                  &out.default_cluster);
      ReadChainAuthz(l.default_filter_chain().filters(),
                     absl::StrCat(where, ": default_filter_chain"), Sink(), out.authz);
    }
    out_.listeners.push_back(std::move(out));
  }

  void TranslateRouteConfig(const std::string& name, const route_v3::RouteConfiguration& rc) {
    const std::string where = absl::StrCat("RouteConfiguration ", name);
    config::RouteConfig out;
    out.name = name;
    for (int v = 0; v < rc.virtual_hosts_size(); ++v) {
      const route_v3::VirtualHost& vh = rc.virtual_hosts(v);
      config::VirtualHost ovh;
      ovh.name = vh.name();
      ovh.domains.assign(vh.domains().begin(), vh.domains().end());
      if (!vh.request_headers_to_add().empty() || !vh.request_headers_to_remove().empty() ||
          !vh.response_headers_to_add().empty() || !vh.response_headers_to_remove().empty()) {
        Problem(absl::StrCat(where, ": virtual_hosts[", v, "]"),
                "virtual-host-level header changes are not supported (set them per route)");
      }
      if (!vh.typed_per_filter_config().empty()) {
        Problem(absl::StrCat(where, ": virtual_hosts[", v, "]"),
                "virtual-host-level typed_per_filter_config is not supported (set it per "
                "route)");
      }
      for (int r = 0; r < vh.routes_size(); ++r) {
        config::Route oroute;
        if (TranslateRoute(absl::StrCat(where, ": virtual_hosts[", v, "].routes[", r, "]"),
                           vh.routes(r), vh, oroute)) {
          ovh.routes.push_back(std::move(oroute));
        }
      }
      out.virtual_hosts.push_back(std::move(ovh));
    }
    out_.route_configs.push_back(std::move(out));
  }

  // Reads a string matcher of a header or query parameter condition.
  template <typename T>
  bool ReadStringMatch(const envoy::type::matcher::v3::StringMatcher& m, const std::string& where,
                       T& out) {
    using StringMatcher = envoy::type::matcher::v3::StringMatcher;
    if (m.ignore_case()) {
      Problem(where, "string_match.ignore_case is not supported");
      return false;
    }
    switch (m.match_pattern_case()) {
      case StringMatcher::kExact:
        out.type = config::ValueMatchType::kExact;
        out.value = m.exact();
        return true;
      case StringMatcher::kSafeRegex:
        out.type = config::ValueMatchType::kRegex;
        out.value = m.safe_regex().regex();
        return true;
      default:
        Problem(where, "string_match: only exact and safe_regex are supported (not prefix, "
                       "suffix, contains)");
        return false;
    }
  }

  bool ReadMatch(const route_v3::RouteMatch& m, const std::string& where,
                 config::RouteMatch& out) {
    bool ok = true;
    switch (m.path_specifier_case()) {
      case route_v3::RouteMatch::kPrefix:
        // Envoy's prefix is a plain string prefix, except that one ending in "/"
        // (or empty) is the same as a whole-segment prefix.
        out.path_prefix = m.prefix().empty() ? "/" : m.prefix();
        out.path_type = out.path_prefix.back() == '/' ? config::PathMatchType::kPrefix
                                                      : config::PathMatchType::kStringPrefix;
        break;
      case route_v3::RouteMatch::kPathSeparatedPrefix:
        out.path_type = config::PathMatchType::kPrefix;
        out.path_prefix = m.path_separated_prefix();
        break;
      case route_v3::RouteMatch::kPath:
        out.path_type = config::PathMatchType::kExact;
        out.path = m.path();
        break;
      case route_v3::RouteMatch::kSafeRegex:
        out.path_type = config::PathMatchType::kRegex;
        out.path = m.safe_regex().regex();
        break;
      default:
        Problem(where, "match: needs prefix, path_separated_prefix, path or safe_regex");
        ok = false;
    }
    if (m.has_case_sensitive() && !m.case_sensitive().value()) {
      Problem(where, "match.case_sensitive false is not supported");
      ok = false;
    }
    if (m.has_runtime_fraction() || m.has_grpc() || m.has_tls_context()) {
      Problem(where, "match: runtime_fraction, grpc and tls_context are not supported");
      ok = false;
    }
    for (int h = 0; h < m.headers_size(); ++h) {
      const route_v3::HeaderMatcher& hm = m.headers(h);
      const std::string hwhere = absl::StrCat(where, ": match.headers[", h, "]");
      if (hm.invert_match()) {
        Problem(hwhere, "invert_match is not supported");
        ok = false;
        continue;
      }
      config::HeaderMatch header;
      header.name = hm.name();
      switch (hm.header_match_specifier_case()) {
        case route_v3::HeaderMatcher::kStringMatch:
          if (!ReadStringMatch(hm.string_match(), hwhere, header)) {
            ok = false;
            continue;
          }
          break;
        case route_v3::HeaderMatcher::kPresentMatch:
          if (!hm.present_match()) {
            Problem(hwhere, "present_match false is not supported");
            ok = false;
            continue;
          }
          header.type = config::ValueMatchType::kPresent;
          break;
        case route_v3::HeaderMatcher::HEADER_MATCH_SPECIFIER_NOT_SET:
          header.type = config::ValueMatchType::kPresent;  // Envoy: presence
          break;
        default:
          Problem(hwhere, "only string_match (exact, safe_regex) and present_match are supported "
                          "(the deprecated exact_match etc. are not)");
          ok = false;
          continue;
      }
      // ":method" exact is the model's method condition.
      if (header.name == ":method" && header.type == config::ValueMatchType::kExact &&
          out.method.empty()) {
        out.method = header.value;
      } else {
        out.headers.push_back(std::move(header));
      }
    }
    for (int q = 0; q < m.query_parameters_size(); ++q) {
      const route_v3::QueryParameterMatcher& qm = m.query_parameters(q);
      const std::string qwhere = absl::StrCat(where, ": match.query_parameters[", q, "]");
      config::QueryParamMatch param;
      param.name = qm.name();
      if (qm.has_string_match()) {
        if (!ReadStringMatch(qm.string_match(), qwhere, param)) ok = false;
      } else {
        param.type = config::ValueMatchType::kPresent;  // present_match or nothing
      }
      out.query_params.push_back(std::move(param));
    }
    return ok;
  }

  bool ReadHeaderMutation(
      const google::protobuf::RepeatedPtrField<envoy::config::core::v3::HeaderValueOption>& add,
      const google::protobuf::RepeatedPtrField<std::string>& remove, const std::string& where,
      config::HeaderMutation& out) {
    using HeaderValueOption = envoy::config::core::v3::HeaderValueOption;
    out.remove.assign(remove.begin(), remove.end());
    bool ok = true;
    for (int i = 0; i < add.size(); ++i) {
      const HeaderValueOption& option = add[i];
      config::HeaderToAdd header;
      header.name = option.header().key();
      header.value = option.header().value();
      if (option.has_append()) {
        // The deprecated flag wins when set, as in Envoy.
        header.action = option.append().value() ? config::HeaderToAdd::Action::kAppend
                                                : config::HeaderToAdd::Action::kOverwrite;
      } else {
        switch (option.append_action()) {
          case HeaderValueOption::APPEND_IF_EXISTS_OR_ADD:
            header.action = config::HeaderToAdd::Action::kAppend;
            break;
          case HeaderValueOption::ADD_IF_ABSENT:
            header.action = config::HeaderToAdd::Action::kAddIfAbsent;
            break;
          case HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD:
            header.action = config::HeaderToAdd::Action::kOverwrite;
            break;
          default:
            Problem(absl::StrCat(where, "[", i, "]"), "unknown append_action");
            ok = false;
            continue;
        }
      }
      out.add.push_back(std::move(header));
    }
    return ok;
  }

  bool ReadRedirect(const route_v3::RedirectAction& d, const std::string& where,
                    config::RedirectAction& out) {
    bool ok = true;
    out.host = d.host_redirect();
    if (d.https_redirect()) out.scheme = "https";
    if (!d.scheme_redirect().empty()) out.scheme = d.scheme_redirect();
    if (d.port_redirect() > 65535) {
      Problem(where, absl::StrCat("redirect.port_redirect ", d.port_redirect(), " is not a port"));
      ok = false;
    } else {
      out.port = static_cast<uint16_t>(d.port_redirect());
    }
    out.path = d.path_redirect();
    out.prefix_rewrite = d.prefix_rewrite();
    out.strip_query = d.strip_query();
    switch (d.response_code()) {
      case route_v3::RedirectAction::MOVED_PERMANENTLY: out.status = 301; break;
      case route_v3::RedirectAction::FOUND: out.status = 302; break;
      case route_v3::RedirectAction::SEE_OTHER: out.status = 303; break;
      case route_v3::RedirectAction::TEMPORARY_REDIRECT: out.status = 307; break;
      case route_v3::RedirectAction::PERMANENT_REDIRECT: out.status = 308; break;
      default:
        Problem(where, "redirect.response_code is not a known redirect code");
        ok = false;
    }
    return ok;
  }

  // The forwarding part of a route.
  bool ReadRouteAction(const route_v3::RouteAction& a, const std::string& where,
                       config::Route& out) {
    bool ok = true;
    if (a.cluster_specifier_case() == route_v3::RouteAction::kCluster) {
      out.cluster = a.cluster();
    } else if (a.cluster_specifier_case() == route_v3::RouteAction::kWeightedClusters) {
      for (const auto& cw : a.weighted_clusters().clusters()) {
        out.weighted_clusters.push_back({cw.name(), cw.weight().value()});
      }
    } else {
      Problem(where, "route needs cluster or weighted_clusters (cluster_header is not supported)");
      ok = false;
    }
    out.timeout = a.has_timeout() ? FromProto(a.timeout()) : absl::Seconds(15);
    if (a.retry_policy().has_per_try_timeout()) {
      out.per_try_timeout = FromProto(a.retry_policy().per_try_timeout());
    }
    if (a.host_rewrite_specifier_case() == route_v3::RouteAction::kHostRewriteLiteral) {
      out.host_rewrite = a.host_rewrite_literal();
    } else if (a.host_rewrite_specifier_case() !=
               route_v3::RouteAction::HOST_REWRITE_SPECIFIER_NOT_SET) {
      Problem(where, "only host_rewrite_literal is supported (not auto_host_rewrite or "
                     "host_rewrite_header)");
      ok = false;
    }
    out.prefix_rewrite = a.prefix_rewrite();
    if (a.has_regex_rewrite()) {
      // Only the whole-path form, which is how a full path rewrite is spelled in
      // xDS (the control plane's Gateway ReplaceFullPath).
      const std::string& pattern = a.regex_rewrite().pattern().regex();
      const std::string& substitution = a.regex_rewrite().substitution();
      if ((pattern == "^/.*$" || pattern == "^.*$") &&
          substitution.find('\\') == std::string::npos && !substitution.empty()) {
        out.path_rewrite = substitution;
      } else {
        Problem(where, "regex_rewrite: only a whole-path replacement (pattern \"^/.*$\", a "
                       "substitution without group references) is supported");
        ok = false;
      }
    }
    return ok;
  }

  bool TranslateRoute(const std::string& where, const route_v3::Route& route,
                      const route_v3::VirtualHost& vhost, config::Route& out) {
    out.name = route.name();
    bool ok = ReadMatch(route.match(), where, out.match);
    ok = ReadHeaderMutation(route.request_headers_to_add(), route.request_headers_to_remove(),
                            absl::StrCat(where, ": request_headers_to_add"),
                            out.request_headers) && ok;
    ok = ReadHeaderMutation(route.response_headers_to_add(), route.response_headers_to_remove(),
                            absl::StrCat(where, ": response_headers_to_add"),
                            out.response_headers) && ok;
    switch (route.action_case()) {
      case route_v3::Route::kRoute:
        ok = ReadRouteAction(route.route(), where, out) && ok;
        break;
      case route_v3::Route::kRedirect:
        ok = ReadRedirect(route.redirect(), where, out.redirect.emplace()) && ok;
        break;
      case route_v3::Route::kDirectResponse: {
        const route_v3::DirectResponseAction& d = route.direct_response();
        out.direct_response.emplace();
        out.direct_response->status = static_cast<int>(std::min<uint32_t>(d.status(), 1000));
        using DataSource = envoy::config::core::v3::DataSource;
        if (d.body().specifier_case() == DataSource::kInlineString) {
          out.direct_response->body = d.body().inline_string();
        } else if (d.body().specifier_case() == DataSource::kInlineBytes) {
          out.direct_response->body = d.body().inline_bytes();
        } else if (d.has_body()) {
          Problem(where, "direct_response.body: only inline_string and inline_bytes are "
                         "supported");
          ok = false;
        }
        break;
      }
      default:
        Problem(where, "needs a route, redirect or direct_response action "
                       "(non_forwarding_action is for gRPC servers)");
        ok = false;
    }
    ok = ReadRouteResilience(route, vhost, where, Sink(), out) && ok;
    return ok;
  }

  void TranslateCluster(const std::string& name, const cluster_v3::Cluster& c) {
    const std::string where = absl::StrCat("Cluster ", name);
    config::Cluster out;
    out.name = name;
    if (c.has_connect_timeout()) out.connect_timeout = FromProto(c.connect_timeout());
    switch (c.type()) {
      case cluster_v3::Cluster::STATIC:
        out.type = config::Cluster::Type::kStatic;
        ReadAssignment(c.load_assignment(), absl::StrCat(where, ": load_assignment"), out);
        break;
      case cluster_v3::Cluster::EDS: {
        out.type = config::Cluster::Type::kEds;
        const std::string& service = c.eds_cluster_config().service_name().empty()
                                         ? name
                                         : c.eds_cluster_config().service_name();
        auto it = resources_.endpoints.find(service);
        if (it != resources_.endpoints.end()) {
          ReadAssignment(it->second, absl::StrCat("ClusterLoadAssignment ", service), out);
        }
        break;
      }
      case cluster_v3::Cluster::ORIGINAL_DST:
        out.type = config::Cluster::Type::kOriginalDst;
        break;
      default:
        Problem(where, absl::StrCat("type ", cluster_v3::Cluster::DiscoveryType_Name(c.type()),
                                    " is not supported (STATIC, EDS, ORIGINAL_DST are)"));
        return;
    }
    if (!ReadClusterResilience(c, where, Sink(), out)) return;
    if (c.has_transport_socket()) {
      config::UpstreamTls tls;
      if (!ReadUpstreamTls(c.transport_socket(), where, Sink(), tls)) return;
      out.tls = std::move(tls);
    }
    out_.clusters.push_back(std::move(out));
  }

  void ReadAssignment(const endpoint_v3::ClusterLoadAssignment& cla, const std::string& where,
                      config::Cluster& out) {
    for (int l = 0; l < cla.endpoints_size(); ++l) {
      const auto& locality = cla.endpoints(l);
      for (int e = 0; e < locality.lb_endpoints_size(); ++e) {
        const auto& lbe = locality.lb_endpoints(e);
        using envoy::config::core::v3::HealthStatus;
        if (lbe.health_status() == HealthStatus::UNHEALTHY ||
            lbe.health_status() == HealthStatus::DRAINING ||
            lbe.health_status() == HealthStatus::TIMEOUT) {
          continue;
        }
        config::Endpoint ep;
        if (!ReadSocketAddress(lbe.endpoint().address(),
                               absl::StrCat(where, ": endpoints[", l, "].lb_endpoints[", e, "]"),
                               &ep.address, &ep.port)) {
          continue;
        }
        ep.weight = lbe.load_balancing_weight().value() == 0 ? 1 : lbe.load_balancing_weight().value();
        ep.zone = locality.locality().zone();  // for zone-aware balancing
        out.endpoints.push_back(ep);
      }
    }
  }

  const XdsResources& resources_;
  config::ProxyConfig& out_;
  std::vector<std::string> problems_;
};

}  // namespace

absl::StatusOr<config::ProxyConfig> TranslateXds(const XdsResources& resources,
                                                 const config::ProxyConfig& bootstrap) {
  config::ProxyConfig dynamic;
  Translator t(resources, dynamic);
  t.Run();
  std::vector<std::string> problems = t.problems();
  config::ProxyConfig merged = bootstrap;
  std::set<std::string> static_names;
  for (const auto& l : bootstrap.listeners) static_names.insert("listener:" + l.name);
  for (const auto& c : bootstrap.clusters) static_names.insert("cluster:" + c.name);
  for (const auto& r : bootstrap.route_configs) static_names.insert("route:" + r.name);
  auto clash = [&](const std::string& kind, const std::string& name) {
    if (static_names.count(kind + ":" + name)) {
      problems.push_back(absl::StrCat(kind, " ", name,
                                      ": defined both in the bootstrap file and by xDS"));
      return true;
    }
    return false;
  };
  for (auto& l : dynamic.listeners) {
    if (!clash("listener", l.name)) merged.listeners.push_back(std::move(l));
  }
  for (auto& c : dynamic.clusters) {
    if (!clash("cluster", c.name)) merged.clusters.push_back(std::move(c));
  }
  for (auto& r : dynamic.route_configs) {
    if (!clash("route", r.name)) merged.route_configs.push_back(std::move(r));
  }
  if (!dynamic.trust_bundle_pem.empty()) merged.trust_bundle_pem = dynamic.trust_bundle_pem;
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  }
  absl::Status valid = config::ValidateProxyConfig(merged);
  if (!valid.ok()) return valid;
  return merged;
}

std::vector<std::string> ReferencedRouteConfigs(const XdsResources& resources) {
  std::set<std::string> names;
  auto scan = [&names](const google::protobuf::RepeatedPtrField<listener_v3::Filter>& filters) {
    for (const auto& f : filters) {
      HttpConnectionManager hcm;
      if (f.typed_config().type_url() == kHcmType && f.typed_config().UnpackTo(&hcm) &&
          hcm.has_rds()) {
        names.insert(hcm.rds().route_config_name());
      }
    }
  };
  for (const auto& [name, l] : resources.listeners) {
    for (const auto& fc : l.filter_chains()) scan(fc.filters());
    if (l.has_default_filter_chain()) scan(l.default_filter_chain().filters());
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::vector<std::string> ReferencedAssignments(const XdsResources& resources) {
  std::set<std::string> names;
  for (const auto& [name, c] : resources.clusters) {
    if (c.type() == cluster_v3::Cluster::EDS) {
      names.insert(c.eds_cluster_config().service_name().empty()
                       ? name
                       : c.eds_cluster_config().service_name());
    }
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::vector<std::string> ReferencedSecrets(const XdsResources& resources) {
  bool tls = false;
  for (const auto& [name, c] : resources.clusters) tls = tls || c.has_transport_socket();
  for (const auto& [name, l] : resources.listeners) {
    for (const auto& fc : l.filter_chains()) tls = tls || fc.has_transport_socket();
  }
  if (!tls) return {};
  return {config::kTrustBundleSecret};
}

}  // namespace weft::xds
