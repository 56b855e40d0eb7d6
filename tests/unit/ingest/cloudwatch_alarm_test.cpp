// Walks tests/fixtures/cloudwatch: each <case>.http goes through
// AwsSource::ParseWithAlarms (the test token and SNS topic; SNS bodies signed
// at test time, fixture_case.h) and the alarm is mapped onto TestExternal().
#include "ingest/cloudwatch_alarm.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "fixture_case.h"
#include "ingest/aws_source.h"
#include "signal_render.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

constexpr const char* kToken = "test-aws-token-0123456789";
constexpr const char* kTopic = "arn:aws:sns:eu-central-1:123456789012:dashboard-pipelines";
constexpr const char* kCertUrl =
    "https://sns.eu-central-1.amazonaws.com/"
    "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
const std::string kDir = OPSDECK_FIXTURES "/cloudwatch";
const core::TimePoint kNow = core::FromUnixMillis(1773153600000);

AwsSource MakeSource() {
  auto certs = std::make_shared<testing::FakeCertificateProvider>();
  certs->Add(kCertUrl, testing::TestSnsSigner().certificate_pem());
  return AwsSource("X-Opsdeck-Token", core::SecretString(kToken), {kTopic}, certs);
}

Delivery Load(const std::filesystem::path& path) {
  Delivery d = testing::LoadDelivery(path, "");
  testing::SignSnsBody(d);
  return d;
}

boost::json::value Render(const core::Result<AwsParse>& parsed) {
  if (!parsed) return testing::RenderError(parsed.error());
  if (!parsed->alarm) {
    const char* kinds[] = {"events", "ping", "ignored", "confirm"};
    return boost::json::object{{"not_alarm", kinds[parsed->outcome.kind]}};
  }
  const CloudWatchAlarmChange& c = *parsed->alarm;
  boost::json::object a{{"name", c.alarm_name}, {"state", c.state},
                        {"previous_state", c.previous_state}, {"region", c.region},
                        {"account", c.account}, {"delivery_id", c.delivery_id}};
  if (!c.reason.empty()) a["reason"] = c.reason;
  if (c.changed_at) a["changed_at"] = core::FormatRfc3339(*c.changed_at);
  boost::json::object out = testing::RenderMapping(MapAlarm(c, testing::TestExternal(), kNow));
  out["alarm"] = std::move(a);
  return out;
}

class CloudWatchFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(CloudWatchFixtureTest, MatchesExpected) {
  const AwsSource source = MakeSource();
  const auto parsed = source.ParseWithAlarms(Load(GetParam().http_path));
  const boost::json::value got = Render(parsed);
  const boost::json::value want = testing::ReadJsonFile(GetParam().expected_path);
  EXPECT_EQ(got, want) << "\n got: " << boost::json::serialize(got)
                       << "\nwant: " << boost::json::serialize(want)
                       << (parsed ? "" : "\nerror: " + parsed.error().ToString());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CloudWatchFixtureTest,
                         ::testing::ValuesIn(testing::ListCases(kDir)),
                         [](const auto& info) { return testing::TestName(info.param.name); });

TEST(CloudWatchAlarmTest, FixtureFolderIsNotEmpty) { EXPECT_GE(testing::ListCases(kDir).size(), 12u); }

// Parse() keeps its pipeline-only contract: alarms stay "handled by monitoring".
TEST(CloudWatchAlarmTest, PlainParseStillIgnoresAlarms) {
  const AwsSource source = MakeSource();
  for (const char* name : {"alarm", "sns-eventbridge-alarm"}) {
    const auto r = source.Parse(Load(kDir + "/" + name + ".http"));
    ASSERT_TRUE(r) << name << ": " << r.error().ToString();
    EXPECT_EQ(r->kind, ParseOutcome::kIgnored) << name;
    EXPECT_EQ(r->reason, kHandledByMonitoring) << name;
  }
}

TEST(CloudWatchAlarmTest, TamperedSnsAlarmIsUnauthenticated) {
  const AwsSource source = MakeSource();
  Delivery d = Load(kDir + "/sns-classic-alarm.http");
  const size_t at = d.body.find("ALARM\\\",\\\"NewStateReason");
  ASSERT_NE(at, std::string::npos);
  d.body.replace(at, 5, "OK___");
  const auto r = source.ParseWithAlarms(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(CloudWatchAlarmTest, EveryEntryNamingTheAlarmGetsAResult) {
  auto external = testing::TestExternal();
  external.push_back({config::ExternalType::kCloudwatch, "dashboard-api-5xx", {}, "dashboard-web"});
  CloudWatchAlarmChange c;
  c.alarm_name = "dashboard-api-5xx";
  c.state = "ALARM";
  const SignalMapping m = MapAlarm(c, external, kNow);
  ASSERT_EQ(m.results.size(), 2u);
  EXPECT_EQ(m.results[0].key, (core::CheckKey{"dashboard-api", core::ExternalCheck(0)}));
  EXPECT_EQ(m.results[1].key, (core::CheckKey{"dashboard-web", core::ExternalCheck(4)}));
  EXPECT_EQ(m.results[1].result.error, "cloudwatch: dashboard-api-5xx in ALARM");
  EXPECT_EQ(m.results[1].result.at, kNow);
}

}  // namespace
}  // namespace opsdeck::ingest
