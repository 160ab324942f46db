#include "proxy/config/config_json.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace weft::config {
namespace {

std::string Dur(absl::Duration d) { return JsonQuote(absl::FormatDuration(d)); }

absl::string_view ProtocolName(Listener::Protocol p) {
  switch (p) {
    case Listener::Protocol::kAuto: return "auto";
    case Listener::Protocol::kHttp: return "http";
    case Listener::Protocol::kTcp: return "tcp";
  }
  return "unknown";
}

template <typename T, typename F>
std::string Array(const std::vector<T>& items, F&& f) {
  std::vector<std::string> parts;
  for (const T& item : items) parts.push_back(f(item));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

}  // namespace

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += c;
        }
    }
  }
  out += "\"";
  return out;
}

std::string ToJson(const ProxyConfig& config) {
  std::string listeners = Array(config.listeners, [](const Listener& l) {
    return absl::StrCat(
        "{\"name\": ", JsonQuote(l.name), ", \"address\": ", JsonQuote(l.address),
        ", \"port\": ", l.port, ", \"original_dst\": ", l.original_dst ? "true" : "false",
        ", \"protocol\": ", JsonQuote(ProtocolName(l.protocol)),
        ", \"opaque_ports\": ", Array(l.opaque_ports, [](uint16_t p) { return absl::StrCat(p); }),
        ", \"detection_timeout\": ", Dur(l.detection_timeout),
        ", \"route_config\": ", JsonQuote(l.route_config),
        ", \"default_cluster\": ", JsonQuote(l.default_cluster),
        ", \"filter_chains\": ", Array(l.filter_chains, [](const FilterChain& fc) {
          return absl::StrCat(
              "{\"name\": ", JsonQuote(fc.name), ", \"destination_prefixes\": ",
              Array(fc.destination_prefixes,
                    [](const CidrRange& r) {
                      return JsonQuote(absl::StrCat(r.address, "/", r.prefix_length));
                    }),
              ", \"destination_port\": ", fc.destination_port,
              ", \"protocol\": ", JsonQuote(ProtocolName(fc.protocol)),
              ", \"route_config\": ", JsonQuote(fc.route_config),
              ", \"cluster\": ", JsonQuote(fc.cluster), "}");
        }),
        ", \"idle_timeout\": ", Dur(l.idle_timeout),
        ", \"max_request_headers_bytes\": ", l.max_request_headers_bytes,
        ", \"buffer_limit_bytes\": ", l.buffer_limit_bytes, "}");
  });
  std::string routes = Array(config.route_configs, [](const RouteConfig& rc) {
    return absl::StrCat(
        "{\"name\": ", JsonQuote(rc.name), ", \"virtual_hosts\": ",
        Array(rc.virtual_hosts, [](const VirtualHost& vh) {
          return absl::StrCat(
              "{\"name\": ", JsonQuote(vh.name), ", \"domains\": ",
              Array(vh.domains, [](const std::string& d) { return JsonQuote(d); }),
              ", \"routes\": ", Array(vh.routes, [](const Route& r) {
                return absl::StrCat(
                    "{\"match\": {\"prefix\": ", JsonQuote(r.match.path_prefix),
                    "}, \"cluster\": ", JsonQuote(r.cluster), ", \"weighted_clusters\": ",
                    Array(r.weighted_clusters,
                          [](const WeightedCluster& w) {
                            return absl::StrCat("{\"name\": ", JsonQuote(w.name),
                                                ", \"weight\": ", w.weight, "}");
                          }),
                    ", \"timeout\": ", Dur(r.timeout), "}");
              }),
              "}");
        }),
        "}");
  });
  std::string clusters = Array(config.clusters, [](const Cluster& c) {
    return absl::StrCat(
        "{\"name\": ", JsonQuote(c.name), ", \"type\": ",
        JsonQuote(c.type == Cluster::Type::kStatic        ? "static"
                  : c.type == Cluster::Type::kOriginalDst ? "original_dst"
                                                          : "eds"),
        ", \"connect_timeout\": ", Dur(c.connect_timeout),
        ", \"max_idle_connections\": ", c.max_idle_connections,
        ", \"idle_timeout\": ", Dur(c.idle_timeout), ", \"endpoints\": ",
        Array(c.endpoints, [](const Endpoint& e) {
          return absl::StrCat("{\"address\": ", JsonQuote(e.address), ", \"port\": ", e.port,
                              ", \"weight\": ", e.weight, "}");
        }),
        "}");
  });
  return absl::StrCat("{\n  \"source\": ", JsonQuote(config.source),
                      ",\n  \"admin\": {\"address\": ", JsonQuote(config.admin.address),
                      ", \"port\": ", config.admin.port, "},\n  \"listeners\": ", listeners,
                      ",\n  \"route_configs\": ", routes, ",\n  \"clusters\": ", clusters,
                      "\n}\n");
}

}  // namespace weft::config
