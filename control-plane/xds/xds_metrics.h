#ifndef WEFT_CONTROL_PLANE_XDS_XDS_METRICS_H_
#define WEFT_CONTROL_PLANE_XDS_XDS_METRICS_H_

// The control plane's xDS counters, exported on /metrics:
//
//   weft_cp_xds_pushes_total{type}                  responses sent
//   weft_cp_xds_push_ack_seconds{type}              histogram: send -> ACK
//   weft_cp_xds_acks_total{type}
//   weft_cp_xds_nacks_total{type,reason}            reason normalised (below)
//
// `type` is the xDS short name (lds, rds, cds, eds, sds). A NACK's reason is the
// proxy's error message cut at the first newline or ':' after 8 characters,
// digits replaced by 'N', lower-cased, at most 64 bytes: "cluster 'a.b' has 3
// endpoints..." and "...4 endpoints..." count together, and the family admits at
// most 64 reasons per type (then "__overflow__"), so a misbehaving proxy cannot
// blow up the label set.
//
//   XdsMetrics metrics;
//   metrics.OnPush(type_url);              // TypeSyncTracker calls these
//   metrics.OnAck(type_url, latency);
//   metrics.Render(writer);                // on scrape
//
// Thread-safe (MetricRegistry underneath; calls are cheap: one map lookup under a
// lock that only scrapes contend for).

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proxy/stats/metric_registry.h"
#include "proxy/stats/prometheus_text.h"

namespace weft::xds {

class XdsMetrics {
 public:
  XdsMetrics();
  XdsMetrics(const XdsMetrics&) = delete;
  XdsMetrics& operator=(const XdsMetrics&) = delete;

  void OnPush(absl::string_view type_url);
  void OnAck(absl::string_view type_url, absl::Duration latency);
  void OnNack(absl::string_view type_url, absl::string_view error);

  void Render(stats::PrometheusTextWriter& writer) const;

  // "lds" for ...envoy.config.listener.v3.Listener, etc.; else the message name.
  static std::string TypeLabel(absl::string_view type_url);
  // See the header comment.
  static std::string NormalizeReason(absl::string_view error);

 private:
  stats::MetricRegistry registry_;
  const stats::MetricFamily* pushes_ = nullptr;
  const stats::MetricFamily* acks_ = nullptr;
  const stats::MetricFamily* ack_latency_ = nullptr;
  const stats::MetricFamily* nacks_ = nullptr;
  stats::WorkerMetrics& cells_;
};

}  // namespace weft::xds

#endif  // WEFT_CONTROL_PLANE_XDS_XDS_METRICS_H_
