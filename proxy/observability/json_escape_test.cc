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

namespace weft::observability {
namespace {

// Byte-by-byte escaping of ASCII, the obvious way, to check the eight-bytes-
// at-a-time fast path against.
std::string ReferenceAscii(const std::string& in) {
  std::string out = "\"";
  for (char ch : in) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

TEST(JsonEscapeTest, EveryAsciiByteAtEveryPositionOfAWordMatchesTheReference) {
  for (int byte = 0; byte < 0x80; ++byte) {
    for (size_t length : {1, 7, 8, 9, 16, 23}) {
      for (size_t pos = 0; pos < length; ++pos) {
        std::string in(length, 'a');
        in[pos] = static_cast<char>(byte);
        std::string out = "prefix";
        AppendJsonString(&out, in);
        ASSERT_EQ(out, "prefix" + ReferenceAscii(in)) << byte << " at " << pos << "/" << length;
      }
    }
  }
}

TEST(JsonEscapeTest, WorstCaseFitsTheDocumentedBound) {
  const std::string worst[] = {std::string(50, '\x01'), std::string(50, '\xFF'),
                               "\xE2\x80\xA8\xE2\x80\xA8", std::string(64, 'z')};
  for (const std::string& in : worst) {
    std::string buf(JsonStringMaxSize(in.size()), '\0');
    char* end = WriteJsonString(in, buf.data());
    EXPECT_LE(static_cast<size_t>(end - buf.data()), JsonStringMaxSize(in.size()));
    std::string appended;
    AppendJsonString(&appended, in);
    EXPECT_EQ(std::string(buf.data(), end), appended);
  }
  std::string invalid;
  AppendJsonString(&invalid, std::string(3, '\xFF'));
  EXPECT_EQ(invalid, "\"\\ufffd\\ufffd\\ufffd\"");
}

}  // namespace
}  // namespace weft::observability
