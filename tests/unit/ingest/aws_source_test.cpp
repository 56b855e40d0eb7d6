// Walks tests/fixtures/aws: each <case>.http is parsed by an AwsSource with
// the test token and topic, SNS bodies signed at test time ({{sns-sign}},
// fixture_case.h) with a key made for this process; a fake certificate
// provider serves its certificate for the fixtures' SigningCertURL.
#include "ingest/aws_source.h"

#include <gtest/gtest.h>

#include <memory>

#include "fixture_case.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

constexpr const char* kToken = "test-aws-token-0123456789";
constexpr const char* kTopic = "arn:aws:sns:eu-central-1:123456789012:dashboard-pipelines";
constexpr const char* kCertUrl =
    "https://sns.eu-central-1.amazonaws.com/"
    "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
const std::string kDir = OPSDECK_FIXTURES "/aws";

std::shared_ptr<testing::FakeCertificateProvider> Certs() {
  auto certs = std::make_shared<testing::FakeCertificateProvider>();
  certs->Add(kCertUrl, testing::TestSnsSigner().certificate_pem());
  return certs;
}

AwsSource MakeSource(std::shared_ptr<CertificateProvider> certs,
                     std::string header = "X-Opsdeck-Token") {
  return AwsSource(std::move(header), core::SecretString(kToken), {kTopic}, std::move(certs));
}

Delivery Load(const std::string& name) {
  Delivery d = testing::LoadDelivery(kDir + "/" + name + ".http", "");
  testing::SignSnsBody(d);
  return d;
}

class AwsFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(AwsFixtureTest, MatchesExpected) {
  const AwsSource source = MakeSource(Certs());
  testing::ExpectMatchesFixture(source, GetParam(), "", testing::SignSnsBody);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AwsFixtureTest, ::testing::ValuesIn(testing::ListCases(kDir)),
                         [](const auto& info) { return testing::TestName(info.param.name); });

TEST(AwsSourceTest, FixtureFolderIsNotEmpty) { EXPECT_GE(testing::ListCases(kDir).size(), 80u); }

TEST(AwsSourceTest, KindIsCodePipeline) {
  EXPECT_EQ(MakeSource(Certs()).kind(), core::SourceKind::kCodePipeline);
}

// The SNS refusals that must not cost a fetch: the URL or the topic decides.
TEST(AwsSourceTest, RefusedCertificateUrlsAndTopicsAreNeverFetched) {
  for (const char* name :
       {"sns-cert-url-wrong-host", "sns-cert-url-http", "sns-cert-url-userinfo",
        "sns-cert-url-port", "sns-cert-url-not-pem", "sns-notification-unconfigured-topic",
        "sns-subscription-confirmation-unconfigured-topic", "sns-signature-version-3"}) {
    auto certs = Certs();
    const AwsSource source = MakeSource(certs);
    const auto r = source.Parse(Load(name));
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << name;
    EXPECT_EQ(certs->calls(), 0) << name;
  }
}

