#include "proxy/admin/xds_metrics.h"

#include <set>

#include "absl/strings/match.h"

namespace weft::admin {
namespace {

using stats::FormatDouble;
using stats::FormatUint;
using stats::MetricType;

}  // namespace

std::string XdsTypeLabel(absl::string_view type_url) {
  struct Known {
    absl::string_view suffix;
    absl::string_view label;
  };
  static constexpr Known kKnown[] = {
      {".Listener", "lds"},
      {".RouteConfiguration", "rds"},
      {".Cluster", "cds"},
      {".ClusterLoadAssignment", "eds"},
      {".Secret", "sds"},
  };
  for (const Known& k : kKnown) {
    if (absl::EndsWith(type_url, k.suffix)) return std::string(k.label);
  }
  const size_t dot = type_url.rfind('.');
  return std::string(dot == absl::string_view::npos ? type_url : type_url.substr(dot + 1));
}

void RenderXdsMetrics(const xds::AdsClientStatus& status, stats::PrometheusTextWriter& writer) {
  const std::vector<std::string> type_label = {"type"};
  writer.Family("weft_xds_connected", "1 while the ADS stream to the control plane is up.",
                MetricType::kGauge);
  writer.Sample("weft_xds_connected", {}, {}, status.connected ? "1" : "0");

  std::set<std::string> types;
  for (const auto& [type, n] : status.applied_by_type) types.insert(type);
  for (const auto& [type, n] : status.rejected_by_type) types.insert(type);
  writer.Family("weft_xds_updates_total",
                "xDS responses applied (ACKed) or rejected (NACKed), by type.",
                MetricType::kCounter);
  for (const std::string& type : types) {
    const std::string label = XdsTypeLabel(type);
    auto applied = status.applied_by_type.find(type);
    auto rejected = status.rejected_by_type.find(type);
    writer.Sample("weft_xds_updates_total", {"type", "result"}, {label, "applied"},
                  FormatUint(applied == status.applied_by_type.end() ? 0 : applied->second));
    writer.Sample("weft_xds_updates_total", {"type", "result"}, {label, "rejected"},
                  FormatUint(rejected == status.rejected_by_type.end() ? 0 : rejected->second));
  }
  writer.Family("weft_xds_last_update_timestamp_seconds",
                "Unix time of the last applied xDS update, by type.", MetricType::kGauge);
  for (const auto& [type, when] : status.last_update_by_type) {
    writer.Sample("weft_xds_last_update_timestamp_seconds", type_label, {XdsTypeLabel(type)},
                  FormatDouble(absl::ToDoubleSeconds(when - absl::UnixEpoch())));
  }
  writer.Family("weft_xds_resources", "xDS resources held, by type.", MetricType::kGauge);
  for (const auto& [type, names] : status.versions) {
    writer.Sample("weft_xds_resources", type_label, {XdsTypeLabel(type)}, FormatUint(names.size()));
  }
}

}  // namespace weft::admin
