#include "core/clock.h"

#include <gtest/gtest.h>

#include "core/secret.h"

#include <sstream>

namespace opsdeck::core {
namespace {

TEST(ClockTest, FormatsRfc3339Utc) {
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(1796054805123)), "2026-11-30T16:06:45.123Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMillis(-1)), "1969-12-31T23:59:59.999Z");
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(FromUnixMillis(1000));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1000);
  clock.Advance(Duration(500));
  EXPECT_EQ(ToUnixMillis(clock.Now()), 1500);
}

TEST(SecretTest, NeverPrintsItself) {
  SecretString s("hunter2");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
  EXPECT_EQ(s.Reveal(), "hunter2");
}

}  // namespace
}  // namespace opsdeck::core
