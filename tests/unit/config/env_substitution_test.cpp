// ${VAR} substitution and its `$${` escape.
#include "config/internal/env_substitution.h"

#include <gtest/gtest.h>

#include "config_test_support.h"

namespace opsdeck::config::internal {
namespace {

EnvLookup Env() { return testing::MapEnv({{"HOST", "db.internal"}, {"EMPTY", ""}, {"_X1", "x"}}); }

TEST(SubstituteEnv, ReplacesEveryVariable) {
  auto out = SubstituteEnv("postgres://${HOST}:5432/${_X1}", Env());
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.value, "postgres://db.internal:5432/x");
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(SubstituteEnv("[${EMPTY}]", Env()).value, "[]");  // set but empty is not unset
}

TEST(SubstituteEnv, LeavesPlainTextAndLoneDollarsAlone) {
  auto out = SubstituteEnv("price $5, $HOST, {{version}}, $$", Env());
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.value, "price $5, $HOST, {{version}}, $$");
  EXPECT_FALSE(out.changed);
}

TEST(SubstituteEnv, DoubleDollarEscapesALiteral) {
  auto out = SubstituteEnv("literal $${HOST} and ${HOST}", Env());
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.value, "literal ${HOST} and db.internal");
}

TEST(SubstituteEnv, ReportsEveryUnsetVariableByName) {
  auto out = SubstituteEnv("${MISSING_ONE}-${HOST}-${MISSING_TWO}", Env());
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0], "environment variable MISSING_ONE is not set");
  EXPECT_EQ(out.errors[1], "environment variable MISSING_TWO is not set");
}

TEST(SubstituteEnv, ReportsMalformedReferences) {
  EXPECT_EQ(SubstituteEnv("${HOST", Env()).errors.size(), 1u);
  EXPECT_EQ(SubstituteEnv("${}", Env()).errors.size(), 1u);
  EXPECT_EQ(SubstituteEnv("${1ABC}", Env()).errors.size(), 1u);
  EXPECT_EQ(SubstituteEnv("${A-B}", Env()).errors.size(), 1u);
}

}  // namespace
}  // namespace opsdeck::config::internal
