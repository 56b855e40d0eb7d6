// CronSchedule: parsing (with precise errors), matching, and occurrences in a
// zone, including the DST days of a zone shaped like Europe/Berlin.
#include "core/cron_schedule.h"

#include <gtest/gtest.h>

#include <vector>

#include "fake_zones.h"

namespace opsdeck::core {
namespace {

using namespace std::chrono_literals;
using testing::Berlin2026;
using testing::Local;
using testing::Utc;

CronSchedule Cron(std::string_view spec) {
  auto s = CronSchedule::Parse(spec);
  EXPECT_TRUE(s.has_value()) << spec << ": " << (s ? "" : s.error().message);
  return *std::move(s);
}

const FixedOffsetZone kUtc(0s, "UTC");

struct BadSpec {
  const char* spec;
  const char* message;
};

TEST(CronScheduleTest, ParseErrorsNameTheFieldAndTheText) {
  const std::vector<BadSpec> cases = {
      {"* * * *", "cron: expected 5 fields (minute hour day-of-month month day-of-week), got 4 in '* * * *'"},
      {"60 * * * *", "cron: minute: 60 is out of range 0-59"},
      {"0 24 * * *", "cron: hour: 24 is out of range 0-23"},
      {"0 0 0 * *", "cron: day-of-month: 0 is out of range 1-31"},
      {"0 0 * 13 *", "cron: month: 13 is out of range 1-12"},
      {"0 0 * * 8", "cron: day-of-week: 8 is out of range 0-7"},
      {"0 0 * FOO *", "cron: month: 'FOO' is not a number or name (expected 1-12 or JAN-DEC)"},
      {"0 0 * * MONDAY", "cron: day-of-week: 'MONDAY' is not a number or name (expected 0-7 or SUN-SAT)"},
      {"x * * * *", "cron: minute: 'x' is not a number (expected 0-59)"},
      {"*/0 * * * *", "cron: minute: step 0 must be at least 1"},
      {"*/a * * * *", "cron: minute: step 'a' is not a number"},
      {"1,,2 * * * *", "cron: minute: empty list element in '1,,2'"},
      {"0 5-1 * * *", "cron: hour: range '5-1' goes backwards"},
      {"0 0 * * FRI-MON", "cron: day-of-week: range 'FRI-MON' goes backwards"},
      {"0 0 30 FEB *", "cron: day-of-month '30' never occurs in month 'FEB'"},
      {"0 0 31 4,6 *", "cron: day-of-month '31' never occurs in month '4,6'"},
      {"@fortnightly", "cron: unknown macro '@fortnightly' (expected @yearly, @annually, @monthly, "
                       "@weekly, @daily, @midnight or @hourly)"},
  };
  for (const auto& c : cases) {
    auto s = CronSchedule::Parse(c.spec);
    ASSERT_FALSE(s.has_value()) << c.spec;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().message, c.message) << c.spec;
  }
}

TEST(CronScheduleTest, StepsListsRangesAndNames) {
  const CronSchedule s = Cron("*/15 9-17 * JAN-mar mon-FRI");
  EXPECT_TRUE(s.Matches(Local(2026, 1, 5, 9, 45)));    // Monday
  EXPECT_FALSE(s.Matches(Local(2026, 1, 5, 9, 40)));   // not a quarter
  EXPECT_FALSE(s.Matches(Local(2026, 1, 5, 18, 0)));   // after 17h
  EXPECT_FALSE(s.Matches(Local(2026, 1, 4, 10, 0)));   // Sunday
  EXPECT_FALSE(s.Matches(Local(2026, 4, 6, 10, 0)));   // April
  const CronSchedule list = Cron("5,35 1-3/2 * * *");
  EXPECT_TRUE(list.Matches(Local(2026, 6, 1, 3, 35)));
  EXPECT_FALSE(list.Matches(Local(2026, 6, 1, 2, 35)));
  const CronSchedule from = Cron("10/20 * * * *");  // 10, 30, 50
  EXPECT_TRUE(from.Matches(Local(2026, 6, 1, 0, 50)));
  EXPECT_FALSE(from.Matches(Local(2026, 6, 1, 0, 20)));
}

TEST(CronScheduleTest, SevenAndZeroAreBothSunday) {
  const LocalMinutes sunday = Local(2026, 3, 29, 0, 0);
  EXPECT_TRUE(Cron("0 0 * * 7").Matches(sunday));
  EXPECT_TRUE(Cron("0 0 * * 0").Matches(sunday));
  EXPECT_TRUE(Cron("0 0 * * SUN").Matches(sunday));
  EXPECT_TRUE(Cron("0 0 * * 5-7").Matches(sunday));
  EXPECT_FALSE(Cron("0 0 * * 1-6").Matches(sunday));
}

TEST(CronScheduleTest, BothDayFieldsRestrictedMeansEither) {
  const CronSchedule s = Cron("0 0 13 * FRI");
  EXPECT_TRUE(s.Matches(Local(2026, 1, 13)));   // a Tuesday, the 13th
  EXPECT_TRUE(s.Matches(Local(2026, 1, 16)));   // a Friday
  EXPECT_FALSE(s.Matches(Local(2026, 1, 14)));  // neither
  // A field starting with `*` counts as unrestricted: both must match.
  const CronSchedule star = Cron("0 0 */2 * FRI");
  EXPECT_FALSE(star.Matches(Local(2026, 1, 16)));  // Friday, but the 16th is even
  EXPECT_TRUE(star.Matches(Local(2026, 1, 23)));   // Friday the 23rd
}

TEST(CronScheduleTest, MacrosExpand) {
  EXPECT_EQ(Cron("@daily").Next(Utc(2026, 5, 1, 12), kUtc), Utc(2026, 5, 2));
  EXPECT_EQ(Cron("@hourly").Next(Utc(2026, 5, 1, 12, 1), kUtc), Utc(2026, 5, 1, 13));
  EXPECT_EQ(Cron("@weekly").Next(Utc(2026, 5, 1), kUtc), Utc(2026, 5, 3));  // Sunday
  EXPECT_EQ(Cron(" @yearly ").spec(), " @yearly ");
}

TEST(CronScheduleTest, NextIsStrictlyAfter) {
  const CronSchedule s = Cron("*/15 * * * *");
  EXPECT_EQ(s.Next(Utc(2026, 5, 1, 10, 0), kUtc), Utc(2026, 5, 1, 10, 15));
  EXPECT_EQ(s.Next(Utc(2026, 5, 1, 10, 14, 59), kUtc), Utc(2026, 5, 1, 10, 15));
  EXPECT_EQ(s.Next(Utc(2026, 5, 1, 23, 50), kUtc), Utc(2026, 5, 2, 0, 0));
  EXPECT_EQ(s.Next(Utc(2026, 12, 31, 23, 45), kUtc), Utc(2027, 1, 1, 0, 0));
}

TEST(CronScheduleTest, LeapDayIsFoundYearsAhead) {
  const CronSchedule s = Cron("0 12 29 FEB *");
  EXPECT_EQ(s.Next(Utc(2025, 3, 1), kUtc), Utc(2028, 2, 29, 12));
  EXPECT_EQ(s.Previous(Utc(2028, 2, 28), kUtc), Utc(2024, 2, 29, 12));
}

TEST(CronScheduleTest, PreviousIsAtOrBefore) {
  const CronSchedule s = Cron("0 2 * * SUN");
  EXPECT_EQ(s.Previous(Utc(2026, 5, 3, 2, 0), kUtc), Utc(2026, 5, 3, 2, 0));  // at
  EXPECT_EQ(s.Previous(Utc(2026, 5, 3, 1, 59), kUtc), Utc(2026, 4, 26, 2, 0));
  EXPECT_EQ(s.PrevLocal(Local(2026, 5, 9, 23, 59)), Local(2026, 5, 3, 2, 0));
  EXPECT_EQ(s.NextLocal(Local(2026, 5, 3, 2, 0)), Local(2026, 5, 10, 2, 0));
}

TEST(CronScheduleTest, CoveringFindsTheWindowHoldingAnInstant) {
  const CronSchedule s = Cron("0 2 * * SUN");
  const auto w = s.Covering(Utc(2026, 5, 3, 3, 59), 2h, kUtc);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, Utc(2026, 5, 3, 2));
  EXPECT_EQ(w->end, Utc(2026, 5, 3, 4));
  EXPECT_FALSE(s.Covering(Utc(2026, 5, 3, 4, 0), 2h, kUtc).has_value());  // end is exclusive
  EXPECT_FALSE(s.Covering(Utc(2026, 5, 3, 1, 59), 2h, kUtc).has_value());
  EXPECT_FALSE(s.Covering(Utc(2026, 5, 3, 2, 0), 0h, kUtc).has_value());
}

