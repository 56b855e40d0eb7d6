// The text helpers every channel's limits rest on: never an invalid UTF-8
// output, never over the limit, truncation marked, and the answer readers.
#include "notify/text_limits.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "test_support.h"

namespace opsdeck::notify {
namespace {

using namespace std::chrono_literals;

TEST(TextLimitsTest, CountsCodePointsAndUtf16Units) {
  EXPECT_EQ(CountCodePoints("aé中😀"), 4u);
  EXPECT_EQ(TextLength("aé中😀"), 5u);
  EXPECT_EQ(TextLength(""), 0u);
}

TEST(TextLimitsTest, RepairsInvalidUtf8) {
  EXPECT_EQ(ValidUtf8("ok"), "ok");
  EXPECT_EQ(ValidUtf8("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(IsValidUtf8(ValidUtf8("\xC0\xAF")));          // overlong '/'
  EXPECT_TRUE(IsValidUtf8(ValidUtf8("\xED\xA0\x80")));      // a surrogate
  EXPECT_TRUE(IsValidUtf8(ValidUtf8("\xF4\x90\x80\x80")));  // beyond U+10FFFF
  EXPECT_TRUE(IsValidUtf8(ValidUtf8("\xE4\xB8")));          // cut off
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));
}

TEST(TextLimitsTest, FitTextTrimsAndMarksTruncation) {
  EXPECT_EQ(FitText("  short \n", 10), "short");
  EXPECT_EQ(FitText("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(FitText("abcdefghijk", 10), "abcdefghi\xE2\x80\xA6");
  EXPECT_EQ(FitText("abcd    efgh", 6), "abcd\xE2\x80\xA6");  // no space before the mark
  EXPECT_EQ(FitText("😀😀😀", 4), "😀\xE2\x80\xA6");              // 2 + 1 units
  EXPECT_EQ(FitText("abc", 0), "");
  EXPECT_EQ(FitText("abc", 1), "\xE2\x80\xA6");
}

TEST(TextLimitsTest, FitTextNeverSplitsOrOverflowsOnRandomInput) {
  std::mt19937 rng(42);
  const std::string pieces[] = {"a", " ", "é", "中", "😀", "\xFF", "\xE4\xB8", "\n"};
  for (int round = 0; round < 300; ++round) {
    std::string s;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) s += pieces[rng() % std::size(pieces)];
    const size_t max = rng() % 40;
    const std::string out = FitText(s, max);
    EXPECT_TRUE(testing::IsStrictUtf8(out));
    EXPECT_LE(TextLength(out), max);
    EXPECT_LE(testing::TrimmedCodePoints(out), max);
    EXPECT_EQ(TrimSpace(out), out);
  }
}

TEST(TextLimitsTest, RedactReplacesLongestFirst) {
  EXPECT_EQ(Redact("GET https://h/x/tok tok", {"tok", "https://h/x/tok", ""}),
            "GET <redacted> <redacted>");
}

TEST(TextLimitsTest, UrlSecretsCoverTokensButNotShortParts) {
  const auto secrets =
      UrlSecrets("https://user:pw@h.example.com/in/0123456789abcdef0123?token=abcdefgh12&a=1");
  const auto has = [&](std::string_view s) {
    return std::find(secrets.begin(), secrets.end(), s) != secrets.end();
  };
  EXPECT_TRUE(has("user:pw"));
  EXPECT_TRUE(has("pw"));
  EXPECT_TRUE(has("0123456789abcdef0123"));
  EXPECT_TRUE(has("abcdefgh12"));
  EXPECT_FALSE(has("in"));
  EXPECT_FALSE(has("1"));
}

TEST(TextLimitsTest, PrintableSnippet) {
  EXPECT_EQ(PrintableSnippet("  a\r\n\tb\x7F c  ", 50), "a b c");
  EXPECT_EQ(PrintableSnippet(std::string(500, 'x'), 10), "xxxxxxxxx\xE2\x80\xA6");
  EXPECT_EQ(PrintableSnippet("\xC2\x85x", 10), "x");  // C1 control
}

TEST(TextLimitsTest, FindHeaderIgnoresCase) {
  const HeaderList h = {{"retry-after", "3"}, {"X-RateLimit-Remaining", "0"}};
  EXPECT_EQ(FindHeader(h, "Retry-After").value_or(""), "3");
  EXPECT_EQ(FindHeader(h, "x-ratelimit-remaining").value_or(""), "0");
  EXPECT_FALSE(FindHeader(h, "X-RateLimit-Reset-After"));
}

TEST(TextLimitsTest, ParseSeconds) {
  EXPECT_EQ(ParseSeconds("1"), 1000ms);
  EXPECT_EQ(ParseSeconds(" 0.25 "), 250ms);
  EXPECT_EQ(ParseSeconds("1.337"), 1337ms);
  EXPECT_EQ(ParseSeconds("0.0001"), 1ms);  // rounded up
  EXPECT_EQ(ParseSeconds("0"), 0ms);
  EXPECT_EQ(ParseSeconds("1e9"), std::chrono::milliseconds(86400000));
  EXPECT_FALSE(ParseSeconds("-1"));
  EXPECT_FALSE(ParseSeconds("nan"));
  EXPECT_FALSE(ParseSeconds("inf"));
  EXPECT_FALSE(ParseSeconds("Wed, 21 Oct 2026 07:28:00 GMT"));
  EXPECT_FALSE(ParseSeconds(""));
}

}  // namespace
}  // namespace opsdeck::notify
