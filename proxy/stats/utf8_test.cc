#include "proxy/stats/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace weft::stats {
namespace {

TEST(Utf8Test, KeepsValidSequencesOfEveryLength) {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  EXPECT_EQ(SanitizeUtf8(s), s);
  EXPECT_EQ(DecodeUtf8(s, 1).code_point, 0xE9u);
  EXPECT_EQ(DecodeUtf8(s, 3).code_point, 0x20ACu);
  EXPECT_EQ(DecodeUtf8(s, 6).code_point, 0x1F600u);
  EXPECT_EQ(DecodeUtf8(s, 6).length, 4u);
}

TEST(Utf8Test, ReplacesEachInvalidByte) {
  struct Case {
    std::string in;
    std::string want;
  };
  const std::string r(kUtf8Replacement);
  const Case cases[] = {
      {"\x80", r},                          // lone continuation
      {"\xC3", r},                          // truncated at end
      {"\xC3(", r + "("},                   // bad continuation
      {"\xC0\xAF", r + r},                  // overlong '/'
      {"\xE0\x80\xAF", r + r + r},          // overlong 3-byte
      {"\xED\xA0\x80", r + r + r},          // surrogate U+D800
      {"\xF4\x90\x80\x80", r + r + r + r},  // above U+10FFFF
      {"\xFF"
       "a",
       r + "a"},                                         // never valid
      {std::string("x\0y", 3), std::string("x\0y", 3)},  // NUL is valid UTF-8
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SanitizeUtf8(c.in), c.want) << testing::PrintToString(c.in);
  }
}

}  // namespace
}  // namespace weft::stats
