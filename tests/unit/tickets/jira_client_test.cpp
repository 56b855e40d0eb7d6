// tickets::JiraClient over real loopback sockets (jira_test_server.h): the
// requests it sends for API versions 2 and 3 and both auth schemes, and how
// it answers 429, 5xx, 401/403, 400 and no answer. Waits are recorded, not
// slept, so the retry tests are quick.
#include "tickets/jira_client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "jira_test_server.h"

namespace opsdeck::tickets {
namespace {

using std::chrono::milliseconds;
using testing::JiraTestServer;
using testing::Reply;
namespace json = boost::json;

constexpr std::string_view kToken = "tok-3f9a-SECRET-never-shown";

config::JiraConfig Cloud(const std::string& url) {
  config::JiraConfig c;
  c.url = url;
  c.api_version = 3;
  c.email = "ops@acme.example";
  c.token = core::SecretString(std::string(kToken));
  c.project = "OPS";
  c.issue_type = "Task";
  return c;
}

config::JiraConfig DataCenter(const std::string& url) {
  config::JiraConfig c = Cloud(url);
  c.api_version = 2;
  c.email.clear();
  return c;
}

class JiraClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<JiraClient> Client(const config::JiraConfig& config) {
    JiraClientOptions o;
    o.timeout = milliseconds(2000);
    o.sleep = [this](milliseconds w) { waits_.push_back(w); };
    auto c = JiraClient::Create(config, o);
    EXPECT_TRUE(c) << c.error().ToString();
    return c ? std::move(*c) : nullptr;
  }

  static IssueDraft Draft() {
    return IssueDraft{"Document the runbook of service api (production)",
                      "Service api has no runbook.\nSet catalog.services[api].runbook.\n\nRule 2.",
                      {"opsdeck", "documentation", "opsdeck-gap-0123456789ab"},
                      "opsdeck-gap-0123456789ab"};
  }

  static void ExpectNoToken(const core::Error& e) {
    EXPECT_EQ(e.message.find(kToken), std::string::npos) << e.message;
    EXPECT_EQ(e.where.find(kToken), std::string::npos) << e.where;
  }

  JiraTestServer server_;
  std::vector<milliseconds> waits_;
};

TEST_F(JiraClientTest, CloudCreatesWithBasicAuthAndAdf) {
  server_.Queue({201, R"({"id":"10000","key":"OPS-24","self":"x"})"});
  auto client = Client(Cloud(server_.url()));
  auto key = client->CreateIssue(Draft());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(*key, "OPS-24");
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/rest/api/3/issue");
  // base64("ops@acme.example:tok-3f9a-SECRET-never-shown")
  EXPECT_EQ(seen[0].authorization,
            "Basic b3BzQGFjbWUuZXhhbXBsZTp0b2stM2Y5YS1TRUNSRVQtbmV2ZXItc2hvd24=");
  EXPECT_EQ(seen[0].content_type, "application/json");
  const json::value body = json::parse(seen[0].body);
  const json::object& f = body.at("fields").as_object();
  EXPECT_EQ(f.at("project").at("key"), "OPS");
  EXPECT_EQ(f.at("issuetype").at("name"), "Task");
  EXPECT_EQ(f.at("summary"), "Document the runbook of service api (production)");
  EXPECT_EQ(f.at("labels").as_array().size(), 3u);
  const json::object& doc = f.at("description").as_object();
  EXPECT_EQ(doc.at("type"), "doc");
  EXPECT_EQ(doc.at("version"), 1);
  const json::array& paragraphs = doc.at("content").as_array();
  ASSERT_EQ(paragraphs.size(), 2u);
  const json::array& first = paragraphs[0].at("content").as_array();
  ASSERT_EQ(first.size(), 3u);  // text, hardBreak, text
  EXPECT_EQ(first[0].at("text"), "Service api has no runbook.");
  EXPECT_EQ(first[1].at("type"), "hardBreak");
  EXPECT_EQ(paragraphs[1].at("content").at(0).at("text"), "Rule 2.");
}

TEST_F(JiraClientTest, DataCenterCreatesWithBearerAndPlainText) {
  server_.Queue({201, R"({"id":"10001","key":"OPS-7","self":"x"})"});
  auto client = Client(DataCenter(server_.url()));
  auto key = client->CreateIssue(Draft());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(*key, "OPS-7");
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/rest/api/2/issue");
  EXPECT_EQ(seen[0].authorization, "Bearer " + std::string(kToken));
  const json::value body = json::parse(seen[0].body);
  EXPECT_EQ(body.at("fields").at("description"), json::value(Draft().description));
}

TEST_F(JiraClientTest, SearchesTheLabelOnEachVersionsEndpoint) {
  server_.Queue({200, R"({"issues":[{"id":"10005","key":"OPS-5"},{"id":"10009","key":"OPS-9"}]})"});
  server_.Queue({200, R"({"startAt":0,"maxResults":10,"total":0,"issues":[]})"});
  auto v3 = Client(Cloud(server_.url()));
  auto v2 = Client(DataCenter(server_.url()));
  auto found = v3->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->value_or(""), "OPS-5");  // the oldest (the JQL orders by created)
  auto none = v2->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_FALSE(none->has_value());
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].path, "/rest/api/3/search/jql");
  EXPECT_EQ(seen[0].query.at("jql"),
            R"(project = "OPS" AND labels = "opsdeck-gap-0123456789ab" ORDER BY created ASC)");
  EXPECT_EQ(seen[0].query.at("fields"), "key");
  EXPECT_EQ(seen[1].path, "/rest/api/2/search");
  EXPECT_EQ(seen[1].query.at("jql"), seen[0].query.at("jql"));
}

