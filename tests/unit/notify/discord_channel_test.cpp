// DiscordChannel: the exact request shape (versioned path, wait=true,
// thread_id, PATCH on edit, allowed_mentions), colours, answer classification
// on Discord's documented answers, and every embed limit under hostile input.
#include "notify/discord_channel.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "notify/text_limits.h"
#include "test_support.h"

namespace opsdeck::notify {
namespace {

namespace json = boost::json;
using testing::FakeTransport;
using namespace std::chrono_literals;

constexpr std::string_view kToken =
    "Xq3vT9kLmN0pQrStUvWxYz_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ-AbCdEf";
constexpr std::string_view kUserAgent = "DiscordBot (https://github.com/opsdeck/opsdeck, 1.2.3)";
constexpr std::string_view kBase = "https://discord.com/api/v10/webhooks/1219781234567890123/";

// The message object a `?wait=true` execute answers with (Discord docs,
// resources/message.mdx: message object; CONTRACTS.md §1).
constexpr std::string_view kCreatedMessage = R"({
  "id": "1219781299999999999", "type": 0, "content": "",
  "channel_id": "1100000000000000001",
  "author": {"bot": true, "id": "1219781234567890123", "username": "opsdeck",
             "avatar": null, "discriminator": "0000"},
  "attachments": [], "embeds": [{"type": "rich", "title": "dashboard-production #184 failed",
                                 "color": 13574702}],
  "mentions": [], "mention_roles": [], "pinned": false, "mention_everyone": false,
  "tts": false, "timestamp": "2026-03-10T14:02:12.902000+00:00", "edited_timestamp": null,
  "flags": 0, "components": [], "webhook_id": "1219781234567890123"})";

config::ChannelConfig DiscordConfig(std::string url =
                                        "https://discord.com/api/webhooks/"
                                        "1219781234567890123/" +
                                        std::string(kToken)) {
  config::ChannelConfig cfg;
  cfg.name = "ops-discord";
  cfg.type = config::ChannelType::kDiscord;
  cfg.url = core::SecretString(std::move(url));
  cfg.timeout = 2500ms;
  return cfg;
}

// Every limit of CONTRACTS.md §1's table, counted in code points after
// trimming, on a complete execute/edit body.
::testing::AssertionResult CheckDiscordLimits(const json::value& body) {
  const auto fail = [](const std::string& what) { return ::testing::AssertionFailure() << what; };
  const auto len = [](const json::value& v) { return testing::TrimmedCodePoints(v.as_string()); };
  const json::object& o = body.as_object();
  if (const json::value* c = o.if_contains("content"); c != nullptr && len(*c) > 2000) {
    return fail("content over 2000");
  }
  const json::value* embeds = o.if_contains("embeds");
  if (embeds == nullptr) return ::testing::AssertionSuccess();
  if (embeds->as_array().size() > 10) return fail("more than 10 embeds");
  size_t total = 0;
  for (const json::value& ev : embeds->as_array()) {
    const json::object& e = ev.as_object();
    const auto text = [&](const json::object& obj, std::string_view key, size_t limit,
                          const std::string& what) -> ::testing::AssertionResult {
      const json::value* v = obj.if_contains(key);
      if (v == nullptr) return ::testing::AssertionSuccess();
      const size_t n = len(*v);
      if (n > limit)
        return fail(what + " has " + std::to_string(n) + " > " + std::to_string(limit));
      if (n == 0 && what.starts_with("field")) return fail(what + " is empty");
      total += n;
      return ::testing::AssertionSuccess();
    };
    if (auto r = text(e, "title", 256, "title"); !r) return r;
    if (auto r = text(e, "description", 4096, "description"); !r) return r;
    if (const json::value* f = e.if_contains("footer")) {
      if (auto r = text(f->as_object(), "text", 2048, "footer"); !r) return r;
    }
    if (const json::value* a = e.if_contains("author")) {
      if (auto r = text(a->as_object(), "name", 256, "author"); !r) return r;
    }
    if (const json::value* fields = e.if_contains("fields")) {
      if (fields->as_array().size() > 25) return fail("more than 25 fields");
      for (const json::value& f : fields->as_array()) {
        if (auto r = text(f.as_object(), "name", 256, "field name"); !r) return r;
        if (auto r = text(f.as_object(), "value", 1024, "field value"); !r) return r;
      }
    }
  }
  if (total > 6000) return fail("embed total " + std::to_string(total) + " > 6000");
  return ::testing::AssertionSuccess();
}

class DiscordChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<Channel> Make(const config::ChannelConfig& cfg) {
    auto made = DiscordChannel::Create(cfg, transport_, std::string(kUserAgent));
    EXPECT_TRUE(made) << made.error().ToString();
    return made ? std::move(*made) : nullptr;
  }
  SendResult Create(Channel& ch, const core::Notice& n = testing::SampleNotice()) {
    return ch.Send(n, "", "dlv-1");
  }
  json::value LastBody() { return testing::ParseJson(transport_->last().body); }

  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>();
};

TEST_F(DiscordChannelTest, CreatePostsToTheVersionedPathAndWaits) {
  auto ch = Make(DiscordConfig());
  transport_->Answer(200, std::string(kCreatedMessage));
  const SendResult r = Create(*ch);
  EXPECT_EQ(r.status, SendStatus::kDelivered) << r.error;
  EXPECT_EQ(r.message_id, "1219781299999999999");
  const HttpRequest& req = transport_->last();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, std::string(kBase) + std::string(kToken) + "?wait=true");
  EXPECT_EQ(testing::HeaderOf(req, "Content-Type"), "application/json");
  EXPECT_EQ(testing::HeaderOf(req, "User-Agent"), kUserAgent);
  EXPECT_EQ(req.timeout, 2500ms);
}

TEST_F(DiscordChannelTest, ThreadIdGoesIntoTheQuery) {
  config::ChannelConfig cfg = DiscordConfig();
  cfg.thread_id = "1300000000000000077";
  auto ch = Make(cfg);
  transport_->Answer(200, std::string(kCreatedMessage));
  (void)Create(*ch);
  EXPECT_EQ(transport_->last().url,
            std::string(kBase) + std::string(kToken) + "?wait=true&thread_id=1300000000000000077");
  transport_->Answer(200, std::string(kCreatedMessage));
  (void)ch->Send(testing::SampleNotice(), "1219781299999999999", "dlv-2");
  EXPECT_EQ(transport_->last().url,
            std::string(kBase) + std::string(kToken) +
                "/messages/1219781299999999999?thread_id=1300000000000000077");
}

TEST_F(DiscordChannelTest, PastedUrlVariants) {
  const std::string tail = "1219781234567890123/" + std::string(kToken);
  const std::pair<std::string, std::string> cases[] = {
      {"https://discord.com/api/webhooks/" + tail, "https://discord.com/api/v10/webhooks/" + tail},
      {"https://discord.com/api/v9/webhooks/" + tail,
       "https://discord.com/api/v9/webhooks/" + tail},
      {"https://discordapp.com/api/webhooks/" + tail + "/",
       "https://discordapp.com/api/v10/webhooks/" + tail},
      {"https://ptb.discord.com/api/webhooks/" + tail + "?wait=false",
       "https://ptb.discord.com/api/v10/webhooks/" + tail},
      {"http://127.0.0.1:8931/api/webhooks/" + tail,
       "http://127.0.0.1:8931/api/v10/webhooks/" + tail},
  };
  for (const auto& [pasted, base] : cases) {
    auto ch = Make(DiscordConfig(pasted));
    ASSERT_NE(ch, nullptr) << pasted;
    transport_->Answer(200, std::string(kCreatedMessage));
    (void)Create(*ch);
    EXPECT_EQ(transport_->last().url, base + "?wait=true") << pasted;
  }
}

