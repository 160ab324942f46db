#include "proxy/http2/flood_guard.h"

#include "gtest/gtest.h"

namespace weft::http2 {
namespace {

constexpr uint8_t kHeaders = 0x1, kRst = 0x3, kSettings = 0x4, kPing = 0x6;

TEST(FloodGuardTest, ResetsBeyondTheAllowance) {
  Http2Options options;
  options.max_inbound_resets_per_window = 3;
  FloodGuard guard(options);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(guard.OnFrameReceived(kRst), "");
  EXPECT_EQ(guard.OnFrameReceived(kRst), "rst_stream_flood");
}

TEST(FloodGuardTest, CompletedStreamsWidenTheResetAllowance) {
  Http2Options options;
  options.max_inbound_resets_per_window = 3;
  FloodGuard guard(options);
  for (int i = 0; i < 5; ++i) guard.OnStreamCompletedNormally();  // allowance 10
  for (int i = 0; i < 10; ++i) EXPECT_EQ(guard.OnFrameReceived(kRst), "") << i;
  EXPECT_EQ(guard.OnFrameReceived(kRst), "rst_stream_flood");
}

TEST(FloodGuardTest, SettingsAndPings) {
  Http2Options options;
  options.max_settings_per_window = 2;
  options.max_pings_per_window = 1;
  FloodGuard guard(options);
  EXPECT_EQ(guard.OnFrameReceived(kSettings), "");
  EXPECT_EQ(guard.OnFrameReceived(kSettings), "");
  EXPECT_EQ(guard.OnFrameReceived(kPing), "");
  EXPECT_EQ(guard.OnFrameReceived(kPing), "ping_flood");
  EXPECT_EQ(guard.OnFrameReceived(kSettings), "settings_flood");
}

TEST(FloodGuardTest, CountersRestartEveryWindow) {
  Http2Options options;
  options.max_pings_per_window = 2;
  options.flood_window_frames = 4;
  FloodGuard guard(options);
  for (int window = 0; window < 10; ++window) {
    EXPECT_EQ(guard.OnFrameReceived(kPing), "");
    EXPECT_EQ(guard.OnFrameReceived(kPing), "");
    EXPECT_EQ(guard.OnFrameReceived(kHeaders), "");
    EXPECT_EQ(guard.OnFrameReceived(kHeaders), "");
  }
  EXPECT_EQ(guard.OnFrameReceived(kPing), "");
  EXPECT_EQ(guard.OnFrameReceived(kPing), "");
  EXPECT_EQ(guard.OnFrameReceived(kPing), "ping_flood");
}

}  // namespace
}  // namespace weft::http2
