#ifndef WEFT_PROXY_ADMIN_XDS_METRICS_H_
#define WEFT_PROXY_ADMIN_XDS_METRICS_H_

// The proxy's view of its xDS connection as Prometheus families, rendered on
// scrape from AdsClient::status() (nothing is kept in between):
//
//   weft_xds_connected                              gauge 1/0
//   weft_xds_updates_total{type,result}             counter, result=applied|rejected
//   weft_xds_last_update_timestamp_seconds{type}    gauge, Unix time of the last applied update
//   weft_xds_resources{type}                        gauge, resources held
//
// `type` is the xDS short name (lds, rds, cds, eds, sds), else the type URL's
// message name, so the label set is bounded by the handful of types.
//
//   server.AddMetricsRenderer([&ads](stats::PrometheusTextWriter& w) {
//     admin::RenderXdsMetrics(ads->status(), w);
//   });
//
// Pure function; thread-safe.

#include <string>

#include "absl/strings/string_view.h"
#include "proxy/stats/prometheus_text.h"
#include "proxy/xds/ads_client.h"

namespace weft::admin {

// "lds" for ...envoy.config.listener.v3.Listener, etc.
std::string XdsTypeLabel(absl::string_view type_url);

void RenderXdsMetrics(const xds::AdsClientStatus& status, stats::PrometheusTextWriter& writer);

}  // namespace weft::admin

#endif  // WEFT_PROXY_ADMIN_XDS_METRICS_H_
