#include "proxy/http/ascii_case.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace weft::http {
namespace {

TEST(AsciiCaseTest, FoldsOnlyLettersAtEveryPosition) {
  EXPECT_TRUE(EqualsIgnoreCaseAscii("Transfer-Encoding", "transfer-encoding"));
  EXPECT_TRUE(EqualsIgnoreCaseAscii("TE", "te"));
  EXPECT_TRUE(EqualsIgnoreCaseAscii("", ""));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("te", "tex"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("content-lengtH", "content-length2"));
  // '@' / '`', '[' / '{' and ']' / '}' differ by 0x20 too but are not letters.
  EXPECT_FALSE(EqualsIgnoreCaseAscii("abc@defgh", "abc`defgh"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("[bcdefghij]", "{bcdefghij}"));
  // Bytes >= 0x80 match only themselves (0xC1 | 0x20 == 0xE1).
  EXPECT_FALSE(EqualsIgnoreCaseAscii(std::string("abcdefg\xC1", 8), std::string("abcdefg\xE1", 8)));
  EXPECT_TRUE(EqualsIgnoreCaseAscii(std::string("ABCDEFG\xC1", 8), std::string("abcdefg\xC1", 8)));
}

TEST(AsciiCaseTest, AgreesWithAbslOnEveryBytePairInEveryLane) {
  // Each pair of bytes, placed in a word lane (position 3) and in the tail
  // (position 9), next to bytes that would carry if lanes were not isolated.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      std::string x(10, '\xFF');
      std::string y(10, '\xFF');
      x[3] = static_cast<char>(a);
      y[3] = static_cast<char>(b);
      x[9] = static_cast<char>(b);
      y[9] = static_cast<char>(b);
      ASSERT_EQ(EqualsIgnoreCaseAscii(x, y), absl::EqualsIgnoreCase(x, y)) << a << " " << b;
      x[3] = y[3];
      x[9] = static_cast<char>(a);
      ASSERT_EQ(EqualsIgnoreCaseAscii(x, y), absl::EqualsIgnoreCase(x, y)) << a << " " << b;
    }
  }
}

TEST(AsciiCaseTest, HasAsciiUpperLooksAtEveryByteOnly) {
  EXPECT_FALSE(HasAsciiUpper(""));
  EXPECT_FALSE(HasAsciiUpper("already-lower-case-and-long-name"));
  EXPECT_FALSE(HasAsciiUpper("@[`{-_0123456789"));
  EXPECT_FALSE(HasAsciiUpper(std::string("abcdefg\xC1\xDA\xC1", 10)));  // high bytes
  for (size_t at = 0; at < 19; ++at) {
    std::string s(19, 'a');
    s[at] = 'Z';
    EXPECT_TRUE(HasAsciiUpper(s)) << at;
    s[at] = 'A';
    EXPECT_TRUE(HasAsciiUpper(s)) << at;
  }
}

}  // namespace
}  // namespace weft::http
