// Walks tests/fixtures/alertmanager: each <case>.http is parsed with the test
// token and its alerts mapped onto TestExternal(); the outcome must equal
// <case>.expected.json (signal_render.h). Plus the rules no fixture shows.
#include "ingest/alertmanager_source.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "fixture_case.h"
#include "signal_render.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

constexpr const char* kToken = "test-alertmanager-token-0123456789";
const std::string kDir = OPSDECK_FIXTURES "/alertmanager";
const core::TimePoint kNow = core::FromUnixMillis(1773153600000);  // 2026-03-10T14:40:00Z

boost::json::value Outcome(const core::Result<AlertmanagerNotification>& parsed) {
  if (!parsed) return testing::RenderError(parsed.error());
  boost::json::object out = testing::RenderMapping(MapAlerts(*parsed, testing::TestExternal(), kNow));
  out["group_key"] = parsed->group_key;
  out["truncated_alerts"] = parsed->truncated_alerts;
  return out;
}

class AlertmanagerFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(AlertmanagerFixtureTest, MatchesExpected) {
  const AlertmanagerSource source{core::SecretString(kToken)};
  const auto parsed = source.Parse(testing::LoadDelivery(GetParam().http_path, ""));
  const boost::json::value got = Outcome(parsed);
  const boost::json::value want = testing::ReadJsonFile(GetParam().expected_path);
  EXPECT_EQ(got, want) << "\n got: " << boost::json::serialize(got)
                       << "\nwant: " << boost::json::serialize(want)
                       << (parsed ? "" : "\nerror: " + parsed.error().ToString());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, AlertmanagerFixtureTest,
                         ::testing::ValuesIn(testing::ListCases(kDir)),
                         [](const auto& info) { return testing::TestName(info.param.name); });

TEST(AlertmanagerSourceTest, FixtureFolderIsNotEmpty) {
  EXPECT_GE(testing::ListCases(kDir).size(), 15u);
}

TEST(AlertmanagerSourceTest, NoConfiguredTokenRefusesEverything) {
  const AlertmanagerSource source{core::SecretString("")};
  const auto r = source.Parse(testing::LoadDelivery(kDir + "/firing.http", ""));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(AlertmanagerSourceTest, ZeroEndTimeMeansNotEnded) {
  const AlertmanagerSource source{core::SecretString(kToken)};
  const auto firing = source.Parse(testing::LoadDelivery(kDir + "/firing.http", ""));
  ASSERT_TRUE(firing) << firing.error().ToString();
  ASSERT_EQ(firing->alerts.size(), 1u);
  EXPECT_TRUE(firing->alerts[0].firing);
  EXPECT_FALSE(firing->alerts[0].ends_at.has_value());
  EXPECT_EQ(firing->alerts[0].starts_at, core::FromUnixMillis(1773153001512));  // ns truncated
  const auto resolved = source.Parse(testing::LoadDelivery(kDir + "/resolved.http", ""));
  ASSERT_TRUE(resolved);
  ASSERT_TRUE(resolved->alerts[0].ends_at.has_value());
  EXPECT_FALSE(resolved->alerts[0].firing);
}

TEST(AlertmanagerSourceTest, ResultsAreTimedOnArrivalNotByTheAlert) {
  const AlertmanagerSource source{core::SecretString(kToken)};
  const auto n = source.Parse(testing::LoadDelivery(kDir + "/firing.http", ""));
  ASSERT_TRUE(n);
  const SignalMapping m = MapAlerts(*n, testing::TestExternal(), kNow);
  ASSERT_EQ(m.results.size(), 1u);
  EXPECT_EQ(m.results[0].result.at, kNow);
  EXPECT_EQ(m.results[0].key, (core::CheckKey{"dashboard-api", core::ExternalCheck(1)}));
}

TEST(AlertmanagerSourceTest, EntriesOfOtherTypesNeverMatchAlerts) {
  AlertmanagerNotification n;
  AlertmanagerAlert a;
  a.firing = true;
  a.labels = {{"alertname", "dashboard-api-5xx"}};
  n.alerts.push_back(a);
  // Entry 0 is the CloudWatch alarm of that very name; it has no `match`, so
  // it would match every alert if the type were not checked.
  const SignalMapping m = MapAlerts(n, testing::TestExternal(), kNow);
  EXPECT_TRUE(m.results.empty());
  ASSERT_EQ(m.unmatched.size(), 1u);
}

}  // namespace
}  // namespace opsdeck::ingest
