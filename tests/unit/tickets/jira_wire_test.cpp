// tickets::jira wire helpers: ADF documents, the v2/v3 bodies, JQL, limits
// and reading Jira's answers and error collections.
#include "tickets/jira_wire.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace opsdeck::tickets::jira {
namespace {

namespace json = boost::json;

TEST(JiraWireTest, AdfHasOneParagraphPerBlockAndHardBreaksBetweenLines) {
  const json::value doc = json::parse(AdfDocument("a\nb\r\n\n\n  \nc\n"));
  EXPECT_EQ(doc, json::parse(R"({"type":"doc","version":1,"content":[
    {"type":"paragraph","content":[{"type":"text","text":"a"},{"type":"hardBreak"},
                                   {"type":"text","text":"b"}]},
    {"type":"paragraph","content":[{"type":"text","text":"c"}]}]})"));
}

TEST(JiraWireTest, AdfOfNothingHasNoEmptyTextNodes) {
  EXPECT_EQ(json::parse(AdfDocument("")),
            json::parse(R"({"type":"doc","version":1,"content":[]})"));
  EXPECT_EQ(json::parse(AdfDocument("\n \n")),
            json::parse(R"({"type":"doc","version":1,"content":[]})"));
}

TEST(JiraWireTest, CreateBodiesDifferOnlyInTheDescription) {
  IssueFields f{"OPS", "Task", "Line one\nline two", "Body", {"opsdeck", "opsdeck-gap-abc"}};
  const json::value v2 = json::parse(CreateIssueBody(2, f));
  const json::value v3 = json::parse(CreateIssueBody(3, f));
  EXPECT_EQ(v2.at("fields").at("description"), "Body");
  EXPECT_EQ(v3.at("fields").at("description").at("type"), "doc");
  EXPECT_EQ(v2.at("fields").at("summary"), "Line one line two");  // one line
  EXPECT_EQ(v3.at("fields").at("summary"), v2.at("fields").at("summary"));
  EXPECT_EQ(v2.at("fields").at("labels"), json::parse(R"(["opsdeck","opsdeck-gap-abc"])"));
  EXPECT_EQ(v2.at("fields").at("project"), json::parse(R"({"key":"OPS"})"));
  EXPECT_EQ(v2.at("fields").at("issuetype"), json::parse(R"({"name":"Task"})"));
}

TEST(JiraWireTest, SummaryIsCutToJirasLimitOnACharacterBoundary) {
  std::string long_summary;
  for (int i = 0; i < 300; ++i) long_summary += "\xC3\xA9";  // é, two bytes each
  const std::string cut = OneLine(long_summary, kMaxSummaryChars);
  size_t chars = 0;
  for (unsigned char c : cut) chars += (c & 0xC0) != 0x80;
  EXPECT_EQ(chars, kMaxSummaryChars);
  EXPECT_TRUE(cut.ends_with("\xE2\x80\xA6"));
  EXPECT_EQ(OneLine("short", kMaxSummaryChars), "short");
}

TEST(JiraWireTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(CutChars("a\xFF"
                     "b\xC3",
                     10),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  // Still valid JSON for Jira.
  EXPECT_NO_THROW(json::parse(CommentBody(2, "x\xFFy")));
}

TEST(JiraWireTest, JqlQuotesProjectAndLabel) {
  EXPECT_EQ(LabelJql("OPS", "opsdeck-gap-abc"),
            R"(project = "OPS" AND labels = "opsdeck-gap-abc" ORDER BY created ASC)");
  EXPECT_EQ(LabelJql("A\"B", "x\\y"),
            R"(project = "A\"B" AND labels = "x\\y" ORDER BY created ASC)");
}

TEST(JiraWireTest, SearchTargetsEncodeTheJql) {
  const std::string v3 = SearchTarget(3, "labels = \"a&b\"");
  EXPECT_TRUE(v3.starts_with("/rest/api/3/search/jql?jql=")) << v3;
  EXPECT_EQ(v3.find('"'), std::string::npos) << v3;
  EXPECT_EQ(v3.find("a&b"), std::string::npos) << v3;  // & inside the value is escaped
  EXPECT_NE(v3.find("&maxResults=10"), std::string::npos) << v3;
  EXPECT_TRUE(SearchTarget(2, "x").starts_with("/rest/api/2/search?jql=x&fields=key"));
}

TEST(JiraWireTest, CommentPathEscapesTheKey) {
  EXPECT_EQ(CommentPath(3, "OPS-12"), "/rest/api/3/issue/OPS-12/comment");
  EXPECT_EQ(CommentPath(2, "../x"), "/rest/api/2/issue/..%2Fx/comment");
}

TEST(JiraWireTest, ParsesSearchAnswers) {
  auto v3 = ParseSearchKeys(R"({"issues":[{"id":"1","key":"OPS-1"},{"id":"2"}],"isLast":true})");
  ASSERT_TRUE(v3);
  EXPECT_EQ(*v3, (std::vector<std::string>{"OPS-1", "2"}));
  auto v2 = ParseSearchKeys(R"({"startAt":0,"maxResults":10,"total":0,"issues":[]})");
  ASSERT_TRUE(v2);
  EXPECT_TRUE(v2->empty());
  EXPECT_FALSE(ParseSearchKeys("<html>login</html>"));
  EXPECT_FALSE(ParseSearchKeys(R"({"values":[]})"));
}

TEST(JiraWireTest, ParsesCreatedKey) {
  auto key =
      ParseCreatedKey(R"({"id":"10000","key":"ED-24","self":"https://x/rest/api/3/issue/10000"})");
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, "ED-24");
  EXPECT_FALSE(ParseCreatedKey(R"({"id":"10000"})"));
  EXPECT_FALSE(ParseCreatedKey(""));
}

TEST(JiraWireTest, DescribesErrorCollections) {
  EXPECT_EQ(
      DescribeErrors(
          R"({"errorMessages":[],"errors":{"labels":"The label 'a b' contains spaces which is invalid."}})"),
      "labels: The label 'a b' contains spaces which is invalid.");
  EXPECT_EQ(DescribeErrors(R"({"errorMessages":["Field 'priority' is required"],"errors":{}})"),
            "Field 'priority' is required");
  EXPECT_EQ(DescribeErrors("<html>Bad gateway</html>"), "");
  EXPECT_LE(DescribeErrors(R"({"errorMessages":[")" + std::string(5000, 'x') + R"("]})").size(),
            600u * 4);
}

}  // namespace
}  // namespace opsdeck::tickets::jira
