#include "ingest/time_parse.h"

#include <gtest/gtest.h>

namespace opsdeck::ingest {
namespace {

int64_t Ms(std::string_view s) {
  auto t = ParseRfc3339(s);
  EXPECT_TRUE(t.has_value()) << s;
  return t ? core::ToUnixMillis(*t) : -1;
}

TEST(TimeParseTest, AcceptsRfc3339Forms) {
  EXPECT_EQ(Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Ms("2026-03-10T14:02:11Z"), 1773151331000);
  EXPECT_EQ(Ms("2026-03-10T14:30:01.512Z"), 1773153001512);
  EXPECT_EQ(Ms("2026-03-10T14:30:01.5Z"), 1773153001500);
  EXPECT_EQ(Ms("2026-03-10T14:30:01.512999Z"), 1773153001512);  // truncated to ms
  EXPECT_EQ(Ms("2026-03-10T16:02:11+02:00"), 1773151331000);
  EXPECT_EQ(Ms("2026-03-10T09:32:11-04:30"), 1773151331000);
  EXPECT_EQ(Ms("2026-03-10t14:02:11z"), 1773151331000);
  EXPECT_EQ(Ms("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_EQ(Ms("2016-12-31T23:59:60Z"), 1483228800000);  // leap second
  EXPECT_EQ(Ms("1960-01-01T00:00:00Z"), -315619200000);
}

TEST(TimeParseTest, RejectsEverythingElse) {
  for (const char* bad :
       {"", "2026-03-10", "2026-03-10T14:02:11", "2026-03-10 14:02:11Z", "2026-03-10T14:02Z",
        "2026-3-10T14:02:11Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-03-10T24:00:00Z",
        "2026-03-10T14:60:00Z", "2026-03-10T14:02:61Z", "2026-03-10T14:02:11.Z",
        "2026-03-10T14:02:11+0200", "2026-03-10T14:02:11+02", "2026-03-10T14:02:11Z ",
        "2026-03-10T14:02:11ZZ", "2026-03-10 14:12:05 UTC", "2026-03-10T14:38:40.210+0000",
        "x026-03-10T14:02:11Z", "2026-03-10T14:02:11+24:00"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace opsdeck::ingest
