// The contract every channel kind keeps (ENGINEERING.md, Tests): retry
// classification, 429 honoured, no secret leaked into bodies, headers or
// errors, the configured timeout on every request, valid JSON for any input.
// One parameterised suite over all kinds, built through MakeChannel.
#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "notify/channel_factory.h"
#include "test_support.h"

namespace opsdeck::notify {
namespace {

using testing::FakeTransport;
using namespace std::chrono_literals;

struct ContractCase {
  std::string name;
  config::ChannelConfig cfg;
  std::string_view kind;
  std::vector<std::string> secrets;  // never outside HttpRequest::url
  HttpResponse success;
  HttpResponse rate_limited;
  std::chrono::milliseconds expected_wait{0};
  HttpResponse rejected;
};

constexpr std::string_view kDiscordToken =
    "Xq3vT9kLmN0pQrStUvWxYz_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ-AbCdEfGh";
constexpr std::string_view kSlackPath = "/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX";
constexpr std::string_view kWebhookSecret = "whsec-0123456789abcdef";
constexpr std::string_view kWebhookToken = "s3cr3t-query-token-123";

// gtest would otherwise print the case's bytes, secrets included.
void PrintTo(const ContractCase& c, std::ostream* os) { *os << c.name; }

HttpResponse Response(long status, std::string body, HeaderList headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

config::ChannelConfig Config(std::string name, config::ChannelType type, std::string url) {
  config::ChannelConfig cfg;
  cfg.name = std::move(name);
  cfg.type = type;
  cfg.url = core::SecretString(std::move(url));
  cfg.timeout = 1234ms;
  return cfg;
}

std::vector<ContractCase> Cases() {
  std::vector<ContractCase> cases;
  {
    const std::string url =
        "https://discord.com/api/webhooks/1219781234567890123/" + std::string(kDiscordToken);
    ContractCase c{"discord", Config("ops-discord", config::ChannelType::kDiscord, url), "discord"};
    c.cfg.mention_on_production_failure = {"<@&987654321098765432>"};
    c.secrets = {url, std::string(kDiscordToken)};
    c.success =
        Response(200, R"({"id":"1219781299999999999","type":0,"content":"",)"
                      R"("channel_id":"1100000000000000001","webhook_id":"1219781234567890123"})");
    // Discord's documented 429: body seconds, Retry-After whole seconds.
    c.rate_limited = Response(
        429, R"({"message": "You are being rate limited.", "retry_after": 4.25, "global": false})",
        {{"Retry-After", "4"},
         {"X-RateLimit-Limit", "5"},
         {"X-RateLimit-Remaining", "0"},
         {"X-RateLimit-Reset", "1773151335.25"},
         {"X-RateLimit-Reset-After", "4.25"},
         {"X-RateLimit-Bucket", "a06de2e1ebc3e5c4bd5c0a2ae2e7c4bf"},
         {"X-RateLimit-Scope", "shared"}});
    c.expected_wait = 4250ms;
    c.rejected = Response(404, R"({"message": "Unknown Webhook", "code": 10015})");
    cases.push_back(std::move(c));
  }
  {
    const std::string url = "https://hooks.slack.com" + std::string(kSlackPath);
    ContractCase c{"slack", Config("ops-slack", config::ChannelType::kSlack, url), "slack"};
    c.cfg.mention_on_production_failure = {"<!subteam^S0123ABCD>"};
    c.secrets = {url, std::string(kSlackPath), "XXXXXXXXXXXXXXXXXXXXXXXX"};
    c.success = Response(200, "ok", {{"Content-Type", "text/html"}});
    c.rate_limited = Response(429, "", {{"Retry-After", "4"}});
    c.expected_wait = 4000ms;
    c.rejected = Response(404, "channel_not_found");
    cases.push_back(std::move(c));
  }
  {
    const std::string url =
        "https://hooks.example.com/opsdeck/in?token=" + std::string(kWebhookToken);
    ContractCase c{"webhook", Config("ops-hook", config::ChannelType::kWebhook, url), "webhook"};
    c.cfg.secret = core::SecretString(std::string(kWebhookSecret));
    c.secrets = {url, std::string(kWebhookToken), std::string(kWebhookSecret)};
    c.success = Response(204, "");
    c.rate_limited = Response(429, "slow down", {{"Retry-After", "4"}});
    c.expected_wait = 4000ms;
    c.rejected = Response(422, R"({"error":"unknown kind"})");
    cases.push_back(std::move(c));
  }
  return cases;
}

class ChannelContractTest : public ::testing::TestWithParam<ContractCase> {
 protected:
  void SetUp() override {
    transport_ = std::make_shared<FakeTransport>();
    auto made = MakeChannel(GetParam().cfg, transport_,
                            "DiscordBot (https://github.com/opsdeck/opsdeck, 1.2.3)");
    ASSERT_TRUE(made) << made.error().ToString();
    channel_ = std::move(*made);
  }

  SendResult SendOnce(const HttpResponse& answer,
                      const core::Notice& notice = testing::SampleNotice()) {
    transport_->Answer(answer.status, answer.body, answer.headers);
    return channel_->Send(notice, "", "dlv-7f3a");
  }

  void ExpectNoSecret(std::string_view text, std::string_view what) {
    for (const std::string& secret : GetParam().secrets) {
      EXPECT_EQ(text.find(secret), std::string_view::npos) << what << " leaks a secret: " << text;
    }
  }

  std::shared_ptr<FakeTransport> transport_;
  std::unique_ptr<Channel> channel_;
};

TEST_P(ChannelContractTest, KindAndEditing) {
  EXPECT_EQ(channel_->kind(), GetParam().kind);
  EXPECT_EQ(channel_->edits_in_place(), GetParam().kind == "discord");
}

TEST_P(ChannelContractTest, SuccessIsDelivered) {
  const SendResult r = SendOnce(GetParam().success);
  EXPECT_EQ(r.status, SendStatus::kDelivered) << r.error;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.message_id.empty(), !channel_->edits_in_place());
}

TEST_P(ChannelContractTest, ServerErrorsAreRetried) {
  for (const long status : {500L, 502L, 503L, 504L}) {
    const SendResult r = SendOnce(Response(status, "<html><h1>502 Bad Gateway</h1></html>"));
    EXPECT_EQ(r.status, SendStatus::kRetry) << status;
    EXPECT_NE(r.error.find(std::to_string(status)), std::string::npos) << r.error;
  }
}

TEST_P(ChannelContractTest, TransportErrorsAreRetriedWithoutTheUrl) {
  const std::string& url = GetParam().cfg.url.Reveal();
  transport_->Fail(core::Error::Unavailable("Failed to connect to " + url + ": refused"));
  SendResult r = channel_->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(r.status, SendStatus::kRetry);
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
  ExpectNoSecret(r.error, "transport error");

  transport_->Fail(core::Error::Timeout("Operation timed out after 1234 milliseconds"));
  r = channel_->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(r.status, SendStatus::kRetry);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
}

TEST_P(ChannelContractTest, RateLimitIsHonoured) {
  const SendResult r = SendOnce(GetParam().rate_limited);
  EXPECT_EQ(r.status, SendStatus::kRateLimited);
  EXPECT_EQ(r.retry_after, GetParam().expected_wait);
  EXPECT_FALSE(r.error.empty());
}

TEST_P(ChannelContractTest, RateLimitWithoutAHintStillWaits) {
  const SendResult r = SendOnce(Response(429, ""));
  EXPECT_EQ(r.status, SendStatus::kRateLimited);
  EXPECT_GE(r.retry_after, 1ms);
}

TEST_P(ChannelContractTest, OtherClientErrorsAreRejected) {
  SendResult r = SendOnce(GetParam().rejected);
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_NE(r.error.find(std::to_string(GetParam().rejected.status)), std::string::npos) << r.error;
  EXPECT_FALSE(r.message_gone);
  for (const long status : {400L, 401L, 403L, 404L, 410L}) {
    r = SendOnce(Response(status, "nope"));
    EXPECT_EQ(r.status, SendStatus::kRejected) << status;
  }
}

TEST_P(ChannelContractTest, ErrorsNeverCarryTheUrlOrSecret) {
  // A far side (or a proxy in front of it) that echoes the request back.
  std::string echo = "no route for POST " + GetParam().cfg.url.Reveal();
  for (const std::string& s : GetParam().secrets) echo += " " + s;
  for (const long status : {400L, 404L, 500L}) {
    SendResult r = SendOnce(Response(status, echo));
    ExpectNoSecret(r.error, "error");
    // A secret across the 200-character cut of the quoted body must not
    // survive as a prefix.
    for (const std::string& secret : GetParam().secrets) {
      for (const size_t pad : {150u, 180u, 195u}) {
        r = SendOnce(Response(status, std::string(pad, 'p') + " " + secret));
        EXPECT_EQ(r.error.find(secret.substr(0, 12)), std::string::npos) << r.error;
        r = SendOnce(Response(status, R"({"code": 50035, "message": ")" + std::string(pad, 'p') +
                                          " " + secret + R"("})"));
        EXPECT_EQ(r.error.find(secret.substr(0, 12)), std::string::npos) << r.error;
      }
    }
    ExpectNoSecret(r.error, "error");
    r = SendOnce(Response(status, R"({"code": 50035, "message": ")" + echo + R"("})"));
    ExpectNoSecret(r.error, "error");
  }
}

TEST_P(ChannelContractTest, RequestsNeverLeakTheSecretOutsideTheUrl) {
  core::Notice mention = testing::SampleNotice();
  mention.mention = true;
  (void)SendOnce(GetParam().success);
  (void)SendOnce(GetParam().success, mention);
  (void)SendOnce(GetParam().success, testing::HostileNotice());
  ASSERT_EQ(transport_->requests().size(), 3u);
  for (const HttpRequest& req : transport_->requests()) {
    ExpectNoSecret(req.body, "body");
    for (const auto& [name, value] : req.headers) ExpectNoSecret(name + ": " + value, "header");
  }
}

TEST_P(ChannelContractTest, EveryRequestUsesTheConfiguredTimeout) {
  (void)SendOnce(GetParam().success);
  (void)SendOnce(Response(500, ""));
  for (const HttpRequest& req : transport_->requests()) EXPECT_EQ(req.timeout, 1234ms);
}

TEST_P(ChannelContractTest, BodiesAreValidJsonForHostileInput) {
  (void)SendOnce(GetParam().success, testing::HostileNotice());
  const HttpRequest& req = transport_->last();
  EXPECT_TRUE(testing::IsStrictUtf8(req.body));
  EXPECT_TRUE(testing::ParseJson(req.body).is_object());
  EXPECT_EQ(testing::HeaderOf(req, "content-type"), "application/json");
}

INSTANTIATE_TEST_SUITE_P(AllKinds, ChannelContractTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ChannelFactoryTest, RejectionNamesTheChannelNotTheUrl) {
  for (const auto type : {config::ChannelType::kDiscord, config::ChannelType::kSlack,
                          config::ChannelType::kWebhook}) {
    const auto made = MakeChannel(Config("broken", type, "ftp://files.example.com/s3cr3t-token"),
                                  std::make_shared<FakeTransport>(), "ua");
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(made.error().message.find("\"broken\""), std::string::npos) << made.error().message;
    EXPECT_EQ(made.error().ToString().find("s3cr3t"), std::string::npos);
  }
}

}  // namespace
}  // namespace opsdeck::notify
