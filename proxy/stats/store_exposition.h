#ifndef WEFT_PROXY_STATS_STORE_EXPOSITION_H_
#define WEFT_PROXY_STATS_STORE_EXPOSITION_H_

// Renders the unlabeled Store stats (the dotted names of /stats) in the
// Prometheus text format, so /metrics carries them next to the labeled
// families. Names embedding a listener or cluster become labels, which keeps one
// family per stat instead of one per listener:
//
//   listener.<l>.<stat>    -> weft_listener_<stat>[_total]{listener="<l>"}
//   cluster.<c>.<stat>     -> weft_cluster_<stat>[_total]{cluster="<c>"}
//   proxy.errors.<reason>  -> weft_proxy_errors_total{reason="<reason>"}
//   anything else (a.b.c)  -> weft_a_b_c[_total]
//
// <l>/<c> run up to the LAST dot (cluster names contain dots); <stat> is what
// follows it. Characters outside [a-zA-Z0-9_:] become '_'. Counters get a
// "_total" suffix unless they already end in it; gauges keep their name. Names
// that map to the same series (a.b and a_b) are summed. When a counter and a
// gauge map to the same family name, the first in name order wins and the other
// is left out (a naming bug to fix at the source).
//
//   PrometheusTextWriter w;
//   registry.Render(w);
//   RenderStoreSnapshot(store.Snapshot(), w);
//
// Pure function; thread-safe.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "proxy/stats/prometheus_text.h"
#include "proxy/stats/stats.h"

namespace weft::stats {

struct PrometheusName {
  std::string family;  // e.g. weft_listener_http_rq_2xx_total
  std::vector<std::string> label_names;
  std::vector<std::string> label_values;
  std::string pattern;  // the source name with labels as <label>, for HELP
};

// The Prometheus family and labels for one Store stat name.
PrometheusName MapStoreName(absl::string_view name, bool is_gauge);

void RenderStoreSnapshot(const std::map<std::string, Store::Value>& snapshot,
                         PrometheusTextWriter& writer);

}  // namespace weft::stats

#endif  // WEFT_PROXY_STATS_STORE_EXPOSITION_H_
