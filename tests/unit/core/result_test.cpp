#include "core/result.h"

#include <gtest/gtest.h>

#include <string>

namespace opsdeck::core {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Error::InvalidArgument("odd: " + std::to_string(x), "input");
  return x / 2;
}

TEST(ResultTest, CarriesValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);

  auto bad = Half(3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().ToString(), "input: odd: 3");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(ResultTest, VoidResult) {
  Result<void> ok = Ok();
  EXPECT_TRUE(ok.has_value());
  Result<void> bad = Error::Unavailable("db down");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(ErrorCodeName(bad.error().code), "unavailable");
}

}  // namespace
}  // namespace opsdeck::core
