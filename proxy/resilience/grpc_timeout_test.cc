#include "proxy/resilience/grpc_timeout.h"

#include "gtest/gtest.h"

namespace weft::resilience {
namespace {

TEST(GrpcTimeoutTest, ParsesEveryUnit) {
  EXPECT_EQ(*ParseGrpcTimeout("100m"), absl::Milliseconds(100));
  EXPECT_EQ(*ParseGrpcTimeout("5S"), absl::Seconds(5));
  EXPECT_EQ(*ParseGrpcTimeout("2M"), absl::Minutes(2));
  EXPECT_EQ(*ParseGrpcTimeout("1H"), absl::Hours(1));
  EXPECT_EQ(*ParseGrpcTimeout("7u"), absl::Microseconds(7));
  EXPECT_EQ(*ParseGrpcTimeout("99999999n"), absl::Nanoseconds(99999999));
}

TEST(GrpcTimeoutTest, RejectsMalformedValuesWithAReason) {
  for (const char* bad : {"", "S", "100", "123456789S", "1.5S", "-1S", "10s", "10x"}) {
    absl::StatusOr<absl::Duration> t = ParseGrpcTimeout(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseGrpcTimeout("10x").status().message().find("unknown unit 'x'"),
            std::string::npos);
}

TEST(GrpcTimeoutTest, FormatsPreciselyWithinEightDigitsAndRoundsUp) {
  EXPECT_EQ(FormatGrpcTimeout(absl::Milliseconds(100)), "100000u");  // 9 digits in ns
  EXPECT_EQ(FormatGrpcTimeout(absl::Milliseconds(50)), "50000000n");
  EXPECT_EQ(FormatGrpcTimeout(absl::Seconds(5)), "5000000u");
  EXPECT_EQ(FormatGrpcTimeout(absl::Seconds(5) + absl::Nanoseconds(1)), "5000001u");
  EXPECT_EQ(FormatGrpcTimeout(absl::Hours(30)), "108000S");
  EXPECT_EQ(FormatGrpcTimeout(-absl::Seconds(1)), "0n");
  EXPECT_EQ(FormatGrpcTimeout(absl::Nanoseconds(99999999)), "99999999n");
  EXPECT_EQ(FormatGrpcTimeout(absl::Hours(99999999) + absl::Seconds(1)), "99999999H");
  EXPECT_EQ(FormatGrpcTimeout(absl::InfiniteDuration()), "99999999H");
  for (absl::Duration d : {absl::Milliseconds(1234), absl::Minutes(90), absl::Nanoseconds(3)}) {
    absl::StatusOr<absl::Duration> back = ParseGrpcTimeout(FormatGrpcTimeout(d));
    ASSERT_TRUE(back.ok());
    EXPECT_GE(*back, d);
  }
}

TEST(GrpcTimeoutTest, NeverExtendsTheCallersDeadline) {
  EXPECT_EQ(EffectiveTimeout(absl::Seconds(15), absl::Seconds(2)), absl::Seconds(2));
  EXPECT_EQ(EffectiveTimeout(absl::Seconds(1), absl::Seconds(2)), absl::Seconds(1));
  EXPECT_EQ(EffectiveTimeout(absl::ZeroDuration(), absl::Seconds(2)), absl::Seconds(2));
  EXPECT_EQ(EffectiveTimeout(absl::Seconds(3), std::nullopt), absl::Seconds(3));
  EXPECT_EQ(EffectiveTimeout(absl::ZeroDuration(), std::nullopt), absl::InfiniteDuration());
  EXPECT_EQ(EffectiveTimeout(absl::Seconds(3), -absl::Seconds(1)), absl::ZeroDuration());
}

}  // namespace
}  // namespace weft::resilience
