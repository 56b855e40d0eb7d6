// The condition language: parsing (good and bad inputs with their exact
// messages) and evaluation against observations (pass, and the exact
// `<condition> failed: got <actual>` text).
#include "monitor/condition.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;

ConditionSet Parse(std::vector<std::string> texts) {
  auto set = ConditionSet::Parse(texts);
  EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().ToString());
  return set ? std::move(*set) : ConditionSet{};
}

// Evaluates one condition against `obs`; "" when it holds.
std::string Eval(const std::string& text, const Observation& obs) {
  return Parse({text}).Evaluate(obs);
}

Observation Response(int status, std::string_view body = {}) {
  Observation obs;
  obs.status = status;
  obs.body = body;
  obs.response_time = 120ms;
  return obs;
}

TEST(ConditionTest, EmptyListMeansStatusBelow400) {
  auto set = Parse({});
  ASSERT_EQ(set.conditions().size(), 1u);
  EXPECT_EQ(set.conditions()[0].text, "status < 400");
  EXPECT_EQ(set.Evaluate(Response(200)), "");
  EXPECT_EQ(set.Evaluate(Response(302)), "");
  EXPECT_EQ(set.Evaluate(Response(503)), "status < 400 failed: got 503");
}

TEST(ConditionTest, Status) {
  EXPECT_EQ(Eval("status == 200", Response(200)), "");
  EXPECT_EQ(Eval("status == 200", Response(404)), "status == 200 failed: got 404");
  EXPECT_EQ(Eval("status != 500", Response(500)), "status != 500 failed: got 500");
  EXPECT_EQ(Eval("status >= 200", Response(199)), "status >= 200 failed: got 199");
  EXPECT_EQ(Eval("status in [200, 204]", Response(204)), "");
  EXPECT_EQ(Eval("status in [200, 204]", Response(201)), "status in [200, 204] failed: got 201");
}

TEST(ConditionTest, ResponseTimeComparesDurations) {
  Observation obs = Response(200);
  obs.response_time = 734ms;
  EXPECT_EQ(Eval("response_time < 2s", obs), "");
  EXPECT_EQ(Eval("response_time < 500ms", obs), "response_time < 500ms failed: got 734ms");
  obs.response_time = 2500us;
  EXPECT_EQ(Eval("response_time > 1h", obs), "response_time > 1h failed: got 2.5ms");
  EXPECT_EQ(Eval("response_time <= 1m30s", obs), "");
}

TEST(ConditionTest, BodyContainsAndMatches) {
  EXPECT_EQ(Eval("body contains \"db\"", Response(200, "db: ok")), "");
  EXPECT_EQ(Eval("body contains \"db\"", Response(200, "cache: ok")),
            "body contains \"db\" failed: got \"cache: ok\"");
  EXPECT_EQ(Eval("body matches \"^v[0-9]+\\\\.[0-9]+$\"", Response(200, "v1.42")), "");
  EXPECT_EQ(Eval("body matches \"ok$\"", Response(200, "ok\nnot")),
            "body matches \"ok$\" failed: got \"ok\\nnot\"");
  EXPECT_EQ(Eval("body == \"\"", Response(200, "")), "");
}

TEST(ConditionTest, LongBodyIsShortenedInTheMessage) {
  const std::string body(1000, 'x');
  EXPECT_EQ(Eval("body contains \"db\"", Response(200, body)),
            "body contains \"db\" failed: got \"" + std::string(80, 'x') + "\"... (1000 bytes)");
}

// The default std::regex executor recurses per character and crashes on a
// long single-line body; the polynomial one must not.
TEST(ConditionTest, RegexOverLongSingleLineBodyDoesNotOverflowTheStack) {
  std::string body(64 * 1024, 'a');
  body += "db";
  EXPECT_EQ(Eval("body matches \"a*db\"", Response(200, body)), "");
  EXPECT_NE(Eval("body matches \"b+c\"", Response(200, body)), "");
}

