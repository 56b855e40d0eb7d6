// SlackChannel: body shape (fallback text and blocks), escaping of text from
// outside, mentions, Slack's limits under hostile input, and Slack's
// plain-text answers.
#include "notify/slack_channel.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "test_support.h"

namespace opsdeck::notify {
namespace {

namespace json = boost::json;
using testing::FakeTransport;
using namespace std::chrono_literals;

constexpr std::string_view kUrl =
    "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX";

config::ChannelConfig SlackConfig() {
  config::ChannelConfig cfg;
  cfg.name = "ops-slack";
  cfg.type = config::ChannelType::kSlack;
  cfg.url = core::SecretString(std::string(kUrl));
  return cfg;
}

// Block Kit limits (block-kit/blocks reference) and the 40000 text limit,
// in code points after trimming.
::testing::AssertionResult CheckSlackLimits(const json::value& body) {
  const auto fail = [](const std::string& what) { return ::testing::AssertionFailure() << what; };
  const auto len = [](const json::value& v) { return testing::TrimmedCodePoints(v.as_string()); };
  if (len(body.at("text")) > 40000) return fail("text over 40000");
  const json::array& blocks = body.at("blocks").as_array();
  if (blocks.size() > 50) return fail("more than 50 blocks");
  for (const json::value& b : blocks) {
    const json::object& o = b.as_object();
    if (const json::value* t = o.if_contains("text"); t != nullptr && len(t->at("text")) > 3000) {
      return fail("section text over 3000");
    }
    if (const json::value* f = o.if_contains("fields")) {
      if (f->as_array().size() > 10) return fail("more than 10 fields");
      for (const json::value& field : f->as_array()) {
        if (len(field.at("text")) > 2000) return fail("field over 2000");
        if (len(field.at("text")) == 0) return fail("empty field");
      }
    }
    if (const json::value* e = o.if_contains("elements")) {
      if (e->as_array().size() > 10) return fail("more than 10 context elements");
      for (const json::value& el : e->as_array()) {
        if (len(el.at("text")) > 3000) return fail("context text over 3000");
      }
    }
  }
  return ::testing::AssertionSuccess();
}

class SlackChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<Channel> Make(const config::ChannelConfig& cfg) {
    auto made = SlackChannel::Create(cfg, transport_, "opsdeck/1.2.3");
    EXPECT_TRUE(made) << made.error().ToString();
    return made ? std::move(*made) : nullptr;
  }
  json::value Send(Channel& ch, const core::Notice& n) {
    transport_->Answer(200, "ok");
    const SendResult r = ch.Send(n, "", "dlv-1");
    EXPECT_EQ(r.status, SendStatus::kDelivered) << r.error;
    return testing::ParseJson(transport_->last().body);
  }

  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>();
};

TEST_F(SlackChannelTest, BodyShape) {
  config::ChannelConfig cfg = SlackConfig();
  cfg.username = "opsdeck";
  auto ch = Make(cfg);
  const json::value body = Send(*ch, testing::SampleNotice());
  const HttpRequest& req = transport_->last();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, kUrl);
  EXPECT_EQ(testing::HeaderOf(req, "Content-Type"), "application/json");
  const std::string ci = "https://github.com/acme/dashboard/actions/runs/9876543210";
  EXPECT_EQ(body.at("text").as_string(), ":x: <" + ci + "|dashboard-production #184 failed>");
  EXPECT_EQ(body.at("username"), "opsdeck");
  const json::value expected_blocks =
      json::parse(R"json([
    {"type":"section","text":{"type":"mrkdwn",
      "text":"*<)json" +
                  ci + R"json(|dashboard-production #184 failed>*\nFix the rollout gate (#412)"}},
    {"type":"section","fields":[
      {"type":"mrkdwn","text":"*Environment*\nproduction"},
      {"type":"mrkdwn","text":"*Branch*\nmain"},
      {"type":"mrkdwn","text":"*Commit*\n`3f2a9c1`"},
      {"type":"mrkdwn","text":"*Duration*\n4m 12s"}]},
    {"type":"context","elements":[
      {"type":"mrkdwn","text":"opsdeck · GitHub Actions"},
      {"type":"mrkdwn","text":"<!date^1773151331^{date_short_pretty} {time}|2026-03-10T14:02:11.000Z>"},
      {"type":"mrkdwn","text":"<https://ops.example.com/runs/42|Open in opsdeck>"}]}])json");
  EXPECT_EQ(body.at("blocks"), expected_blocks);
}

