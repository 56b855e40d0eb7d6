#include "net/log.h"

#include <gtest/gtest.h>

namespace opsdeck::net {
namespace {

TEST(LogLineTest, TextQuotesWhatWouldBreakTheLine) {
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "request", {{"path", "/healthz"}, {"status", 200}}),
            "request path=/healthz status=200");
  // A newline or a fake field in a value cannot forge a second line or field.
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "request", {{"path", "/x\nlevel=error a=b"}}),
            "request path=\"/x\\nlevel=error a=b\"");
  EXPECT_EQ(FormatLogLine(LogFormat::kText, "m", {{"empty", ""}}), "m empty=\"\"");
}

TEST(LogLineTest, JsonEscapesAndKeepsNumbersBare) {
  EXPECT_EQ(FormatLogLine(LogFormat::kJson, "request",
                          {{"path", "/a\"b\\c\x01"}, {"status", 404}, {"ms", 1.5}}),
            "\"msg\":\"request\",\"path\":\"/a\\\"b\\\\c\\u0001\",\"status\":404,\"ms\":1.500");
}

TEST(LogLineTest, ParsesLevelsAndFormats) {
  EXPECT_EQ(ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("text"), LogFormat::kText);
}

}  // namespace
}  // namespace opsdeck::net
