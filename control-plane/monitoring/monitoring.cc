#include "control-plane/monitoring/monitoring.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "proxy/config/config_json.h"

namespace weft::control_plane {
namespace {

using config::JsonQuote;
using stats::FormatDouble;
using stats::FormatUint;
using stats::MetricType;

std::string Keys(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  for (const std::string& n : names) quoted.push_back(JsonQuote(n));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

template <typename Map>
std::string KeyList(const Map& map) {
  std::vector<std::string> names;
  for (const auto& [key, value] : map) names.push_back(key.ToString());
  return Keys(names);
}

std::string TimeJson(absl::Time t) {
  if (t == absl::InfinitePast()) return "null";
  return JsonQuote(absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone()));
}

}  // namespace

void RenderControlPlaneMetrics(const MonitoringInputs& inputs,
                               stats::PrometheusTextWriter& writer) {
  if (inputs.metrics != nullptr) inputs.metrics->Render(writer);

  const std::vector<xds::ProxyStatus> proxies =
      inputs.list_proxies ? inputs.list_proxies() : std::vector<xds::ProxyStatus>{};
  std::map<std::string, uint64_t> by_api = {{"delta", 0}, {"sotw", 0}};
  std::map<std::string, uint64_t> by_state = {{"NACKED", 0}, {"STALE", 0}, {"SYNCED", 0}};
  for (const xds::ProxyStatus& p : proxies) {
    ++by_api[p.delta ? "delta" : "sotw"];
    ++by_state[std::string(xds::SyncStateName(p.Overall()))];
  }
  writer.Family("weft_cp_connected_proxies", "Proxies with an open ADS stream, by API variant.",
                MetricType::kGauge);
  for (const auto& [api, n] : by_api) {
    writer.Sample("weft_cp_connected_proxies", {"api"}, {api}, FormatUint(n));
  }
  writer.Family("weft_cp_proxies_by_sync_state",
                "Connected proxies by overall sync state (SYNCED, STALE, NACKED).",
                MetricType::kGauge);
  for (const auto& [state, n] : by_state) {
    writer.Sample("weft_cp_proxies_by_sync_state", {"state"}, {state}, FormatUint(n));
  }
  if (inputs.render_ca_metrics) inputs.render_ca_metrics(writer);

  if (!inputs.source_state) return;
  const SourceState s = inputs.source_state();
  writer.Family("weft_cp_source_models_total",
                "Config source rebuilds, by result (accepted, rejected).", MetricType::kCounter);
  writer.Sample("weft_cp_source_models_total", {"result"}, {"accepted"},
                FormatUint(s.models_accepted));
  writer.Sample("weft_cp_source_models_total", {"result"}, {"rejected"},
                FormatUint(s.models_rejected));
  writer.Family("weft_cp_source_in_error",
                "1 while the config source's input is invalid (the last good model stays).",
                MetricType::kGauge);
  writer.Sample("weft_cp_source_in_error", {}, {}, s.last_rejected ? "1" : "0");
  writer.Family("weft_cp_model_info", "The model in force; its version is a label.",
                MetricType::kGauge);
  if (s.model != nullptr) {
    writer.Sample("weft_cp_model_info", {"version"}, {s.model_version}, "1");
  }
  writer.Family("weft_cp_model_last_accepted_timestamp_seconds",
                "Unix time the model in force was accepted.", MetricType::kGauge);
  if (s.last_accepted_time != absl::InfinitePast()) {
    writer.Sample("weft_cp_model_last_accepted_timestamp_seconds", {}, {},
                  FormatDouble(absl::ToDoubleSeconds(s.last_accepted_time - absl::UnixEpoch())));
  }
  writer.Family("weft_cp_model_objects", "Objects in the model in force, by kind.",
                MetricType::kGauge);
  if (s.model != nullptr) {
    const Model& m = *s.model;
    const std::pair<const char*, size_t> kinds[] = {
        {"GRPCRoute", m.grpc_routes.size()},   {"HTTPRoute", m.http_routes.size()},
        {"Service", m.services.size()},        {"TrafficPolicy", m.traffic_policies.size()},
        {"Workload", m.workloads.size()},
        {"PeerAuthentication", m.peer_authentications.size()},
        {"AuthorizationPolicy", m.authorization_policies.size()},
    };
    for (const auto& [kind, n] : kinds) {
      writer.Sample("weft_cp_model_objects", {"kind"}, {kind}, FormatUint(n));
    }
  }
}

std::string ModelJson(const SourceState& s) {
  std::string out = absl::StrCat(
      "{\n  \"version\": ", JsonQuote(s.model_version),
      ",\n  \"accepted_at\": ", TimeJson(s.last_accepted_time),
      ",\n  \"models_accepted\": ", s.models_accepted,
      ",\n  \"models_rejected\": ", s.models_rejected,
      ",\n  \"in_error\": ", s.last_rejected ? "true" : "false",
      ",\n  \"last_error\": ", JsonQuote(s.last_error));
  if (s.model == nullptr) return absl::StrCat(out, ",\n  \"model\": null\n}\n");
  const Model& m = *s.model;
  std::vector<std::string> services;
  for (const auto& [key, svc] : m.services) {
    std::vector<std::string> ports;
    for (const ServicePort& p : svc.ports) {
      ports.push_back(absl::StrCat("{\"name\": ", JsonQuote(p.name), ", \"port\": ", p.port,
                                   ", \"protocol\": ", JsonQuote(AppProtocolName(p.protocol)),
                                   "}"));
    }
    std::vector<std::string> endpoints;
    for (const PortEndpoints& pe : m.EndpointsOf(key)) {
      for (const Endpoint& e : pe.endpoints) {
        endpoints.push_back(absl::StrCat(
            "{\"service_port\": ", pe.service_port, ", \"address\": ", JsonQuote(e.address),
            ", \"port\": ", e.port, ", \"workload\": ", JsonQuote(e.workload.ToString()),
            ", \"zone\": ", JsonQuote(e.locality.zone), "}"));
      }
    }
    services.push_back(absl::StrCat("    {\"name\": ", JsonQuote(key.ToString()),
                                    ", \"vip\": ", JsonQuote(svc.vip), ", \"ports\": [",
                                    absl::StrJoin(ports, ", "), "], \"endpoints\": [",
                                    absl::StrJoin(endpoints, ", "), "]}"));
  }
  std::vector<std::string> workloads;
  for (const auto& [key, w] : m.workloads) {
    workloads.push_back(absl::StrCat(
        "    {\"name\": ", JsonQuote(key.ToString()), ", \"address\": ", JsonQuote(w.address),
        ", \"service_account\": ", JsonQuote(w.service_account),
        ", \"ready\": ", w.ready ? "true" : "false",
        ", \"serving_while_terminating\": ", w.serving_while_terminating ? "true" : "false",
        ", \"zone\": ", JsonQuote(w.locality.zone), "}"));
  }
  return absl::StrCat(out, ",\n  \"model\": {\n  \"services\": [\n", absl::StrJoin(services, ",\n"),
                      "\n  ],\n  \"workloads\": [\n", absl::StrJoin(workloads, ",\n"),
                      "\n  ],\n  \"http_routes\": ", KeyList(m.http_routes),
                      ",\n  \"grpc_routes\": ", KeyList(m.grpc_routes),
                      ",\n  \"traffic_policies\": ", KeyList(m.traffic_policies),
                      ",\n  \"peer_authentications\": ", KeyList(m.peer_authentications),
                      ",\n  \"authorization_policies\": ", KeyList(m.authorization_policies),
                      ",\n  \"warnings\": ", Keys(m.warnings), "\n  }\n}\n");
}

std::string ProxiesJson(const std::vector<xds::ProxyStatus>& proxies, absl::Time now) {
  std::vector<std::string> items;
  for (const xds::ProxyStatus& p : proxies) {
    std::vector<std::string> types;
    for (const xds::TypeSyncStatus& t : p.types) {
      types.push_back(absl::StrCat(
          "{\"type\": ", JsonQuote(xds::XdsMetrics::TypeLabel(t.type_url)),
          ", \"type_url\": ", JsonQuote(t.type_url), ", \"state\": ",
          JsonQuote(xds::SyncStateName(t.state)), ", \"version_sent\": ", JsonQuote(t.version_sent),
          ", \"version_acked\": ", JsonQuote(t.version_acked),
          ", \"responses_sent\": ", t.responses_sent, ", \"acks\": ", t.acks,
          ", \"nacks\": ", t.nacks, ", \"last_nack_error\": ", JsonQuote(t.last_nack_error), "}"));
    }
    items.push_back(absl::StrCat(
        "    {\"node_id\": ", JsonQuote(p.node_id), ", \"peer\": ", JsonQuote(p.peer),
        ", \"api\": ", p.delta ? "\"delta\"" : "\"sotw\"",
        ", \"connected_seconds\": ", FormatDouble(absl::ToDoubleSeconds(now - p.connected_since)),
        ", \"state\": ", JsonQuote(xds::SyncStateName(p.Overall())), ", \"types\": [",
        absl::StrJoin(types, ", "), "]}"));
  }
  if (items.empty()) return "{\"proxies\": []}\n";
  return absl::StrCat("{\"proxies\": [\n", absl::StrJoin(items, ",\n"), "\n]}\n");
}

void InstallMonitoringHandlers(admin::AdminServer& server, MonitoringInputs inputs,
                               std::function<absl::Time()> now) {
  auto shared = std::make_shared<const MonitoringInputs>(std::move(inputs));
  server.AddHandler("/metrics", "Prometheus text format 0.0.4",
                    [shared](const admin::AdminRequest&) {
                      stats::PrometheusTextWriter writer;
                      RenderControlPlaneMetrics(*shared, writer);
                      return admin::AdminResponse{200, std::string(stats::kPrometheusContentType),
                                                  writer.Release()};
                    });
  server.AddHandler("/debug/model", "the model in force, as JSON",
                    [shared](const admin::AdminRequest&) {
                      SourceState state;
                      if (shared->source_state) state = shared->source_state();
                      return admin::AdminResponse{200, "application/json", ModelJson(state)};
                    });
  server.AddHandler("/debug/proxies", "connected proxies and what they ACKed, as JSON",
                    [shared, now](const admin::AdminRequest&) {
                      std::vector<xds::ProxyStatus> proxies;
                      if (shared->list_proxies) proxies = shared->list_proxies();
                      return admin::AdminResponse{200, "application/json",
                                                  ProxiesJson(proxies, now())};
                    });
  server.AddHandler("/ready", "200 once a valid model is in force, else 503",
                    [shared](const admin::AdminRequest&) {
                      const bool ready =
                          shared->source_state && shared->source_state().model != nullptr;
                      return ready ? admin::AdminResponse{200, "text/plain", "READY\n"}
                                   : admin::AdminResponse{503, "text/plain", "NO MODEL YET\n"};
                    });
  if (shared->certs_json) {
    server.AddHandler("/debug/certs", "CA roots, rotation phase and workload certificates, as JSON",
                      [shared](const admin::AdminRequest&) {
                        return admin::AdminResponse{200, "application/json", shared->certs_json()};
                      });
  }
  if (shared->rotate_root) {
    server.AddHandler(
        "/debug/certs/rotate-root", "POST: begin a root rotation (meshctl certs rotate-root)",
        [shared](const admin::AdminRequest& request) {
          if (request.method != "POST") {
            return admin::AdminResponse{405, "text/plain", "use POST to begin a root rotation\n"};
          }
          absl::StatusOr<std::string> state = shared->rotate_root();
          if (!state.ok()) {
            const int code = state.status().code() == absl::StatusCode::kFailedPrecondition ? 409
                                                                                            : 500;
            return admin::AdminResponse{code, "text/plain",
                                        absl::StrCat(state.status().message(), "\n")};
          }
          return admin::AdminResponse{200, "application/json", *state};
        });
  }
}

}  // namespace weft::control_plane
