// libFuzzer target: arbitrary bytes into the HTTP/1 request and response parsers,
// split at a fuzzer-chosen point to exercise reassembly, with pipelining.
#include <cstddef>
#include <cstdint>

#include "proxy/http/http1_parser.h"

namespace {

class Sink : public weft::http::Http1Parser::Callbacks {
 public:
  void OnMessageHead(weft::http::MessageHead& head) override {
    head.headers.Get("content-length");
    head.headers.Remove("connection");
  }
  void OnBody(absl::string_view data) override { bytes += data.size(); }
  void OnMessageComplete() override { ++messages; }
  size_t bytes = 0;
  size_t messages = 0;
};

void Feed(weft::http::Http1Parser::Type type, absl::string_view input, size_t split) {
  Sink sink;
  weft::http::Http1Parser parser(type, &sink, 4096);
  absl::string_view parts[2] = {input.substr(0, split), input.substr(split)};
  for (absl::string_view part : parts) {
    for (int guard = 0; guard < 1000 && !part.empty(); ++guard) {
      auto r = parser.Execute(part);
      if (r.error != weft::http::ParseError::kNone) return;
      part.remove_prefix(r.consumed);
      if (r.message_complete) parser.Reset();
      else if (r.consumed == 0) return;
    }
  }
  parser.Finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = input.empty() ? 0 : data[0] % (input.size() + 1);
  Feed(weft::http::Http1Parser::Type::kRequest, input, split);
  Feed(weft::http::Http1Parser::Type::kResponse, input, split);
  return 0;
}