TEST(AwsSourceTest, SignedNotificationIsFetchedOnceAndVerified) {
  auto certs = Certs();
  const AwsSource source = MakeSource(certs);
  const auto r = source.Parse(Load("sns-notification-v2"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(certs->calls(), 1);
  EXPECT_EQ(r->event_type, "CodePipeline Action Execution State Change");
}

TEST(AwsSourceTest, TamperingWithASignedMessageIsUnauthenticated) {
  const AwsSource source = MakeSource(Certs());
  Delivery d = Load("sns-notification-v1");
  ASSERT_TRUE(source.Parse(d));
  const size_t at = d.body.find("SUCCEEDED");
  ASSERT_NE(at, std::string::npos);
  d.body.replace(at, 9, "CANCELED_");
  const auto r = source.Parse(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(AwsSourceTest, SignatureFromAnotherKeyIsUnauthenticated) {
  const testing::TestRsaSigner other;
  auto certs = std::make_shared<testing::FakeCertificateProvider>();
  certs->Add(kCertUrl, other.certificate_pem());  // SNS would not serve this
  const AwsSource source = MakeSource(certs);
  const auto r = source.Parse(Load("sns-notification-v1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(AwsSourceTest, CertificateOutageIsUnavailableSoSnsRetries) {
  class Down final : public CertificateProvider {
   public:
    core::Result<std::string> Get(const std::string&) override {
      return core::Error::Unavailable("connection refused");
    }
  };
  const AwsSource source = MakeSource(std::make_shared<Down>());
  const auto r = source.Parse(Load("sns-notification-v1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
}

TEST(AwsSourceTest, EventTypeIsTheDetailTypeOrTheSnsType) {
  const AwsSource source = MakeSource(Certs());
  const struct {
    const char* name;
    const char* event_type;
  } cases[] = {
      {"pipeline-started", "CodePipeline Pipeline Execution State Change"},
      {"stage-started", "CodePipeline Stage Execution State Change"},
      {"action-failed", "CodePipeline Action Execution State Change"},
      {"cloudwatch-alarm-ignored", "CloudWatch Alarm State Change"},
      {"sns-notification-codestar-detailtype", "CodePipeline Pipeline Execution State Change"},
      {"sns-subscription-confirmation", "SubscriptionConfirmation"},
      {"sns-unsubscribe-confirmation", "UnsubscribeConfirmation"},
  };
  for (const auto& c : cases) {
    const auto r = source.Parse(Load(c.name));
    ASSERT_TRUE(r) << c.name << ": " << r.error().ToString();
    EXPECT_EQ(r->event_type, c.event_type) << c.name;
  }
}

TEST(AwsSourceTest, ConfirmationCarriesTheReasonAndUrl) {
  const AwsSource source = MakeSource(Certs());
  const auto r = source.Parse(Load("sns-subscription-confirmation"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->kind, ParseOutcome::kConfirm);
  EXPECT_EQ(r->reason, std::string("SNS subscription to ") + kTopic);
  EXPECT_TRUE(IsSnsHostUrl(r->confirm_url));
  EXPECT_TRUE(r->events.empty());
}

TEST(AwsSourceTest, TokenHeaderNameIsCaseInsensitive) {
  const AwsSource source = MakeSource(Certs(), "X-OPSDECK-TOKEN");
  const auto r = source.Parse(Load("pipeline-started"));  // sent as X-Opsdeck-Token
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->kind, ParseOutcome::kEvents);
}

TEST(AwsSourceTest, CustomTokenHeader) {
  const AwsSource source =
      AwsSource("Authorization-Key", core::SecretString(kToken), {kTopic}, Certs());
  Delivery d = Load("pipeline-started");
  EXPECT_FALSE(source.Parse(d));  // the token is in the wrong header
  d.headers["authorization-key"] = kToken;
  EXPECT_TRUE(source.Parse(d));
}

TEST(AwsSourceTest, WithoutTokenEveryEventBridgeDeliveryIsUnauthenticated) {
  const AwsSource source("X-Opsdeck-Token", core::SecretString(""), {kTopic}, Certs());
  Delivery d = Load("pipeline-started");
  d.headers["x-opsdeck-token"] = "";
  const auto r = source.Parse(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_TRUE(source.Parse(Load("sns-notification-v1")));  // SNS does not use the token
}

TEST(AwsSourceTest, WithoutTopicsEverySnsMessageIsUnauthenticated) {
  auto certs = Certs();
  const AwsSource source("X-Opsdeck-Token", core::SecretString(kToken), {}, certs);
  for (const char* name : {"sns-notification-v1", "sns-subscription-confirmation"}) {
    const auto r = source.Parse(Load(name));
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated) << name;
  }
  EXPECT_EQ(certs->calls(), 0);
}

TEST(AwsSourceTest, EveryDocumentedStateMaps) {
  using core::RunStatus;
  EXPECT_EQ(MapCodePipelineState("STARTED"), RunStatus::kRunning);
  EXPECT_EQ(MapCodePipelineState("RESUMED"), RunStatus::kRunning);
  EXPECT_EQ(MapCodePipelineState("STOPPING"), RunStatus::kRunning);
  EXPECT_EQ(MapCodePipelineState("SUCCEEDED"), RunStatus::kSucceeded);
  EXPECT_EQ(MapCodePipelineState("FAILED"), RunStatus::kFailed);
  EXPECT_EQ(MapCodePipelineState("CANCELED"), RunStatus::kCanceled);
  EXPECT_EQ(MapCodePipelineState("STOPPED"), RunStatus::kCanceled);
  EXPECT_EQ(MapCodePipelineState("ABANDONED"), RunStatus::kCanceled);
  EXPECT_EQ(MapCodePipelineState("SUPERSEDED"), RunStatus::kSuperseded);
  EXPECT_EQ(MapCodePipelineState("succeeded"), std::nullopt);  // AWS sends upper case only
  EXPECT_EQ(MapCodePipelineState("InProgress"),
            std::nullopt);  // the API's spelling, not the event's
  EXPECT_EQ(MapCodePipelineState(""), std::nullopt);
}

TEST(AwsSourceTest, ConsoleUrl) {
  EXPECT_EQ(
      CodePipelineConsoleUrl("eu-west-1", "my.pipe@v2", "0b1c"),
      "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/my.pipe%40v2/"
      "executions/0b1c/timeline?region=eu-west-1");
  EXPECT_EQ(CodePipelineConsoleUrl("cn-north-1", "p", "e"), "");
  EXPECT_EQ(CodePipelineConsoleUrl("us-gov-west-1", "p", "e"), "");
  EXPECT_EQ(CodePipelineConsoleUrl("evil.com/x?", "p", "e"), "");
  EXPECT_EQ(CodePipelineConsoleUrl("", "p", "e"), "");
  EXPECT_EQ(CodePipelineConsoleUrl("eu-west-1", "", "e"), "");
}

TEST(AwsSourceTest, InnerEventErrorsArePrefixedWithMessage) {
  const auto r =
      ParseEventBridgeEvent(R"({"source":"aws.codepipeline","detail-type":3})", "/Message", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().where, "/Message/detail-type");
  const auto whole = ParseEventBridgeEvent("{", "/Message", "");
  ASSERT_FALSE(whole);
  EXPECT_EQ(whole.error().where, "/Message");
}

TEST(AwsSourceTest, DeliveryIdFallsBackOnlyWithoutEventId) {
  const std::string with_id =
      R"({"id":"ev-1","detail-type":"CodePipeline Pipeline Execution State Change","source":"aws.codepipeline",)"
      R"("detail":{"pipeline":"p","execution-id":"e","state":"STARTED"}})";
  const auto a = ParseEventBridgeEvent(with_id, "", "sns-1");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->events.at(0).delivery_id, "ev-1");
  std::string without_id = with_id;
  without_id.replace(0, 13, "{");
  const auto b = ParseEventBridgeEvent(without_id, "", "sns-1");
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(b->events.at(0).delivery_id, "sns-1");
}

}  // namespace
}  // namespace opsdeck::ingest