TEST(CronScheduleTest, FixedOffsetZoneShiftsTheWallClock) {
  const FixedOffsetZone india(5h + 30min);
  EXPECT_EQ(india.Name(), "+05:30");
  EXPECT_EQ(FixedOffsetZone(-3h).Name(), "-03:00");
  // 02:00 in India is 20:30 UTC the day before.
  EXPECT_EQ(Cron("0 2 * * *").Next(Utc(2026, 5, 1), india), Utc(2026, 5, 1, 20, 30));
  const auto w = Cron("0 2 * * *").Covering(Utc(2026, 5, 1, 21), 1h, india);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, Utc(2026, 5, 1, 20, 30));
}

// Spring forward: 02:00-02:59 local does not exist on 29 March.
TEST(CronScheduleTest, SkippedTimeFiresAtTheJump) {
  const auto berlin = Berlin2026();
  const CronSchedule s = Cron("30 2 * * *");
  EXPECT_EQ(s.Next(Utc(2026, 3, 28, 12), berlin), Utc(2026, 3, 29, 1, 0));  // 03:00 CEST
  EXPECT_EQ(s.Next(Utc(2026, 3, 29, 1, 0), berlin), Utc(2026, 3, 30, 0, 30));  // 02:30 CEST next day
  // A window opened at the jump covers its full duration.
  const auto w = s.Covering(Utc(2026, 3, 29, 1, 30), 1h, berlin);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, Utc(2026, 3, 29, 1, 0));
  // Every skipped minute collapses into one firing, then 03:00 is not repeated.
  const CronSchedule every = Cron("*/15 * * * *");
  EXPECT_EQ(every.Next(Utc(2026, 3, 29, 0, 50), berlin), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(every.Next(Utc(2026, 3, 29, 1, 0), berlin), Utc(2026, 3, 29, 1, 15));  // 03:15 CEST
}

