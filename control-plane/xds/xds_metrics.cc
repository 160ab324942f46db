#include "control-plane/xds/xds_metrics.h"

#include <cctype>

#include "absl/strings/match.h"

namespace weft::xds {
namespace {

constexpr size_t kMaxReasonBytes = 64;

const stats::MetricFamily* MustRegister(stats::MetricRegistry& registry,
                                        stats::MetricFamilyOptions options) {
  // The options are constants of this file; a failure is a programming error
  // caught by xds_metrics_test, so fall back to null (calls become no-ops).
  absl::StatusOr<const stats::MetricFamily*> family = registry.Register(std::move(options));
  return family.ok() ? *family : nullptr;
}

}  // namespace

XdsMetrics::XdsMetrics() : cells_(registry_.CreateWorkerMetrics()) {
  stats::MetricFamilyOptions o;
  o.name = "weft_cp_xds_pushes_total";
  o.help = "xDS responses sent to proxies, by type.";
  o.label_names = {"type"};
  o.max_series = 16;
  pushes_ = MustRegister(registry_, o);

  o.name = "weft_cp_xds_acks_total";
  o.help = "xDS responses ACKed by proxies, by type.";
  acks_ = MustRegister(registry_, o);

  o.name = "weft_cp_xds_push_ack_seconds";
  o.help = "Time from sending an xDS response to its ACK, by type.";
  o.type = stats::MetricType::kHistogram;
  o.bucket_bounds.assign(std::begin(stats::kRequestDurationSecondsBuckets),
                         std::end(stats::kRequestDurationSecondsBuckets));
  ack_latency_ = MustRegister(registry_, o);

  o = stats::MetricFamilyOptions();
  o.name = "weft_cp_xds_nacks_total";
  o.help = "xDS responses rejected by proxies, by type and normalised reason.";
  o.label_names = {"type", "reason"};
  o.max_series = 64;
  o.max_label_value_bytes = kMaxReasonBytes;
  nacks_ = MustRegister(registry_, o);
}

std::string XdsMetrics::TypeLabel(absl::string_view type_url) {
  struct Known {
    absl::string_view suffix;
    absl::string_view label;
  };
  static constexpr Known kKnown[] = {
      {".Listener", "lds"},       {".RouteConfiguration", "rds"},   {".Cluster", "cds"},
      {".ClusterLoadAssignment", "eds"}, {".Secret", "sds"},
  };
  for (const Known& k : kKnown) {
    if (absl::EndsWith(type_url, k.suffix)) return std::string(k.label);
  }
  const size_t dot = type_url.rfind('.');
  std::string name(dot == absl::string_view::npos ? type_url : type_url.substr(dot + 1));
  if (name.size() > 32) name.resize(32);
  return name.empty() ? "unknown" : name;
}

std::string XdsMetrics::NormalizeReason(absl::string_view error) {
  std::string out;
  for (size_t i = 0; i < error.size() && out.size() < kMaxReasonBytes; ++i) {
    const unsigned char c = static_cast<unsigned char>(error[i]);
    if (c == '\n' || (c == ':' && out.size() >= 8)) break;
    if (std::isdigit(c)) {
      if (out.empty() || out.back() != 'N') out.push_back('N');
    } else if (c < 0x20 || c >= 0x7f) {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "unspecified" : out;
}

void XdsMetrics::OnPush(absl::string_view type_url) {
  if (pushes_ == nullptr) return;
  const std::string type = TypeLabel(type_url);
  cells_.counter(*pushes_, {type}).Inc();
}

void XdsMetrics::OnAck(absl::string_view type_url, absl::Duration latency) {
  if (acks_ == nullptr || ack_latency_ == nullptr) return;
  const std::string type = TypeLabel(type_url);
  cells_.counter(*acks_, {type}).Inc();
  cells_.histogram(*ack_latency_, {type}).Observe(absl::ToDoubleSeconds(latency));
}

void XdsMetrics::OnNack(absl::string_view type_url, absl::string_view error) {
  if (nacks_ == nullptr) return;
  const std::string type = TypeLabel(type_url);
  const std::string reason = NormalizeReason(error);
  cells_.counter(*nacks_, {type, reason}).Inc();
}

void XdsMetrics::Render(stats::PrometheusTextWriter& writer) const { registry_.Render(writer); }

}  // namespace weft::xds
