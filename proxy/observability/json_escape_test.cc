#include "proxy/observability/json_escape.h"

#include <string>

#include "gtest/gtest.h"

namespace weft::observability {
namespace {

TEST(JsonEscapeTest, EscapesPerRfc8259AndReplacesInvalidUtf8) {
  struct Case {
    std::string in;
    std::string want;  // including quotes
  };
  const Case cases[] = {
      {"", "\"\""},
      {"plain /path?x=1", "\"plain /path?x=1\""},
      {"q\"b\\s", "\"q\\\"b\\\\s\""},
      {"\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\""},
      {std::string("\x00\x01\x1f\x7f", 4), "\"\\u0000\\u0001\\u001f\\u007f\""},
      {"caf\xC3\xA9 \xE2\x82\xAC", "\"caf\xC3\xA9 \xE2\x82\xAC\""},  // valid UTF-8 kept
      {"\xE2\x80\xA8|\xE2\x80\xA9", "\"\\u2028|\\u2029\""},
      {"a\xFF"
       "b",
       "\"a\\ufffdb\""},
      {"\xC3", "\"\\ufffd\""},                        // truncated
      {"\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\""},  // surrogate
      {"</script>", "\"</script>\""},
  };
  for (const Case& c : cases) {
    std::string out;
    AppendJsonString(&out, c.in);
    EXPECT_EQ(out, c.want) << testing::PrintToString(c.in);
  }
}

}  // namespace
}  // namespace weft::observability