TEST_F(DiscordChannelTest, RejectsWhatIsNotAWebhookUrlWithoutEchoingIt) {
  for (const std::string& url : std::vector<std::string>{
           "https://hooks.slack.com/services/T0/B0/" + std::string(kToken),
           "https://discord.com/api/webhooks/1219781234567890123",
           "https://discord.com/api/webhooks/abc/" + std::string(kToken),
           "https://discord.com/api/webhooks/1219781234567890123/" + std::string(kToken) + "/slack",
           "ftp://discord.com/api/webhooks/1219781234567890123/" + std::string(kToken),
           "not a url " + std::string(kToken)}) {
    const auto made = DiscordChannel::Create(DiscordConfig(url), transport_, "ua");
    ASSERT_FALSE(made) << url;
    EXPECT_EQ(made.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(made.error().ToString().find(kToken), std::string::npos);
  }
}

TEST_F(DiscordChannelTest, RejectsBadMentionsUsernamesAndThreads) {
  config::ChannelConfig cfg = DiscordConfig();
  cfg.mention_on_production_failure = {"@here"};
  EXPECT_FALSE(DiscordChannel::Create(cfg, transport_, "ua"));
  cfg = DiscordConfig();
  cfg.username = "Discord Alerts";
  EXPECT_FALSE(DiscordChannel::Create(cfg, transport_, "ua"));
  cfg.username = std::string(81, 'a');
  EXPECT_FALSE(DiscordChannel::Create(cfg, transport_, "ua"));
  cfg = DiscordConfig();
  cfg.thread_id = "general";
  EXPECT_FALSE(DiscordChannel::Create(cfg, transport_, "ua"));
}

TEST_F(DiscordChannelTest, CreateBodyShape) {
  config::ChannelConfig cfg = DiscordConfig();
  cfg.username = "opsdeck";
  cfg.avatar_url = "https://ops.example.com/avatar.png";
  auto ch = Make(cfg);
  transport_->Answer(200, std::string(kCreatedMessage));
  (void)Create(*ch);
  const json::object body = LastBody().as_object();
  EXPECT_EQ(body.at("username"), "opsdeck");
  EXPECT_EQ(body.at("avatar_url"), "https://ops.example.com/avatar.png");
  EXPECT_FALSE(body.contains("content"));
  EXPECT_EQ(body.at("allowed_mentions"), json::parse(R"({"parse":[],"roles":[],"users":[]})"));
  ASSERT_EQ(body.at("embeds").as_array().size(), 1u);
  const json::object& e = body.at("embeds").at(0).as_object();
  EXPECT_EQ(e.at("title"), "dashboard-production #184 failed");
  EXPECT_EQ(e.at("url"), "https://github.com/acme/dashboard/actions/runs/9876543210");
  EXPECT_EQ(e.at("description"),
            "Fix the rollout gate (#412)\n[Open in opsdeck](https://ops.example.com/runs/42)");
  EXPECT_EQ(e.at("color"), 0xCF222E);
  EXPECT_EQ(e.at("footer"), json::parse(R"({"text":"opsdeck · GitHub Actions"})"));
  EXPECT_EQ(e.at("timestamp"), "2026-03-10T14:02:11.000Z");
  EXPECT_EQ(e.at("fields"),
            json::parse(R"([{"name":"Environment","value":"production","inline":true},
      {"name":"Branch","value":"main","inline":true},{"name":"Commit","value":"`3f2a9c1`","inline":true},
      {"name":"Duration","value":"4m 12s","inline":true}])"));
}

TEST_F(DiscordChannelTest, MentionsPingExactlyTheConfiguredIds) {
  config::ChannelConfig cfg = DiscordConfig();
  cfg.mention_on_production_failure = {"<@&987654321098765432>", "<@123456789012345678>",
                                       "<@!223456789012345678>"};
  auto ch = Make(cfg);
  core::Notice n = testing::SampleNotice();
  n.mention = true;
  n.description = "@everyone look <@999>";  // text from outside must not ping
  transport_->Answer(200, std::string(kCreatedMessage));
  (void)Create(*ch, n);
  json::object body = LastBody().as_object();
  EXPECT_EQ(
      body.at("content"),
      "<@&987654321098765432> <@123456789012345678> <@!223456789012345678> production: failed");
  EXPECT_EQ(body.at("allowed_mentions"), json::parse(R"({"parse":[],"roles":["987654321098765432"],
                            "users":["123456789012345678","223456789012345678"]})"));
  // Without notice.mention: no content, still no pings allowed beyond the ids.
  n.mention = false;
  transport_->Answer(200, std::string(kCreatedMessage));
  (void)Create(*ch, n);
  body = LastBody().as_object();
  EXPECT_FALSE(body.contains("content"));
  EXPECT_EQ(body.at("allowed_mentions").at("parse"), json::array());
}

TEST_F(DiscordChannelTest, EditPatchesTheMessageWithoutCreateOnlyFields) {
  config::ChannelConfig cfg = DiscordConfig();
  cfg.username = "opsdeck";
  cfg.avatar_url = "https://ops.example.com/avatar.png";
  auto ch = Make(cfg);
  transport_->Answer(200, std::string(kCreatedMessage));
  const SendResult r = ch->Send(testing::SampleNotice(), "1219781299999999999", "dlv-2");
  EXPECT_EQ(r.status, SendStatus::kDelivered) << r.error;
  EXPECT_EQ(r.message_id, "1219781299999999999");
  const HttpRequest& req = transport_->last();
  EXPECT_EQ(req.method, "PATCH");
  EXPECT_EQ(req.url, std::string(kBase) + std::string(kToken) + "/messages/1219781299999999999");
  const json::object body = LastBody().as_object();
  EXPECT_FALSE(body.contains("username"));
  EXPECT_FALSE(body.contains("avatar_url"));
  EXPECT_EQ(body.at("content"), "");  // clears an earlier mention line
  EXPECT_TRUE(body.contains("allowed_mentions"));
  EXPECT_EQ(body.at("embeds").as_array().size(), 1u);
}

TEST_F(DiscordChannelTest, ColourPerState) {
  auto ch = Make(DiscordConfig());
  const std::pair<core::NoticeState, int> table[] = {
      {core::NoticeState::kQueued, 0x8B949E},    {core::NoticeState::kRunning, 0x1F6FEB},
      {core::NoticeState::kSucceeded, 0x2DA44E}, {core::NoticeState::kFailed, 0xCF222E},
      {core::NoticeState::kCanceled, 0x6E7781},  {core::NoticeState::kSuperseded, 0xA0A0A0},
      {core::NoticeState::kInfo, 0x0969DA},      {core::NoticeState::kWarning, 0xBF8700},
      {core::NoticeState::kCritical, 0xCF222E},  {core::NoticeState::kResolved, 0x2DA44E},
  };
  for (const auto& [state, colour] : table) {
    core::Notice n = testing::SampleNotice();
    n.state = state;
    const json::value body = json::parse(static_cast<DiscordChannel&>(*ch).RenderBody(n, false));
    EXPECT_EQ(body.at("embeds").at(0).at("color"), colour) << core::NoticeStateName(state);
  }
}

TEST_F(DiscordChannelTest, EmbedLinkFallsBackToOpsdeckAndSkipsEmptyFields) {
  auto ch = Make(DiscordConfig());
  core::Notice n = testing::SampleNotice();
  n.url = "javascript:alert(1)";
  n.fields.push_back({"  ", "value", true});
  n.fields.push_back({"Name", " \n ", true});
  n.fields.push_back({"Runner", "ubuntu-24.04", false});
  const json::value body = json::parse(static_cast<DiscordChannel&>(*ch).RenderBody(n, false));
  const json::object& e = body.at("embeds").at(0).as_object();
  EXPECT_EQ(e.at("url"), "https://ops.example.com/runs/42");
  EXPECT_EQ(e.at("description"),
            "Fix the rollout gate (#412)");  // no second link to the same place
  ASSERT_EQ(e.at("fields").as_array().size(), 5u);
  EXPECT_EQ(e.at("fields").at(4),
            json::parse(R"({"name":"Runner","value":"ubuntu-24.04","inline":false})"));
}

TEST_F(DiscordChannelTest, MoreThan25FieldsKeeps24AndSaysHowManyMore) {
  auto ch = Make(DiscordConfig());
  core::Notice n = testing::SampleNotice();
  n.fields.clear();
  for (int i = 0; i < 30; ++i) n.fields.push_back({"f" + std::to_string(i), "v", true});
  const json::value body = json::parse(static_cast<DiscordChannel&>(*ch).RenderBody(n, false));
  const json::array& fields = body.at("embeds").at(0).at("fields").as_array();
  ASSERT_EQ(fields.size(), 25u);
  EXPECT_EQ(fields.at(23).at("name"), "f23");
  EXPECT_EQ(fields.at(24).at("name"),
            "\xE2\x80\xA6"
            "and 6 more");
}

TEST_F(DiscordChannelTest, HostileSizesKeepEveryLimit) {
  config::ChannelConfig cfg = DiscordConfig();
  cfg.mention_on_production_failure = {"<@&987654321098765432>"};
  auto ch = Make(cfg);
  for (const bool edit : {false, true}) {
    transport_->Answer(200, std::string(kCreatedMessage));
    (void)ch->Send(testing::HostileNotice(), edit ? "1219781299999999999" : "", "dlv-1");
    const std::string& raw = transport_->last().body;
    EXPECT_TRUE(testing::IsStrictUtf8(raw));
    const json::value body = testing::ParseJson(raw);
    EXPECT_TRUE(CheckDiscordLimits(body));
    const json::object& e = body.at("embeds").at(0).as_object();
    const std::string title(e.at("title").as_string());
    EXPECT_TRUE(title.ends_with("\xE2\x80\xA6")) << "truncation is marked";
    EXPECT_FALSE(e.at("fields").as_array().empty()) << "fields survive, only trailing ones go";
    // The description shrank to make room and still links to opsdeck.
    EXPECT_TRUE(std::string(e.at("description").as_string())
                    .ends_with("(https://ops.example.com/runs/42)"));
  }
}

TEST_F(DiscordChannelTest, LimitsHoldForAstralOnlyText) {
  auto ch = Make(DiscordConfig());
  core::Notice n = testing::SampleNotice();
  n.title = testing::Repeat("😀", 400);
  n.description = testing::Repeat("😀", 5000);
  n.footer = testing::Repeat("😀", 3000);
  const json::value body = json::parse(static_cast<DiscordChannel&>(*ch).RenderBody(n, false));
  EXPECT_TRUE(CheckDiscordLimits(body));
  // Also within the limits if Discord counts UTF-16 units.
  EXPECT_LE(TextLength(std::string(body.at("embeds").at(0).at("title").as_string())), 256u);
}

TEST_F(DiscordChannelTest, RemainingZeroWaitsForTheBucketReset) {
  auto ch = Make(DiscordConfig());
  transport_->Answer(200, std::string(kCreatedMessage),
                     {{"x-ratelimit-limit", "5"},
                      {"x-ratelimit-remaining", "0"},
                      {"x-ratelimit-reset", "1773151333.337"},
                      {"x-ratelimit-reset-after", "1.337"},
                      {"x-ratelimit-bucket", "a06de2e1ebc3e5c4bd5c0a2ae2e7c4bf"}});
  const SendResult r = Create(*ch);
  EXPECT_EQ(r.status, SendStatus::kDelivered);
  EXPECT_EQ(r.retry_after, 1337ms);

  transport_->Answer(200, std::string(kCreatedMessage),
                     {{"X-RateLimit-Remaining", "4"}, {"X-RateLimit-Reset-After", "1.337"}});
  EXPECT_EQ(Create(*ch).retry_after, 0ms);
}

TEST_F(DiscordChannelTest, RateLimitWaitsThePreciseRetryAfterAndNamesGlobal) {
  auto ch = Make(DiscordConfig());
  transport_->Answer(
      429, R"({"message": "You are being rate limited.", "retry_after": 64.57, "global": true})",
      {{"Retry-After", "65"}, {"X-RateLimit-Global", "true"}, {"X-RateLimit-Scope", "global"}});
  SendResult r = Create(*ch);
  EXPECT_EQ(r.status, SendStatus::kRateLimited);
  // The body's float, not the header's whole seconds rounded up.
  EXPECT_EQ(r.retry_after, 64570ms);
  EXPECT_EQ(r.error, "discord: rate limited (global)");

  transport_->Answer(
      429, R"({"message": "You are being rate limited.", "retry_after": 0.0005, "global": false})");
  r = Create(*ch);
  EXPECT_EQ(r.retry_after, 1ms);
  EXPECT_EQ(r.error, "discord: rate limited");

  // No JSON body (a proxy's 429): the header's seconds.
  transport_->Answer(429, "", {{"Retry-After", "3"}});
  EXPECT_EQ(Create(*ch).retry_after, 3000ms);
}

TEST_F(DiscordChannelTest, GoneMessagesLetTheDispatcherCreateANewOne) {
  auto ch = Make(DiscordConfig());
  transport_->Answer(404, R"({"message": "Unknown Message", "code": 10008})");
  SendResult r = ch->Send(testing::SampleNotice(), "1219781299999999999", "dlv-2");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_TRUE(r.message_gone);

  transport_->Answer(
      400,
      R"({"message": "Maximum number of edits to messages older than 1 hour reached. Try again later.", "code": 30046})");
  r = ch->Send(testing::SampleNotice(), "1219781299999999999", "dlv-2");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_TRUE(r.message_gone);

  // The webhook itself is gone: not a message problem.
  transport_->Answer(404, R"({"message": "Unknown Webhook", "code": 10015})");
  r = ch->Send(testing::SampleNotice(), "1219781299999999999", "dlv-2");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_FALSE(r.message_gone);
  EXPECT_TRUE(r.channel_gone);  // Discord: "If a webhook returns 404, stop using it"
  EXPECT_EQ(r.error, "discord: HTTP 404 code 10015: Unknown Webhook");
  transport_->Answer(401, R"({"message": "Invalid Webhook Token", "code": 50027})");
  EXPECT_TRUE(Create(*ch).channel_gone);
  // A message that is gone is not a webhook that is gone.
  transport_->Answer(404, R"({"message": "Unknown Message", "code": 10008})");
  EXPECT_FALSE(ch->Send(testing::SampleNotice(), "1219781299999999999", "dlv-2").channel_gone);
}

TEST_F(DiscordChannelTest, FormErrorsNameTheFirstBadField) {
  auto ch = Make(DiscordConfig());
  transport_->Answer(400, R"({"code": 50035, "errors": {"embeds": {"0": {"title": {"_errors": [
      {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 256 or fewer in length."}]}}}},
      "message": "Invalid Form Body"})");
  const SendResult r = Create(*ch);
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_EQ(r.error,
            "discord: HTTP 400 code 50035: Invalid Form Body (embeds.0.title: Must be 256 or "
            "fewer in length.)");
}

TEST_F(DiscordChannelTest, CreateAnsweredWithoutAnIdIsRejectedNotRetried) {
  auto ch = Make(DiscordConfig());
  transport_->Answer(204, "");
  SendResult r = Create(*ch);
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_EQ(r.error, "discord answered without a message id (HTTP 204)");
  transport_->Answer(200, "<html>ok</html>");
  EXPECT_EQ(Create(*ch).status, SendStatus::kRejected);
}

TEST_F(DiscordChannelTest, AStoredIdThatIsNoSnowflakeIsGone) {
  auto ch = Make(DiscordConfig());
  const SendResult r = ch->Send(testing::SampleNotice(), "../../evil", "dlv-2");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_TRUE(r.message_gone);
  EXPECT_TRUE(transport_->requests().empty());
}

}  // namespace
}  // namespace opsdeck::notify
