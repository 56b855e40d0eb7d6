// Walks tests/fixtures/gitlab: each <case>.http is parsed by a GitlabSource
// whose token is kToken and compared with <case>.expected.json; plus the
// parts the fixture rendering does not show (event_type, the mappings).
#include "ingest/gitlab_source.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "fixture_case.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

// Written literally in the fixtures' X-Gitlab-Token headers.
constexpr const char* kToken = "test-gitlab-token-0123456789";

class GitlabFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(GitlabFixtureTest, MatchesExpected) {
  const GitlabSource source{core::SecretString(kToken)};
  testing::ExpectMatchesFixture(source, GetParam(), kToken);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GitlabFixtureTest,
                         ::testing::ValuesIn(testing::ListCases(OPSDECK_FIXTURES "/gitlab")),
                         [](const auto& info) { return testing::TestName(info.param.name); });

Delivery Load(const char* name) {
  return testing::LoadDelivery(std::string(OPSDECK_FIXTURES "/gitlab/") + name + ".http", kToken);
}

TEST(GitlabSourceTest, FixtureFolderIsNotEmpty) {
  EXPECT_GE(testing::ListCases(OPSDECK_FIXTURES "/gitlab").size(), 40u);
}

TEST(GitlabSourceTest, KindIsGitlab) {
  EXPECT_EQ(GitlabSource{core::SecretString(kToken)}.kind(), core::SourceKind::kGitlab);
}

TEST(GitlabSourceTest, WithoutTokenEverythingIsUnauthenticated) {
  const GitlabSource source{core::SecretString("")};
  Delivery d = Load("pipeline-status-success");
  d.headers["x-gitlab-token"] = "";
  const auto r = source.Parse(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(GitlabSourceTest, AuthenticationComesBeforeTheEventHeader) {
  const GitlabSource source{core::SecretString(kToken)};
  Delivery d = Load("event-header-missing");
  d.headers.erase("x-gitlab-token");
  const auto r = source.Parse(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(GitlabSourceTest, EventTypeIsReported) {
  const GitlabSource source{core::SecretString(kToken)};
  const auto pipeline = source.Parse(Load("pipeline-status-running"));
  ASSERT_TRUE(pipeline);
  EXPECT_EQ(pipeline->kind, ParseOutcome::kEvents);
  EXPECT_EQ(pipeline->event_type, "Pipeline Hook");

  const auto push = source.Parse(Load("push-hook-ignored"));
  ASSERT_TRUE(push);
  EXPECT_EQ(push->kind, ParseOutcome::kIgnored);
  EXPECT_EQ(push->event_type, "Push Hook");

  const auto unknown = source.Parse(Load("pipeline-unknown-status-ignored"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->kind, ParseOutcome::kIgnored);
  EXPECT_EQ(unknown->event_type, "Pipeline Hook");
}

// X-Gitlab-Event-UUID is shared by chained hooks: it must never become the
// dedupe id, even when it is the only id-like header.
TEST(GitlabSourceTest, EventUuidIsNotTheDeliveryId) {
  const GitlabSource source{core::SecretString(kToken)};
  Delivery d = Load("dedupe-without-idempotency-key");
  ASSERT_EQ(d.headers.count("idempotency-key"), 0u);
  ASSERT_EQ(d.headers.count("x-gitlab-event-uuid"), 1u);
  const auto r = source.Parse(d);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].delivery_id, "pipeline:1203:success");
}

TEST(GitlabSourceTest, StatusMapping) {
  using core::RunStatus;
  const std::pair<const char*, RunStatus> cases[] = {
      {"created", RunStatus::kQueued},    {"waiting_for_resource", RunStatus::kQueued},
      {"preparing", RunStatus::kQueued},  {"waiting_for_callback", RunStatus::kQueued},
      {"pending", RunStatus::kQueued},    {"scheduled", RunStatus::kQueued},
      {"manual", RunStatus::kQueued},     {"running", RunStatus::kRunning},
      {"canceling", RunStatus::kRunning}, {"success", RunStatus::kSucceeded},
      {"failed", RunStatus::kFailed},     {"canceled", RunStatus::kCanceled},
      {"skipped", RunStatus::kCanceled},
  };
  for (const auto& [raw, want] : cases) EXPECT_EQ(MapGitlabStatus(raw), want) << raw;
  EXPECT_EQ(MapGitlabStatus("passed"), std::nullopt);  // a detailed_status label, not a status
  EXPECT_EQ(MapGitlabStatus("Success"), std::nullopt);
  EXPECT_EQ(MapGitlabStatus(""), std::nullopt);
}

TEST(GitlabSourceTest, TimeFormats) {
  const auto want = core::FromUnixMillis(1773151925000);  // 2026-03-10T14:12:05Z
  EXPECT_EQ(ParseGitlabTime("2026-03-10 14:12:05 UTC"), want);
  EXPECT_EQ(ParseGitlabTime("2026-03-10 15:12:05 +0100"), want);
  EXPECT_EQ(ParseGitlabTime("2026-03-10 09:42:05 -0430"), want);
  EXPECT_EQ(ParseGitlabTime("2026-03-10T14:12:05Z"), want);
  EXPECT_EQ(ParseGitlabTime("2026-03-10T16:12:05+02:00"), want);
  for (const char* bad :
       {"", "2026-03-10 14:12:05", "2026-03-10 14:12:05 utc", "2026-03-10 14:12:05 CET",
        "2026-03-10 14:12:05 +01:00", "2026-03-10 14:12:05 +01", "2026-02-30 14:12:05 UTC",
        "2026-03-10 24:12:05 UTC", "2026-03-10x14:12:05 UTC", "2026-03-10 14:12:05 +0160",
        "2026-03-10 14:12:05 UTC ", "2026-03-10 14:1a:05 UTC", "2026-03-10 14:12:05 +01a0"}) {
    EXPECT_EQ(ParseGitlabTime(bad), std::nullopt) << bad;
  }
}

// Caught by the fuzz harness's round-trip check (fuzz/): an offset could move
// a time out of the four-digit years, and FormatRfc3339 then wrote
// "-001-12-31T23:59:00.000Z".
TEST(GitlabSourceTest, TimesStayWithinFourDigitYears) {
  EXPECT_EQ(ParseGitlabTime("0000-01-01 00:00:00 UTC"), core::FromUnixMillis(-62167219200000));
  EXPECT_EQ(ParseGitlabTime("9999-12-31T23:59:59.999Z"), core::FromUnixMillis(253402300799999));
  for (const char* bad :
       {"0000-01-01T00:00:00+00:01", "0000-01-01 00:00:00 +0001", "9999-12-31T23:59:59-00:01",
        "9999-12-31 23:59:59 -0100", "9999-12-31T23:59:60Z"}) {
    EXPECT_EQ(ParseGitlabTime(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace opsdeck::ingest
