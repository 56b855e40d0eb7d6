// Walks tests/fixtures/github: each <case>.http is parsed by a GithubSource
// keyed with kSecret and compared with <case>.expected.json.
#include "ingest/github_source.h"

#include <gtest/gtest.h>

#include "fixture_case.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

// GitHub's documented test secret; fixtures sign with it through {{sign}}.
constexpr const char* kSecret = "It's a Secret to Everybody";

class GithubFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(GithubFixtureTest, MatchesExpected) {
  const GithubSource source{core::SecretString(kSecret)};
  testing::ExpectMatchesFixture(source, GetParam(), kSecret);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GithubFixtureTest,
                         ::testing::ValuesIn(testing::ListCases(OPSDECK_FIXTURES "/github")),
                         [](const auto& info) { return testing::TestName(info.param.name); });

TEST(GithubSourceTest, FixtureFolderIsNotEmpty) {
  EXPECT_GE(testing::ListCases(OPSDECK_FIXTURES "/github").size(), 20u);
}

TEST(GithubSourceTest, WithoutSecretEverythingIsUnauthenticated) {
  const GithubSource source{core::SecretString("")};
  Delivery d;
  d.headers["x-github-event"] = "ping";
  d.headers["x-hub-signature-256"] = "sha256=" + std::string(64, '0');
  d.body = "{}";
  const auto r = source.Parse(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

TEST(GithubSourceTest, StatusMapping) {
  using core::RunStatus;
  EXPECT_EQ(MapGithubStatus("waiting", ""), RunStatus::kQueued);
  EXPECT_EQ(MapGithubStatus("pending", ""), RunStatus::kQueued);
  EXPECT_EQ(MapGithubStatus("completed", ""), RunStatus::kFailed);
  EXPECT_EQ(MapGithubStatus("completed", "something_new"), RunStatus::kFailed);
  EXPECT_EQ(MapGithubStatus("exploded", ""), std::nullopt);
}

}  // namespace
}  // namespace opsdeck::ingest
