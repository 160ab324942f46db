#include "proxy/stats/store_exposition.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace weft::stats {
namespace {

std::string Sanitize(absl::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
    if (!ok) c = '_';
  }
  return out;
}

std::string WithSuffix(std::string family, bool is_gauge) {
  if (!is_gauge && !absl::EndsWith(family, "_total")) family += "_total";
  return family;
}

struct LabeledPrefix {
  absl::string_view prefix;  // "listener."
  absl::string_view label;   // "listener"
};
constexpr LabeledPrefix kLabeledPrefixes[] = {{"listener.", "listener"}, {"cluster.", "cluster"}};

}  // namespace

PrometheusName MapStoreName(absl::string_view name, bool is_gauge) {
  PrometheusName out;
  if (absl::StartsWith(name, "proxy.errors.") && name.size() > 13) {
    out.family = "weft_proxy_errors_total";
    out.label_names = {"reason"};
    out.label_values = {std::string(name.substr(13))};
    out.pattern = "proxy.errors.<reason>";
    if (is_gauge) out.family = "weft_proxy_errors";
    return out;
  }
  for (const LabeledPrefix& p : kLabeledPrefixes) {
    if (!absl::StartsWith(name, p.prefix)) continue;
    absl::string_view rest = name.substr(p.prefix.size());
    const size_t dot = rest.rfind('.');
    if (dot == absl::string_view::npos || dot == 0 || dot + 1 == rest.size()) break;
    absl::string_view stat = rest.substr(dot + 1);
    out.family = WithSuffix(
        absl::StrCat("weft_", p.prefix.substr(0, p.prefix.size() - 1), "_", Sanitize(stat)),
        is_gauge);
    out.label_names = {std::string(p.label)};
    out.label_values = {std::string(rest.substr(0, dot))};
    out.pattern = absl::StrCat(p.prefix, "<", p.label, ">.", stat);
    return out;
  }
  out.family = WithSuffix(absl::StrCat("weft_", Sanitize(name)), is_gauge);
  out.pattern = std::string(name);
  return out;
}

void RenderStoreSnapshot(const std::map<std::string, Store::Value>& snapshot,
                         PrometheusTextWriter& writer) {
  struct Family {
    bool is_gauge;
    std::string pattern;
    std::vector<std::string> label_names;
    // Label values -> summed value (two stat names may sanitise to one series).
    std::map<std::vector<std::string>, int64_t> samples;
  };
  std::map<std::string, Family> families;  // sorted, each rendered contiguously
  for (const auto& [name, value] : snapshot) {
    PrometheusName mapped = MapStoreName(name, value.is_gauge);
    auto [it, inserted] = families.try_emplace(
        mapped.family, Family{value.is_gauge, mapped.pattern, mapped.label_names, {}});
    Family& family = it->second;
    // Type or label clash: the first in name order wins.
    if (family.is_gauge != value.is_gauge || family.label_names != mapped.label_names) continue;
    family.samples[mapped.label_values] += value.value;
  }
  for (const auto& [family_name, family] : families) {
    writer.Family(family_name, absl::StrCat("Weft stat ", family.pattern, "."),
                  family.is_gauge ? MetricType::kGauge : MetricType::kCounter);
    for (const auto& [label_values, value] : family.samples) {
      writer.Sample(family_name, family.label_names, label_values,
                    family.is_gauge ? FormatInt(value) : FormatUint(static_cast<uint64_t>(value)));
    }
  }
}

}  // namespace weft::stats