TEST_F(JiraClientTest, CommentsInEachVersionsShape) {
  server_.Queue({201, R"({"id":"1"})"});
  server_.Queue({201, R"({"id":"2"})"});
  ASSERT_TRUE(Client(Cloud(server_.url()))->AddComment("OPS-5", "Fixed.\n\nBye."));
  ASSERT_TRUE(Client(DataCenter(server_.url()))->AddComment("OPS-5", "Fixed."));
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].path, "/rest/api/3/issue/OPS-5/comment");
  EXPECT_EQ(json::parse(seen[0].body).at("body").at("type"), "doc");
  EXPECT_EQ(json::parse(seen[0].body).at("body").at("content").as_array().size(), 2u);
  EXPECT_EQ(seen[1].path, "/rest/api/2/issue/OPS-5/comment");
  EXPECT_EQ(json::parse(seen[1].body).at("body"), "Fixed.");
}

TEST_F(JiraClientTest, HonoursRetryAfterOn429) {
  server_.Queue({429, "", {{"Retry-After", "2"}}});
  server_.Queue({201, R"({"key":"OPS-1"})"});
  auto key = Client(Cloud(server_.url()))->CreateIssue(Draft());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(*key, "OPS-1");
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_EQ(waits_[0], milliseconds(2000));
  EXPECT_EQ(server_.requests().size(), 2u);  // a 429 was not acted on: no label search
}

TEST_F(JiraClientTest, GivesUpAfterThreeRetriesOf429) {
  for (int i = 0; i < 6; ++i) server_.Queue({429, "", {{"Retry-After", "1"}}});
  auto key = Client(Cloud(server_.url()))->CreateIssue(Draft());
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, core::ErrorCode::kRateLimited);
  EXPECT_NE(key.error().message.find("after 3 retries"), std::string::npos) << key.error().message;
  EXPECT_EQ(server_.requests().size(), 4u);
  EXPECT_EQ(waits_, std::vector<milliseconds>(3, milliseconds(1000)));
}

TEST_F(JiraClientTest, ALongRetryAfterStopsInsteadOfWaiting) {
  server_.Queue({429, "", {{"Retry-After", "120"}}});
  auto found = Client(Cloud(server_.url()))->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, core::ErrorCode::kRateLimited);
  EXPECT_NE(found.error().message.find("120 s"), std::string::npos) << found.error().message;
  EXPECT_TRUE(waits_.empty());
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(JiraClientTest, RetriesServerErrorsWithBackoffOnSearch) {
  server_.Queue({503, ""});
  server_.Queue({500, ""});
  server_.Queue({200, R"({"issues":[{"key":"OPS-3"}]})"});
  auto found = Client(Cloud(server_.url()))->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->value_or(""), "OPS-3");
  EXPECT_EQ(waits_, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)}));
}

