// The text of a result block (store/result_block.h): every field round-trips,
// absent values stay absent, errors keep backslashes and newlines, and text
// that is not a block is refused rather than guessed at.
#include "store/result_block.h"

#include <gtest/gtest.h>

namespace opsdeck::store {
namespace {

using core::Micros;

constexpr int64_t kFirst = 1'764'547'200'000;  // 2025-12-01T00:00:00Z

core::CheckResult Full() {
  core::CheckResult r;
  r.at = core::FromUnixMillis(kFirst);
  r.ok = true;
  r.timings.dns = Micros(12);
  r.timings.connect = Micros(212);
  r.timings.tls = Micros(3400);
  r.timings.first_byte = Micros(1490);
  r.timings.total = Micros(5834);
  r.http_status = 200;
  r.certificate_days = 41;
  return r;
}

std::string Encode(const std::vector<core::CheckResult>& results) {
  std::string text;
  for (const auto& r : results) {
    if (!text.empty()) text.push_back('\n');
    AppendBlockLine(text, kFirst, core::ToUnixMillis(r.at), r);
  }
  return text;
}

TEST(ResultBlockTest, EveryFieldRoundTrips) {
  core::CheckResult bare;  // a refused connection: only total and the error
  bare.at = core::FromUnixMillis(kFirst + 10'000);
  bare.timings.total = Micros(391);
  bare.error = "connect: connection refused";
  core::CheckResult expiring = Full();
  expiring.at = core::FromUnixMillis(kFirst + 20'000);
  expiring.ok = false;
  expiring.certificate_days = -3;  // expired three days ago
  expiring.error = "certificate_days >= 14 failed: got -3";
  const std::vector<core::CheckResult> in{Full(), bare, expiring};

  const std::string text = Encode(in);
  EXPECT_EQ(text.substr(0, text.find('\n')), "0,1,5834,12,212,3400,1490,200,41,");
  EXPECT_NE(text.find("\n10000,0,391,,,,,,,connect: connection refused\n"), std::string::npos);
  auto out = DecodeBlock(kFirst, text);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(*out, in);
  EXPECT_FALSE((*out)[1].timings.dns);
  EXPECT_FALSE((*out)[1].certificate_days);
  EXPECT_EQ((*out)[1].http_status, 0);
}

TEST(ResultBlockTest, ErrorsKeepBackslashesNewlinesAndCommas) {
  core::CheckResult r = Full();
  r.ok = false;
  r.error = "body matches \"a\\d+\" failed,\ngot: line 1\\n\nline 2 é";
  const std::string text = Encode({r});
  EXPECT_EQ(text.find('\n'), std::string::npos);  // one line per result
  auto out = DecodeBlock(kFirst, text);
  ASSERT_TRUE(out) << out.error().ToString();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(out->front().error, r.error);
}

TEST(ResultBlockTest, TimesAreTheBlocksFirstPlusTheOffset) {
  core::CheckResult later = Full();
  later.at = core::FromUnixMillis(kFirst + 3'599'999);
  auto out = DecodeBlock(kFirst, Encode({Full(), later}));
  ASSERT_TRUE(out);
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ(core::ToUnixMillis((*out)[0].at), kFirst);
  EXPECT_EQ(core::ToUnixMillis((*out)[1].at), kFirst + 3'599'999);
}

TEST(ResultBlockTest, TextThatIsNotABlockIsRefused) {
  for (const std::string_view bad :
       {"", "0,1,5", "0,1,5,,,,,,", "x,1,5,,,,,,,", "0,2,5,,,,,,,", "-1,1,5,,,,,,,",
        "0,1,,,,,,,,", "0,1,5,,,,,200x,,", "0,1,5,,,,,,,bad escape \\t",
        "0,1,5,,,,,,,ends in \\", "0,1,5,,,,,,,\n"}) {
    auto out = DecodeBlock(kFirst, bad);
    EXPECT_FALSE(out) << "accepted: " << bad;
    if (!out) {
      EXPECT_EQ(out.error().code, core::ErrorCode::kInternal);
    }
  }
}

}  // namespace
}  // namespace opsdeck::store
