#include "proxy/stats/prometheus_text.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace weft::stats {
namespace {

TEST(PrometheusTextTest, ValidatesMetricAndLabelNames) {
  EXPECT_TRUE(IsValidMetricName("weft_requests_total"));
  EXPECT_TRUE(IsValidMetricName("a:b_c9"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("9abc"));
  EXPECT_FALSE(IsValidMetricName("a.b"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_TRUE(IsValidLabelName("response_code"));
  EXPECT_TRUE(IsValidLabelName("_x"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("1a"));
  EXPECT_FALSE(IsValidLabelName(""));
}

TEST(PrometheusTextTest, EscapesLabelValues) {
  std::string out;
  AppendEscapedLabelValue(&out, "a\"b\\c\nd\te");
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\te");
  out.clear();
  AppendEscapedLabelValue(&out, "bad\xFFutf8 \xC3\xA9");
  EXPECT_EQ(out, "bad\xEF\xBF\xBDutf8 \xC3\xA9");
}

TEST(PrometheusTextTest, EscapesHelpButNotQuotes) {
  std::string out;
  AppendEscapedHelp(&out, "say \"hi\"\\\nbye");
  EXPECT_EQ(out, "say \"hi\"\\\\\\nbye");
}

TEST(PrometheusTextTest, FormatsNumbers) {
  EXPECT_EQ(FormatDouble(1), "1");
  EXPECT_EQ(FormatDouble(0.0005), "0.0005");
  EXPECT_EQ(FormatDouble(2.5), "2.5");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");  // round-trips exactly
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatDouble(std::nan("")), "NaN");
  EXPECT_EQ(FormatUint(18446744073709551615u), "18446744073709551615");
  EXPECT_EQ(FormatInt(-3), "-3");
}

TEST(PrometheusTextTest, WriterLaysOutFamiliesAndSamples) {
  PrometheusTextWriter w;
  w.Family("weft_x_total", "Things.\nMore.", MetricType::kCounter);
  w.Sample("weft_x_total", {}, {}, "3");
  w.Sample("weft_x_total", {"a", "b"}, {"1", "q\""}, "4");
  w.Family("weft_h", "H.", MetricType::kHistogram);
  w.Sample("weft_h_bucket", {"a"}, {"1"}, "2", "le", "+Inf");
  w.Sample("weft_h_bucket", {}, {}, "2", "le", "0.5");
  EXPECT_EQ(w.text(),
            "# HELP weft_x_total Things.\\nMore.\n"
            "# TYPE weft_x_total counter\n"
            "weft_x_total 3\n"
            "weft_x_total{a=\"1\",b=\"q\\\"\"} 4\n"
            "# HELP weft_h H.\n"
            "# TYPE weft_h histogram\n"
            "weft_h_bucket{a=\"1\",le=\"+Inf\"} 2\n"
            "weft_h_bucket{le=\"0.5\"} 2\n");
}

}  // namespace
}  // namespace weft::stats
