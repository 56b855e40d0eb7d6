// Walks tests/fixtures/generic: each <case>.http is parsed by a GenericSource
// whose token is kToken and compared with <case>.expected.json.
#include "ingest/generic_source.h"

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "fixture_case.h"

namespace opsdeck::ingest {
namespace {

using testing::FixtureCase;

constexpr const char* kToken = "test-generic-token-0123456789";

class GenericFixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(GenericFixtureTest, MatchesExpected) {
  const FixtureCase& c = GetParam();
  const Delivery delivery = testing::LoadDelivery(c.http_path, kToken);
  const GenericSource source{core::SecretString(kToken)};
  const auto outcome = source.Parse(delivery);
  const boost::json::value got = testing::Render(outcome);
  const boost::json::value want = testing::ReadJsonFile(c.expected_path);
  EXPECT_EQ(got, want) << "case " << c.name << "\n got: " << boost::json::serialize(got)
                       << "\nwant: " << boost::json::serialize(want)
                       << (outcome ? "" : "\nerror: " + outcome.error().ToString());
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
