// WebhookChannel: the documented body and headers, the signature checked
// with OpenSSL directly, and the answer classification.
#include "notify/webhook_channel.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <memory>
#include <string>

#include "test_support.h"

namespace opsdeck::notify {
namespace {

namespace json = boost::json;
using testing::FakeTransport;
using namespace std::chrono_literals;

constexpr std::string_view kUrl = "https://hooks.example.com/opsdeck/in";
constexpr std::string_view kSecret = "whsec-0123456789abcdef";

config::ChannelConfig HookConfig(std::string_view secret = kSecret) {
  config::ChannelConfig cfg;
  cfg.name = "ops-hook";
  cfg.type = config::ChannelType::kWebhook;
  cfg.url = core::SecretString(std::string(kUrl));
  cfg.secret = core::SecretString(std::string(secret));
  return cfg;
}

std::string OpensslHmacHex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

class WebhookChannelTest : public ::testing::Test {
 protected:
  std::unique_ptr<Channel> Make(const config::ChannelConfig& cfg) {
    auto made = WebhookChannel::Create(cfg, transport_, "opsdeck/1.2.3");
    EXPECT_TRUE(made) << made.error().ToString();
    return made ? std::move(*made) : nullptr;
  }

  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>();
};

TEST_F(WebhookChannelTest, BodyIsTheDocumentedShape) {
  auto ch = Make(HookConfig());
  transport_->Answer(200, "");
  EXPECT_EQ(ch->Send(testing::SampleNotice(), "", "dlv-7f3a").status, SendStatus::kDelivered);
  // Key order is part of the contract as documented.
  EXPECT_EQ(
      transport_->last().body,
      R"json({"id":"dlv-7f3a","kind":"pipeline.failed","subject":"run:42","severity":"critical",)json"
      R"json("state":"failed","environment":"production","pipeline":"dashboard-production",)json"
      R"json("title":"dashboard-production #184 failed",)json"
      R"json("url":"https://github.com/acme/dashboard/actions/runs/9876543210",)json"
      R"json("description":"Fix the rollout gate (#412)","fields":[)json"
      R"json({"name":"Environment","value":"production"},{"name":"Branch","value":"main"},)json"
      R"json({"name":"Commit","value":"`3f2a9c1`"},{"name":"Duration","value":"4m 12s"}],)json"
      R"json("occurred_at":"2026-03-10T14:02:11.000Z","opsdeck_url":"https://ops.example.com/runs/42"})json");
}

TEST_F(WebhookChannelTest, EmptyFiltersAreOmittedAndNoTimeIsNull) {
  core::Notice n = testing::SampleNotice();
  n.environment.clear();
  n.pipeline.clear();
  n.target = "api-eu";
  n.occurred_at.reset();
  n.url = "ftp://nope";
  const json::object body = json::parse(WebhookChannel::RenderBody(n, "d1")).as_object();
  EXPECT_FALSE(body.contains("environment"));
  EXPECT_FALSE(body.contains("pipeline"));
  EXPECT_EQ(body.at("target"), "api-eu");
  EXPECT_TRUE(body.at("occurred_at").is_null());
  EXPECT_EQ(body.at("url"), "");
}

TEST_F(WebhookChannelTest, HeadersAndAnIndependentlyVerifiedSignature) {
  auto ch = Make(HookConfig());
  transport_->Answer(202, "");
  (void)ch->Send(testing::HostileNotice(), "", "dlv-7f3a");
  const HttpRequest& req = transport_->last();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, kUrl);
  EXPECT_EQ(testing::HeaderOf(req, "Content-Type"), "application/json");
  EXPECT_EQ(testing::HeaderOf(req, "User-Agent"), "opsdeck/1.2.3");
  EXPECT_EQ(testing::HeaderOf(req, "X-Opsdeck-Event"), "pipeline.failed");
  EXPECT_EQ(testing::HeaderOf(req, "X-Opsdeck-Delivery"), "dlv-7f3a");
  EXPECT_EQ(testing::HeaderOf(req, "X-Opsdeck-Signature"),
            "sha256=" + OpensslHmacHex(kSecret, req.body));
}

TEST_F(WebhookChannelTest, RetriesCarryTheSameDeliveryIdAndSignature) {
  auto ch = Make(HookConfig());
  transport_->Answer(503, "");
  transport_->Answer(200, "");
  EXPECT_EQ(ch->Send(testing::SampleNotice(), "", "dlv-1").status, SendStatus::kRetry);
  EXPECT_EQ(ch->Send(testing::SampleNotice(), "", "dlv-1").status, SendStatus::kDelivered);
  const auto& reqs = transport_->requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].body, reqs[1].body);
  EXPECT_EQ(testing::HeaderOf(reqs[0], "X-Opsdeck-Delivery"), "dlv-1");
  EXPECT_EQ(testing::HeaderOf(reqs[0], "X-Opsdeck-Signature"),
            testing::HeaderOf(reqs[1], "X-Opsdeck-Signature"));
}

TEST_F(WebhookChannelTest, NoSecretNoSignature) {
  auto ch = Make(HookConfig(""));
  transport_->Answer(200, "");
  (void)ch->Send(testing::SampleNotice(), "", "dlv-1");
  EXPECT_EQ(testing::HeaderOf(transport_->last(), "X-Opsdeck-Signature"), "");
}

TEST_F(WebhookChannelTest, HeaderValuesCannotBeSplit) {
  auto ch = Make(HookConfig());
  core::Notice n = testing::SampleNotice();
  n.kind = "pipeline.failed\r\nX-Evil: 1";
  transport_->Answer(200, "");
  (void)ch->Send(n, "", "dlv\n2");
  for (const auto& [name, value] : transport_->last().headers) {
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos) << name;
  }
}

TEST_F(WebhookChannelTest, AnswerClassification) {
  auto ch = Make(HookConfig());
  transport_->Answer(408, "");
  EXPECT_EQ(ch->Send(testing::SampleNotice(), "", "d").status, SendStatus::kRetry);
  transport_->Answer(429, "", {{"Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT"}});
  SendResult r = ch->Send(testing::SampleNotice(), "", "d");
  EXPECT_EQ(r.status, SendStatus::kRateLimited);
  EXPECT_EQ(r.retry_after, 1000ms);
  transport_->Answer(429, "", {{"Retry-After", "120"}});
  EXPECT_EQ(ch->Send(testing::SampleNotice(), "", "d").retry_after, 120000ms);
  // Other 4xx: status plus at most 200 printable characters of the body.
  transport_->Answer(422, "bad\x01\x1b[31m " + std::string(1000, 'x'));
  r = ch->Send(testing::SampleNotice(), "", "d");
  EXPECT_EQ(r.status, SendStatus::kRejected);
  EXPECT_TRUE(r.error.starts_with("webhook: HTTP 422: bad [31m xxx")) << r.error;
  EXPECT_LE(testing::TrimmedCodePoints(r.error), std::string("webhook: HTTP 422: ").size() + 200);
  for (const char c : r.error) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20) << r.error;
  transport_->Answer(301, "", {{"Location", "https://elsewhere.example.com/"}});
  EXPECT_EQ(ch->Send(testing::SampleNotice(), "", "d").status, SendStatus::kRejected);
}

}  // namespace
}  // namespace opsdeck::notify
