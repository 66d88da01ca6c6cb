// escapeForTerminal: what a crafted model name can and cannot get through.
#include <gtest/gtest.h>

#include <string>

#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

TEST(EscapeForTerminal, PlainAsciiIsUnchanged) {
  EXPECT_EQ(escapeForTerminal("conv_1/Relu:0 (x) [1, 3] 'q'"), "conv_1/Relu:0 (x) [1, 3] 'q'");
  EXPECT_EQ(escapeForTerminal(""), "");
}

TEST(EscapeForTerminal, BackslashIsKeptAsIs) { EXPECT_EQ(escapeForTerminal("a\\b"), "a\\b"); }

TEST(EscapeForTerminal, AnsiEscapeSequence) {
  EXPECT_EQ(escapeForTerminal("conv\x1b[2J\x1b[31mred"), "conv\\x1b[2J\\x1b[31mred");
}

TEST(EscapeForTerminal, NewlineBecomesBackslashN) { EXPECT_EQ(escapeForTerminal("a\nb\n"), "a\\nb\\n"); }

TEST(EscapeForTerminal, OtherControlCharacters) {
  EXPECT_EQ(escapeForTerminal("a\tb\rc\x7f"), "a\\x09b\\x0dc\\x7f");
  EXPECT_EQ(escapeForTerminal(std::string("a\0b", 3)), "a\\x00b");
}

TEST(EscapeForTerminal, ValidMultibyteUtf8IsKept) {
  EXPECT_EQ(escapeForTerminal("gr\xc3\xb6\xc3\x9f" "e"), "gr\xc3\xb6\xc3\x9f" "e");       // größe
  EXPECT_EQ(escapeForTerminal("\xe6\x89\xb9\xe6\xac\xa1"), "\xe6\x89\xb9\xe6\xac\xa1");  // 批次
  EXPECT_EQ(escapeForTerminal("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");                  // U+1F600
}

TEST(EscapeForTerminal, InvalidUtf8BytesAreEscapedOneByOne) {
  EXPECT_EQ(escapeForTerminal("a\xff" "b"), "a\\xffb");
  EXPECT_EQ(escapeForTerminal("\x80"), "\\x80");                      // stray continuation byte
  EXPECT_EQ(escapeForTerminal("x\xc3"), "x\\xc3");                    // truncated at the end
  EXPECT_EQ(escapeForTerminal("\xc3(x"), "\\xc3(x");                  // lead byte without continuation
  EXPECT_EQ(escapeForTerminal("\xc0\xaf"), "\\xc0\\xaf");             // overlong '/'
  EXPECT_EQ(escapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");    // UTF-16 surrogate
  EXPECT_EQ(escapeForTerminal("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
}

TEST(EscapeForTerminal, C1ControlsAndBidiOverridesAreEscaped) {
  EXPECT_EQ(escapeForTerminal("a\xc2\x9b" "31m"), "a\\xc2\\x9b31m");  // U+009B CSI
  EXPECT_EQ(escapeForTerminal("ab\xe2\x80\xae" "cd"), "ab\\xe2\\x80\\xaecd");  // U+202E RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(escapeForTerminal("\xe2\x81\xa6"), "\\xe2\\x81\\xa6");   // U+2066 LEFT-TO-RIGHT ISOLATE
}

// Every two-byte input: the output holds no control byte, and escaping it
// again changes nothing (it is valid, safe UTF-8).
TEST(EscapeForTerminal, AllBytePairsComeOutSafe) {
  for (int first = 0; first < 256; ++first) {
    for (int second = 0; second < 256; ++second) {
      const std::string input = {static_cast<char>(first), static_cast<char>(second)};
      const std::string escaped = escapeForTerminal(input);
      for (char c : escaped) {
        const auto byte = static_cast<unsigned char>(c);
        ASSERT_TRUE(byte >= 0x20 && byte != 0x7F) << "input " << first << "," << second;
      }
      ASSERT_EQ(escapeForTerminal(escaped), escaped) << "input " << first << "," << second;
    }
  }
}

}  // namespace
}  // namespace shapelint::report