TEST_F(JiraClientTest, UncertainCreateFindsTheIssueItMadeInsteadOfFilingTwice) {
  server_.Queue({500, R"({"errorMessages":["Internal server error"]})"});
  server_.Queue({200, R"({"issues":[{"key":"OPS-11"}]})"});  // the label search
  auto key = Client(Cloud(server_.url()))->CreateIssue(Draft());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(*key, "OPS-11");
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_NE(seen[1].query.at("jql").find("opsdeck-gap-0123456789ab"), std::string::npos);
}

TEST_F(JiraClientTest, UncertainCreateRetriesWhenTheLabelIsNotThere) {
  server_.Queue({500, ""});
  server_.Queue({200, R"({"issues":[]})"});
  server_.Queue({201, R"({"key":"OPS-12"})"});
  auto key = Client(Cloud(server_.url()))->CreateIssue(Draft());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(*key, "OPS-12");
  const auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method + seen[1].method + seen[2].method, "POSTGETPOST");
}

TEST_F(JiraClientTest, CommentIsNotRepeatedAfterAnUncertainFailure) {
  server_.Queue({500, ""});
  auto sent = Client(Cloud(server_.url()))->AddComment("OPS-5", "Fixed.");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(JiraClientTest, CommentIsRepeatedAfterAGatewayError) {
  server_.Queue({502, "<html>bad gateway</html>"});
  server_.Queue({201, R"({"id":"3"})"});
  ASSERT_TRUE(Client(Cloud(server_.url()))->AddComment("OPS-5", "Fixed."));
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(JiraClientTest, RejectedCredentialsAreClearAndNotRetried) {
  server_.Queue({401, R"({"errorMessages":["You are not authenticated."]})"});
  server_.Queue({403, ""});
  auto client = Client(Cloud(server_.url()));
  auto first = client->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_EQ(first.error().message.rfind("Jira rejected the credentials (HTTP 401)", 0), 0u)
      << first.error().message;
  ExpectNoToken(first.error());
  auto second = client->CreateIssue(Draft());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::ErrorCode::kPermissionDenied);
  EXPECT_EQ(second.error().message, "Jira rejected the credentials (HTTP 403)");
  EXPECT_EQ(server_.requests().size(), 2u);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(JiraClientTest, BadRequestReportsJirasErrorCollection) {
  server_.Queue({400, R"({"errorMessages":["Field 'priority' is required"],)"
                      R"("errors":{"summary":"You must specify a summary of the issue."}})"});
  auto key = Client(Cloud(server_.url()))->CreateIssue(Draft());
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(key.error().message,
            "Jira refused the request (HTTP 400): Field 'priority' is required; summary: You must "
            "specify a summary of the issue.");
  EXPECT_EQ(key.error().where, "jira POST /rest/api/3/issue");
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(JiraClientTest, NoAnswerIsRetriedOnSearchThenReported) {
  std::string url;
  {
    JiraTestServer gone;  // a port that was just closed: connections are refused
    url = gone.url();
  }
  auto found = Client(Cloud(url))->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(found.error().message.rfind("Jira did not answer", 0), 0u) << found.error().message;
  EXPECT_EQ(waits_.size(), 3u);
  ExpectNoToken(found.error());
}

TEST_F(JiraClientTest, ASlowJiraTimesOut) {
  server_.Queue({200, R"({"issues":[]})", {}, milliseconds(1500)});
  JiraClientOptions o;
  o.timeout = milliseconds(300);
  o.max_retries = 0;
  o.sleep = [](milliseconds) {};
  auto client = JiraClient::Create(Cloud(server_.url()), o);
  ASSERT_TRUE(client);
  const auto start = std::chrono::steady_clock::now();
  auto found = (*client)->FindByLabel("opsdeck-gap-0123456789ab");
  ASSERT_FALSE(found);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1400));
}

TEST_F(JiraClientTest, CreateRefusesBadConfig) {
  config::JiraConfig c = Cloud("ftp://jira.example");
  EXPECT_FALSE(JiraClient::Create(c));
  c = Cloud(server_.url());
  c.token = core::SecretString();
  EXPECT_FALSE(JiraClient::Create(c));
  c = Cloud(server_.url());
  c.api_version = 4;
  EXPECT_FALSE(JiraClient::Create(c));
}

}  // namespace
}  // namespace opsdeck::tickets
