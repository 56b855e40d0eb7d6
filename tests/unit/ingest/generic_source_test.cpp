// Walks tests/fixtures/generic: each <case>.http is parsed by a GenericSource
// whose token is kToken and compared with <case>.expected.json.
#include "ingest/generic_source.h"

#include <gtest/gtest.h>

#include "fixture_case.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

constexpr const char* kToken = "test-generic-token-0123456789";

class GenericFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(GenericFixtureTest, MatchesExpected) {
  const GenericSource source{core::SecretString(kToken)};
  testing::ExpectMatchesFixture(source, GetParam(), kToken);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GenericFixtureTest,
                         ::testing::ValuesIn(testing::ListCases(OPSDECK_FIXTURES "/generic")),
                         [](const auto& info) { return testing::TestName(info.param.name); });

TEST(GenericSourceTest, FixtureFolderIsNotEmpty) {
  EXPECT_GE(testing::ListCases(OPSDECK_FIXTURES "/generic").size(), 10u);
}

TEST(GenericSourceTest, WithoutTokenEverythingIsUnauthenticated) {
  const GenericSource source{core::SecretString("")};
  Delivery d;
  d.headers["authorization"] = "Bearer ";
  d.body = R"({"pipeline":"p","run_id":"1","status":"queued"})";
  const auto r = source.Parse(d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnauthenticated);
}

}  // namespace
}  // namespace opsdeck::ingest
