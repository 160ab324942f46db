// Writes the seed corpus of http2_codec_fuzz: small valid frame sequences (a
// request with body and trailers, a reset, a ping, a response...). The first
// byte of each seed is the fuzzer's cut point.
//   bazel run //proxy/http2:http2_fuzz_seeds -- --out=$PWD/proxy/http2/testdata/http2_codec_fuzz_corpus
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "proxy/http2/http2_test_util.h"

ABSL_FLAG(std::string, out, "", "directory to write the seed files into (must exist)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes the http2_codec_fuzz seed corpus.\nUsage: http2_fuzz_seeds --out=<dir>");
  absl::ParseCommandLine(argc, argv);
  const std::string dir = absl::GetFlag(FLAGS_out);
  if (dir.empty()) {
    std::fprintf(stderr, "error: --out=<dir> is required (see --help)\n");
    return 2;
  }
  namespace t = weft::http2::testing;
  auto post = t::GetRequestFields("/svc/Method");
  post[0].second = "POST";
  post.emplace_back("content-type", "application/grpc");
  post.emplace_back("te", "trailers");
  const std::vector<std::pair<std::string, std::string>> seeds = {
      {"get", t::HeadersFrame(1, t::GetRequestFields(), true)},
      {"grpc_unary", t::HeadersFrame(1, post, false) + t::DataFrame(1, std::string("\0\0\0\0\2hi", 7), false) +
                         t::HeadersFrame(1, {{"x-trailer", "1"}}, true)},
      {"two_streams_and_reset", t::HeadersFrame(1, t::GetRequestFields(), false) +
                                    t::HeadersFrame(3, t::GetRequestFields("/b"), true) +
                                    t::RstStreamFrame(1, 8)},
      {"ping_settings_window", t::PingFrame() + t::SettingsFrame({{0x4, 1 << 20}}) +
                                   t::WindowUpdateFrame(0, 1 << 16) + t::SettingsFrame({}, true)},
      {"response", t::HeadersFrame(1, {{":status", "200"}}, false) + t::DataFrame(1, "ok", false) +
                       t::HeadersFrame(1, {{"grpc-status", "0"}}, true)},
      {"informational", t::HeadersFrame(1, {{":status", "100"}}, false) +
                            t::HeadersFrame(1, {{":status", "204"}}, true)},
      {"goaway", t::HeadersFrame(1, t::GetRequestFields(), true) + t::GoAwayFrame(1, 0)},
  };
  for (const auto& [name, bytes] : seeds) {
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << static_cast<char>(0) << bytes;
    if (!out) {
      std::fprintf(stderr, "error: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), dir.c_str());
  return 0;
}
