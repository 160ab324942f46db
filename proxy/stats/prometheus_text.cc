#include "proxy/stats/prometheus_text.h"

#include <charconv>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "proxy/stats/utf8.h"

namespace weft::stats {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Escapes '\', newline and (when quote is set) '"'; replaces invalid UTF-8.
void AppendEscaped(std::string* out, absl::string_view s, bool quote) {
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (quote && c == '"') {
      out->append("\\\"");
    } else {
      const Utf8Char u = DecodeUtf8(s, i);
      if (u.valid) {
        out->append(s.data() + i, u.length);
      } else {
        out->append(kUtf8Replacement.data(), kUtf8Replacement.size());
      }
      i += u.length;
      continue;
    }
    ++i;
  }
}

}  // namespace

absl::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

bool IsValidMetricName(absl::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!(IsAlpha(c) || c == '_' || c == ':' || (i > 0 && IsDigit(c)))) return false;
  }
  return true;
}

bool IsValidLabelName(absl::string_view name) {
  if (name.empty() || absl::StartsWith(name, "__")) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!(IsAlpha(c) || c == '_' || (i > 0 && IsDigit(c)))) return false;
  }
  return true;
}

void AppendEscapedHelp(std::string* out, absl::string_view help) {
  AppendEscaped(out, help, /*quote=*/false);
}

void AppendEscapedLabelValue(std::string* out, absl::string_view value) {
  AppendEscaped(out, value, /*quote=*/true);
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::general);
  if (ec != std::errc()) return "NaN";  // cannot happen with 64 bytes
  return std::string(buf, end);
}

std::string FormatUint(uint64_t value) { return absl::StrCat(value); }
std::string FormatInt(int64_t value) { return absl::StrCat(value); }

void PrometheusTextWriter::Family(absl::string_view name, absl::string_view help, MetricType type) {
  absl::StrAppend(&out_, "# HELP ", name, " ");
  AppendEscapedHelp(&out_, help);
  absl::StrAppend(&out_, "\n# TYPE ", name, " ", MetricTypeName(type), "\n");
}

void PrometheusTextWriter::Sample(absl::string_view name, absl::Span<const std::string> label_names,
                                  absl::Span<const std::string> label_values,
                                  absl::string_view value, absl::string_view extra_name,
                                  absl::string_view extra_value) {
  out_.append(name.data(), name.size());
  const size_t n = std::min(label_names.size(), label_values.size());
  if (n > 0 || !extra_name.empty()) {
    out_.push_back('{');
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) out_.push_back(',');
      absl::StrAppend(&out_, label_names[i], "=\"");
      AppendEscapedLabelValue(&out_, label_values[i]);
      out_.push_back('"');
    }
    if (!extra_name.empty()) {
      if (n > 0) out_.push_back(',');
      absl::StrAppend(&out_, extra_name, "=\"");
      AppendEscapedLabelValue(&out_, extra_value);
      out_.push_back('"');
    }
    out_.push_back('}');
  }
  absl::StrAppend(&out_, " ", value, "\n");
}

}  // namespace weft::stats