// Fall back: 02:00-02:59 local happens twice on 25 October.
TEST(CronScheduleTest, RepeatedTimeFiresOnce) {
  const auto berlin = Berlin2026();
  const CronSchedule s = Cron("30 2 * * *");
  const auto first = s.Next(Utc(2026, 10, 24, 12), berlin);
  EXPECT_EQ(first, Utc(2026, 10, 25, 0, 30));  // 02:30 CEST
  EXPECT_EQ(s.Next(*first, berlin), Utc(2026, 10, 26, 1, 30));  // not 02:30 CET the same day
  // From inside the second pass, the next one is tomorrow, the previous the first pass.
  EXPECT_EQ(s.Next(Utc(2026, 10, 25, 1, 10), berlin), Utc(2026, 10, 26, 1, 30));
  EXPECT_EQ(s.Previous(Utc(2026, 10, 25, 1, 10), berlin), Utc(2026, 10, 25, 0, 30));
  // A two-hour window from 01:30 CEST lasts two real hours.
  const auto w = Cron("30 1 * * *").Covering(Utc(2026, 10, 25, 1, 20), 2h, berlin);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, Utc(2026, 10, 24, 23, 30));
  EXPECT_EQ(w->end, Utc(2026, 10, 25, 1, 30));
}

TEST(CronScheduleTest, EveryMinuteThroughTheRepeatedHourIsMonotonic) {
  const auto berlin = Berlin2026();
  const CronSchedule s = Cron("* * * * *");
  TimePoint t = Utc(2026, 10, 24, 23, 30);
  int fired = 0;
  while (t < Utc(2026, 10, 25, 2, 30)) {
    const auto next = s.Next(t, berlin);
    ASSERT_TRUE(next.has_value());
    ASSERT_GT(*next, t);
    t = *next;
    ++fired;
  }
  // 3 hours of UTC, minus the hour whose wall-clock minutes already fired.
  EXPECT_EQ(fired, 120);
}

}  // namespace
}  // namespace opsdeck::core
