// Value forms: durations, sizes, RFC 3339 times, cron, listen addresses, URLs.
#include "config/internal/formats.h"

#include <gtest/gtest.h>

namespace opsdeck::config::internal {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsEveryUnitAndSums) {
  EXPECT_EQ(*ParseDuration("500ms"), 500ms);
  EXPECT_EQ(*ParseDuration("30s"), 30s);
  EXPECT_EQ(*ParseDuration("5m"), 5min);
  EXPECT_EQ(*ParseDuration("2h"), 2h);
  EXPECT_EQ(*ParseDuration("7d"), 7 * 24h);
  EXPECT_EQ(*ParseDuration("400d"), 400 * 24h);
  EXPECT_EQ(*ParseDuration("1h30m"), 90min);
  EXPECT_EQ(*ParseDuration("0s"), 0ms);
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad :
       {"", "30", "5x", "1.5h", "-5s", "s", "5 m", "5M", "1h30", "99999999999999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  EXPECT_NE(ParseDuration("30").error().message.find("needs a unit"), std::string::npos);
  EXPECT_NE(ParseDuration("5x").error().message.find("unknown duration unit 'x'"),
            std::string::npos);
}

TEST(ParseSize, AcceptsBinaryDecimalAndBytes) {
  EXPECT_EQ(*ParseSize("512KiB"), 512u * 1024);
  EXPECT_EQ(*ParseSize("1MiB"), 1024u * 1024);
  EXPECT_EQ(*ParseSize("2GiB"), 2ULL << 30);
  EXPECT_EQ(*ParseSize("1048576"), 1048576u);
  EXPECT_EQ(*ParseSize("100B"), 100u);
  EXPECT_EQ(*ParseSize("10KB"), 10'000u);
  EXPECT_EQ(*ParseSize("3MB"), 3'000'000u);
  EXPECT_EQ(*ParseSize("1GB"), 1'000'000'000u);
}

TEST(ParseSize, RejectsMalformed) {
  for (const char* bad : {"", "MiB", "1.5MiB", "1 MiB", "1mib", "1M", "-1", "99999999999TiB"}) {
    EXPECT_FALSE(ParseSize(bad).has_value()) << bad;
  }
}

TEST(ParseRfc3339, ParsesUtcOffsetsAndFractions) {
  EXPECT_EQ(core::FormatRfc3339(*ParseRfc3339("2026-12-20T00:00:00Z")), "2026-12-20T00:00:00.000Z");
  EXPECT_EQ(core::FormatRfc3339(*ParseRfc3339("2026-12-20T01:30:00.25+01:00")),
            "2026-12-20T00:30:00.250Z");
  EXPECT_EQ(core::FormatRfc3339(*ParseRfc3339("2026-12-19T23:00:00-02:00")),
            "2026-12-20T01:00:00.000Z");
}

TEST(ParseRfc3339, RejectsMalformed) {
  for (const char* bad :
       {"2026-12-20", "2026-12-20T00:00:00", "2026-02-30T00:00:00Z", "2026-12-20 00:00:00Z",
        "2026-12-20T24:00:00Z", "2026-12-20T00:00:00+1", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(CheckCron, AcceptsTheUsualForms) {
  for (const char* good : {"0 2 * * SUN", "0 14 * * TUE,THU", "*/15 * * * *", "0 9-17 * * 1-5",
                           "30 3 1 JAN,jul *", "0 0 * * 7", "5,35 */2 1-15/3 * MON-FRI"}) {
    EXPECT_TRUE(CheckCron(good).has_value()) << good;
  }
}

TEST(CheckCron, RejectsBadFieldsAndCounts) {
  for (const char* bad :
       {"0 2 * *", "0 2 * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
        "* * * * FUNDAY", "*/0 * * * *", "5-1 * * * *", "@daily", ""}) {
    EXPECT_FALSE(CheckCron(bad).has_value()) << bad;
  }
  EXPECT_NE(CheckCron("0 2 * *").error().message.find("needs 5 fields"), std::string::npos);
}

TEST(ParseListen, HostPortForms) {
  auto v4 = ParseListen("127.0.0.1:8080");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = ParseListen("[::1]:9000");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
  EXPECT_EQ(ParseListen("localhost:0")->port, 0);  // any free port (tests)
  EXPECT_EQ(ParseListen("0.0.0.0:80")->host, "0.0.0.0");
}

TEST(ParseListen, RejectsAmbiguousOrMalformed) {
  for (const char* bad : {":8080", "8080", "::1:8080", "[::1]8080", "[nothost]:80", "host:99999",
                          "host:", "ho st:80"}) {
    EXPECT_FALSE(ParseListen(bad).has_value()) << bad;
  }
  EXPECT_NE(ParseListen(":8080").error().message.find("0.0.0.0"), std::string::npos);
}

TEST(CheckHttpUrl, NeedsSchemeAndHostAndNeverEchoes) {
  EXPECT_TRUE(CheckHttpUrl("https://ops.example.com").has_value());
  EXPECT_TRUE(CheckHttpUrl("http://10.0.2.20/healthz").has_value());
  for (const char* bad :
       {"ops.example.com", "ftp://x", "https://", "https:///path", "https://a b"}) {
    EXPECT_FALSE(CheckHttpUrl(bad).has_value()) << bad;
  }
  EXPECT_EQ(CheckHttpUrl("hxxps://secret-token@host").error().message.find("secret-token"),
            std::string::npos);
}

TEST(CheckIpOrCidr, AddressesAndRanges) {
  for (const char* good : {"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"})
    EXPECT_TRUE(CheckIpOrCidr(good).has_value());
  for (const char* bad : {"localhost", "10.0.0.0/33", "::1/129", "1.2.3"})
    EXPECT_FALSE(CheckIpOrCidr(bad).has_value());
}

TEST(CheckTimezoneName, ShapeOnly) {
  EXPECT_TRUE(CheckTimezoneName("UTC").has_value());
  EXPECT_TRUE(CheckTimezoneName("America/Argentina/Buenos_Aires").has_value());
  EXPECT_TRUE(CheckTimezoneName("Etc/GMT+5").has_value());
  for (const char* bad : {"", "Europe Berlin", "/etc/passwd", "../x"})
    EXPECT_FALSE(CheckTimezoneName(bad).has_value());
}

}  // namespace
}  // namespace opsdeck::config::internal