TEST_F(SlackChannelTest, EscapesTextFromOutside) {
  auto ch = Make(SlackConfig());
  core::Notice n = testing::SampleNotice();
  n.title = "a < b & c > d";
  n.description = "<!channel> see <https://evil.example|here>";
  n.url = "https://ci.example.com/run?a=1&b=2";
  n.fields = {{"<name>", "x & y", true}};
  n.footer = "<@U999>";
  const json::value body = Send(*ch, n);
  EXPECT_EQ(body.at("text"),
            ":x: <https://ci.example.com/run?a=1&amp;b=2|a &lt; b &amp; c &gt; d>");
  // Not a URI (a `|` would end the link early): the title stays unlinked.
  n.url = "https://ci.example.com/run?x=<a|b>";
  n.opsdeck_url.clear();
  EXPECT_EQ(Send(*ch, n).at("text"), ":x: a &lt; b &amp; c &gt; d");
  const std::string section(body.at("blocks").at(0).at("text").at("text").as_string());
  EXPECT_NE(section.find("&lt;!channel&gt; see &lt;https://evil.example|here&gt;"),
            std::string::npos)
      << section;
  EXPECT_EQ(body.at("blocks").at(1).at("fields").at(0).at("text"), "*&lt;name&gt;*\nx &amp; y");
  EXPECT_EQ(body.at("blocks").at(2).at("elements").at(0).at("text"), "&lt;@U999&gt;");
}

TEST_F(SlackChannelTest, MentionsPrefixTheTextOnlyWhenTheNoticeMentions) {
  config::ChannelConfig cfg = SlackConfig();
  cfg.mention_on_production_failure = {"<!subteam^S0123ABCD>", "<@U024BE7LH>"};
  auto ch = Make(cfg);
  core::Notice n = testing::SampleNotice();
  n.mention = true;
  json::value body = Send(*ch, n);
  EXPECT_TRUE(std::string(body.at("text").as_string())
                  .starts_with("<!subteam^S0123ABCD> <@U024BE7LH> :x: "));
  EXPECT_TRUE(std::string(body.at("blocks").at(0).at("text").at("text").as_string())
                  .starts_with("<!subteam^S0123ABCD> <@U024BE7LH> *<"));
  n.mention = false;
  body = Send(*ch, n);
  EXPECT_TRUE(std::string(body.at("text").as_string()).starts_with(":x: "));
}

TEST_F(SlackChannelTest, RejectsMentionsSlackWouldNotPing) {
  config::ChannelConfig cfg = SlackConfig();
  cfg.mention_on_production_failure = {"@here"};
  EXPECT_FALSE(SlackChannel::Create(cfg, transport_, "ua"));
}

TEST_F(SlackChannelTest, HostileSizesKeepEveryLimit) {
  config::ChannelConfig cfg = SlackConfig();
  cfg.mention_on_production_failure = {"<!here>"};
  auto ch = Make(cfg);
  transport_->Answer(200, "ok");
  (void)ch->Send(testing::HostileNotice(), "", "dlv-1");
  const std::string& raw = transport_->last().body;
  EXPECT_TRUE(testing::IsStrictUtf8(raw));
  const json::value body = testing::ParseJson(raw);
  EXPECT_TRUE(CheckSlackLimits(body));
  const json::array& fields = body.at("blocks").at(1).at("fields").as_array();
  ASSERT_EQ(fields.size(), 10u);
  EXPECT_EQ(fields.at(9).at("text"), "*\xE2\x80\xA6*\nand 91 more");
}

TEST_F(SlackChannelTest, AnswersAreClassifiedFromSlacksPlainText) {
  auto ch = Make(SlackConfig());
  transport_->Answer(400, "invalid_payload");
  SendResult r = ch->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_EQ(r.error, "slack: HTTP 400 invalid_payload");
  EXPECT_FALSE(r.channel_gone);  // this message is bad, not the webhook
  transport_->Answer(410, "channel_is_archived");
  r = ch->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_EQ(r.error, "slack: HTTP 410 channel_is_archived");
  EXPECT_TRUE(r.channel_gone);
  transport_->Answer(404, "no_service");
  EXPECT_TRUE(ch->Send(testing::SampleNotice(), "", "dlv-1").channel_gone);
  transport_->Answer(500, "rollup_error");
  r = ch->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(r.status, SendStatus::kRetry);
  EXPECT_EQ(r.error, "slack: HTTP 500 rollup_error");
  transport_->Answer(429, "", {{"retry-after", "30"}});
  r = ch->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(r.status, SendStatus::kRateLimited);
  EXPECT_EQ(r.retry_after, 30000ms);
}

}  // namespace
}  // namespace opsdeck::notify