TEST(ConditionTest, JsonPathsAndLiterals) {
  const std::string body =
      R"({"status":"ok","db":{"up":true,"lag":0.25},"items":[{"id":3},{"id":"x"}],"gone":null})";
  Observation obs = Response(200, body);
  EXPECT_EQ(Eval("json.status == \"ok\"", obs), "");
  EXPECT_EQ(Eval("json.db.up == true", obs), "");
  EXPECT_EQ(Eval("json.db.lag < 1", obs), "");
  EXPECT_EQ(Eval("json.items[0].id == 3", obs), "");
  EXPECT_EQ(Eval("json.items[1].id == \"x\"", obs), "");
  EXPECT_EQ(Eval("json.gone == null", obs), "");
  EXPECT_EQ(Eval("json.status in [\"ok\", \"degraded\"]", obs), "");
  EXPECT_EQ(Eval("json.status contains \"o\"", obs), "");

  EXPECT_EQ(Eval("json.status == \"down\"", obs), "json.status == \"down\" failed: got \"ok\"");
  EXPECT_EQ(Eval("json.db.lag >= 0.5", obs), "json.db.lag >= 0.5 failed: got 0.25");
  EXPECT_EQ(Eval("json.items[0].id != 3", obs), "json.items[0].id != 3 failed: got 3");
  EXPECT_EQ(Eval("json.db.up == false", obs), "json.db.up == false failed: got true");
  EXPECT_EQ(Eval("json.items[1].id > 2", obs), "json.items[1].id > 2 failed: got \"x\"");
  EXPECT_EQ(Eval("json.db == 1", obs), "json.db == 1 failed: got {\"up\":true,\"lag\":2.5E-1}");
  EXPECT_EQ(Eval("json.items[5].id == 3", obs),
            "json.items[5].id == 3 failed: got (no such field)");
  EXPECT_EQ(Eval("json.missing != 1", obs), "json.missing != 1 failed: got (no such field)");
}

TEST(ConditionTest, JsonOnABodyThatIsNotJson) {
  EXPECT_EQ(Eval("json.status == \"ok\"", Response(200, "<html>")),
            "json.status == \"ok\" failed: got (body is not JSON: syntax error)");
}

TEST(ConditionTest, Headers) {
  auto set = Parse({"header.Content-Type contains \"json\"", "header.content-type != \"\"",
                    "header.X-Version == \"7\""});
  ASSERT_EQ(set.header_names(), (std::vector<std::string>{"content-type", "x-version"}));
  std::vector<std::optional<std::string>> values = {"application/json", std::nullopt};
  Observation obs = Response(200);
  obs.headers = values;
  EXPECT_EQ(set.Evaluate(obs), "header.X-Version == \"7\" failed: got (no such header)");
  values[0] = "text/html";
  values[1] = "7";
  EXPECT_EQ(set.Evaluate(obs), "header.Content-Type contains \"json\" failed: got \"text/html\"");
}

TEST(ConditionTest, CertificateDays) {
  Observation obs = Response(200);
  obs.certificate_days = 3;
  EXPECT_EQ(Eval("certificate_days > 14", obs), "certificate_days > 14 failed: got 3");
  EXPECT_EQ(Eval("certificate_days >= 3", obs), "");
  obs.certificate_days.reset();
  EXPECT_EQ(Eval("certificate_days > 14", obs),
            "certificate_days > 14 failed: got (no certificate)");
}

TEST(ConditionTest, EveryFailingConditionIsReportedInOrder) {
  auto set = Parse({"status == 200", "body contains \"db\"", "response_time < 100ms"});
  EXPECT_EQ(set.Evaluate(Response(503, "down")),
            "status == 200 failed: got 503; body contains \"db\" failed: got \"down\"; "
            "response_time < 100ms failed: got 120ms");
}

TEST(ConditionTest, WhatTheSetNeeds) {
  auto plain = Parse({"status == 200", "response_time < 1s"});
  EXPECT_FALSE(plain.needs_body());
  EXPECT_FALSE(plain.needs_json());
  auto body = Parse({"body contains \"x\""});
  EXPECT_TRUE(body.needs_body());
  EXPECT_FALSE(body.needs_json());
  auto json = Parse({"json.a == 1", "certificate_days > 1"});
  EXPECT_TRUE(json.needs_body());
  EXPECT_TRUE(json.needs_json());
  EXPECT_TRUE(json.needs_certificate());
}

TEST(ConditionTest, WhitespaceAndEscapes) {
  EXPECT_EQ(Eval("  status==200  ", Response(200)), "");
  EXPECT_EQ(Eval("body contains \"say \\\"hi\\\"\"", Response(200, "they say \"hi\"")), "");
  EXPECT_EQ(Parse({" status==200 "}).conditions()[0].text, "status==200");
}

struct BadCase {
  std::string text;
  std::string message;
  friend void PrintTo(const BadCase& c, std::ostream* os) { *os << c.text; }
};

class ConditionParseErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConditionParseErrorTest, NamesTheConditionAndColumn) {
  auto set = ConditionSet::Parse({"status == 200", GetParam().text});
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(set.error().message, GetParam().message);
  EXPECT_EQ(set.error().where, "conditions[1]");
}

INSTANTIATE_TEST_SUITE_P(
    Messages, ConditionParseErrorTest,
    ::testing::Values(
        BadCase{"status >> 200", "bad condition \"status >> 200\": expected a number at column 9"},
        BadCase{"", "bad condition \"\": empty condition at column 1"},
        BadCase{"stat == 200",
                "bad condition \"stat == 200\": unknown field \"stat\" (use status, "
                "response_time, body, json.<path>, header.<name> or certificate_days) at column 1"},
        BadCase{"status 200",
                "bad condition \"status 200\": expected an operator (==, !=, <, <=, >, >=, "
                "contains, matches, in) at column 8"},
        BadCase{"status = 200",
                "bad condition \"status = 200\": unexpected \"=\" (use == or !=) at column 8"},
        BadCase{"status == 200 ok",
                "bad condition \"status == 200 ok\": unexpected \"ok\" at column 15"},
        BadCase{"status == \"200\"",
                "bad condition \"status == \"200\"\": expected a number at column 11"},
        BadCase{"status == 2.5",
                "bad condition \"status == 2.5\": expected a whole number at column 11"},
        BadCase{"status contains \"2\"",
                "bad condition \"status contains \"2\"\": status takes ==, !=, <, <=, >, >= or "
                "in at column 8"},
        BadCase{"status in 200, 204",
                "bad condition \"status in 200, 204\": expected \"[\" and a list of values at "
                "column 11"},
        BadCase{"status in [200 204]",
                "bad condition \"status in [200 204]\": expected \",\" or \"]\" at column 16"},
        BadCase{"response_time < 500",
                "bad condition \"response_time < 500\": expected a duration such as 500ms or 2s "
                "at column 17"},
        BadCase{"response_time < 1.5s",
                "bad condition \"response_time < 1.5s\": expected a duration such as 500ms or "
                "2s at column 17"},
        BadCase{"body contains db",
                "bad condition \"body contains db\": expected a string in double quotes at "
                "column 15"},
        BadCase{"body < 5",
                "bad condition \"body < 5\": body takes contains, matches, == or != at column 6"},
        BadCase{"body contains \"db",
                "bad condition \"body contains \"db\": unterminated string at column 15"},
        BadCase{"body matches \"([a-z]\"",
                "bad condition \"body matches \"([a-z]\"\": invalid regex (Mismatched '(' and "
                "')' in regular expression) at column 14"},
        BadCase{"body matches \"(a)\\\\1\"",
                "bad condition \"body matches \"(a)\\\\1\"\": invalid regex (Unexpected "
                "back-reference in polynomial mode.) at column 14"},
        BadCase{"json. == 1",
                "bad condition \"json. == 1\": expected a field name after \".\" at column 7"},
        BadCase{"json.items[x] == 1",
                "bad condition \"json.items[x] == 1\": expected an array index (0, 1, ...) at "
                "column 12"},
        BadCase{"json.items[0 == 1",
                "bad condition \"json.items[0 == 1\": expected \"]\" at column 14"},
        BadCase{"json.a == yes",
                "bad condition \"json.a == yes\": expected a value (a string, number, true, "
                "false or null) at column 11"},
        BadCase{"json.a > \"b\"",
                "bad condition \"json.a > \"b\"\": expected a number at column 10"},
        BadCase{"header == \"x\"",
                "bad condition \"header == \"x\"\": expected \".\" and a header name after "
                "\"header\" at column 8"},
        BadCase{"header.X-Id > 3",
                "bad condition \"header.X-Id > 3\": header.X-Id takes contains, matches, == or "
                "!= at column 13"},
        BadCase{"status == 200 @",
                "bad condition \"status == 200 @\": unexpected character \"@\" at column 15"}));

TEST(ConditionTest, FormatMicros) {
  EXPECT_EQ(FormatMicros(734'400us), "734ms");
  EXPECT_EQ(FormatMicros(2'500us), "2.5ms");
  EXPECT_EQ(FormatMicros(300us), "0.3ms");
  EXPECT_EQ(FormatMicros(12'345'678us), "12346ms");
}

}  // namespace
}  // namespace opsdeck::monitor
