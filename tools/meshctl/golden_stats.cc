#include "tools/meshctl/golden_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::meshctl {
namespace {

constexpr char kRequests[] = "weft_requests_total";
constexpr char kBucket[] = "weft_request_duration_seconds_bucket";

// Parses `{a="x",b="y"}` starting at text[*pos] == '{'.
bool ParseLabels(absl::string_view text, size_t* pos, std::map<std::string, std::string>* out) {
  ++*pos;
  while (*pos < text.size()) {
    if (text[*pos] == '}') {
      ++*pos;
      return true;
    }
    if (text[*pos] == ',' || text[*pos] == ' ') {
      ++*pos;
      continue;
    }
    const size_t eq = text.find('=', *pos);
    if (eq == absl::string_view::npos || eq + 1 >= text.size() || text[eq + 1] != '"') return false;
    std::string name(text.substr(*pos, eq - *pos));
    std::string value;
    size_t i = eq + 2;
    for (; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\' && i + 1 < text.size()) {
        ++i;
        value.push_back(text[i] == 'n' ? '\n' : text[i]);
      } else {
        value.push_back(text[i]);
      }
    }
    if (i >= text.size()) return false;
    (*out)[std::move(name)] = std::move(value);
    *pos = i + 1;
  }
  return false;
}

double ParseValue(absl::string_view v) {
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  if (v == "-Inf") return -std::numeric_limits<double>::infinity();
  if (v == "NaN") return std::nan("");
  const std::string s(v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() ? d : std::nan("");
}

bool Keep(const PromSample& s, const GoldenQuery& q) {
  auto get = [&](const char* name) -> std::string {
    auto it = s.labels.find(name);
    return it == s.labels.end() ? "" : it->second;
  };
  if (!q.direction.empty() && get("direction") != q.direction) return false;
  if (q.target.empty()) return true;
  return ServiceMatches(get("destination_service"), q.target) || get("source_workload") == q.target;
}

std::string LabelKey(const PromSample& s, const std::string& name) {
  auto it = s.labels.find(name);
  return it == s.labels.end() || it->second.empty() ? "-" : it->second;
}

// Series identity without the value: name + every label.
std::string SeriesId(const PromSample& s) {
  std::string id = s.name;
  for (const auto& [k, v] : s.labels) absl::StrAppend(&id, "\x1f", k, "=", v);
  return id;
}

}  // namespace

absl::StatusOr<std::vector<PromSample>> ParsePrometheusText(const std::string& text) {
  std::vector<PromSample> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    PromSample s;
    size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ') ++pos;
    s.name = std::string(line.substr(0, pos));
    if (pos < line.size() && line[pos] == '{' && !ParseLabels(line, &pos, &s.labels)) {
      return absl::InvalidArgumentError(absl::StrCat("metrics line ", line_no, ": bad labels"));
    }
    absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(pos));
    const size_t space = rest.find(' ');  // an optional timestamp follows
    s.value = ParseValue(rest.substr(0, space));
    if (s.name.empty() || std::isnan(s.value)) {
      return absl::InvalidArgumentError(absl::StrCat("metrics line ", line_no, ": bad sample"));
    }
    out.push_back(std::move(s));
  }
  return out;
}

bool ServiceMatches(const std::string& destination_service, const std::string& target) {
  if (destination_service == target) return true;
  // "outbound|80||reviews.default.svc.cluster.local" -> the host part.
  const size_t bar = destination_service.rfind('|');
  const std::string host =
      bar == std::string::npos ? destination_service : destination_service.substr(bar + 1);
  return host == target || absl::StartsWith(host, absl::StrCat(target, "."));
}

double HistogramQuantile(double q, const std::vector<std::pair<double, double>>& cumulative) {
  if (cumulative.empty()) return std::nan("");
  const double total = cumulative.back().second;
  if (total <= 0) return std::nan("");
  const double rank = q * total;
  for (size_t i = 0; i < cumulative.size(); ++i) {
    if (cumulative[i].second >= rank) {
      if (std::isinf(cumulative[i].first)) {
        return i == 0 ? 0 : cumulative[i - 1].first;  // the highest finite bound
      }
      const double lower_bound = i == 0 ? 0 : cumulative[i - 1].first;
      const double lower_count = i == 0 ? 0 : cumulative[i - 1].second;
      const double in_bucket = cumulative[i].second - lower_count;
      if (in_bucket <= 0) return cumulative[i].first;
      return lower_bound + (cumulative[i].first - lower_bound) * (rank - lower_count) / in_bucket;
    }
  }
  return cumulative.back().first;
}

std::vector<GoldenRow> ComputeGoldenStats(const std::vector<PromSample>& before,
                                          const std::vector<PromSample>& after,
                                          absl::Duration window, const GoldenQuery& query) {
  std::map<std::string, double> previous;
  for (const PromSample& s : before) previous[SeriesId(s)] += s.value;
  auto increase = [&](const PromSample& s) {
    auto it = previous.find(SeriesId(s));
    const double base = it == previous.end() ? 0 : it->second;
    // A counter that went down means the proxy restarted: count from zero.
    return s.value >= base ? s.value - base : s.value;
  };
  struct Acc {
    double requests = 0;
    double failures = 0;
    std::map<double, double> buckets;  // le -> increase (summed over series)
  };
  std::map<std::string, Acc> by_key;
  for (const PromSample& s : after) {
    if ((s.name != kRequests && s.name != kBucket) || !Keep(s, query)) continue;
    Acc& acc = by_key[LabelKey(s, query.group_by)];
    const double inc = increase(s);
    if (s.name == kRequests) {
      acc.requests += inc;
      auto code = s.labels.find("response_code");
      if (code != s.labels.end() && !code->second.empty() && code->second[0] == '5') {
        acc.failures += inc;
      }
    } else {
      auto le = s.labels.find("le");
      if (le != s.labels.end()) acc.buckets[ParseValue(le->second)] += inc;
    }
  }
  const double seconds = std::max(absl::ToDoubleSeconds(window), 1e-9);
  std::vector<GoldenRow> rows;
  for (const auto& [key, acc] : by_key) {
    if (acc.requests <= 0) continue;
    GoldenRow row;
    row.key = key;
    row.requests = acc.requests;
    row.rps = acc.requests / seconds;
    row.success_rate = 1 - acc.failures / acc.requests;
    std::vector<std::pair<double, double>> cumulative(acc.buckets.begin(), acc.buckets.end());
    row.p50 = HistogramQuantile(0.5, cumulative);
    row.p95 = HistogramQuantile(0.95, cumulative);
    row.p99 = HistogramQuantile(0.99, cumulative);
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(), [](const GoldenRow& a, const GoldenRow& b) {
    if (a.requests != b.requests) return a.requests > b.requests;
    return a.key < b.key;
  });
  return rows;
}

}  // namespace weft::meshctl
