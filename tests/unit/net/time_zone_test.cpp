// The IANA adapter against the system tzdata, on the real DST days of
// Europe/Berlin and America/New_York, and cron schedules evaluated in them.
#include "net/time_zone.h"

#include <gtest/gtest.h>

#include "core/cron_schedule.h"

namespace opsdeck::net {
namespace {

using namespace std::chrono_literals;
using core::LocalTimeInfo;

core::TimePoint Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  using namespace std::chrono;
  const sys_days date{year{y} / month{mo} / day{d}};
  return core::TimePoint(duration_cast<core::Duration>(date.time_since_epoch() + hours(h) + minutes(mi)));
}

core::LocalSeconds Local(int y, unsigned mo, unsigned d, int h, int mi) {
  using namespace std::chrono;
  return local_days{year{y} / month{mo} / day{d}} + hours(h) + minutes(mi);
}

std::shared_ptr<const core::TimeZoneRules> Zone(const char* name) {
  auto z = LocateTimeZone(name);
  EXPECT_TRUE(z.has_value()) << name;
  return *z;
}

core::CronSchedule Cron(const char* spec) { return *core::CronSchedule::Parse(spec); }

TEST(TimeZoneTest, UnknownZoneIsAnInvalidArgument) {
  auto z = LocateTimeZone("Mars/Olympus_Mons");
  ASSERT_FALSE(z.has_value());
  EXPECT_EQ(z.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(z.error().message,
            "unknown time zone 'Mars/Olympus_Mons' (expected an IANA name such as Europe/Berlin)");
}

TEST(TimeZoneTest, OffsetsFollowTheSeasons) {
  const auto berlin = Zone("Europe/Berlin");
  EXPECT_EQ(berlin->Name(), "Europe/Berlin");
  EXPECT_EQ(berlin->OffsetAt(Utc(2026, 1, 15)), 1h);
  EXPECT_EQ(berlin->OffsetAt(Utc(2026, 7, 15)), 2h);
  EXPECT_EQ(Zone("UTC")->OffsetAt(Utc(2026, 7, 15)), 0s);
  EXPECT_EQ(berlin->ToLocal(Utc(2026, 7, 15, 10, 30)), Local(2026, 7, 15, 12, 30));
}

TEST(TimeZoneTest, ResolveReportsGapsAndOverlaps) {
  const auto berlin = Zone("Europe/Berlin");
  const LocalTimeInfo gap = berlin->Resolve(Local(2026, 3, 29, 2, 30));
  EXPECT_EQ(gap.kind, LocalTimeInfo::Kind::kNonexistent);
  EXPECT_EQ(gap.earliest, Utc(2026, 3, 29, 1, 0));  // the jump: 03:00 CEST
  const LocalTimeInfo twice = berlin->Resolve(Local(2026, 10, 25, 2, 30));
  EXPECT_EQ(twice.kind, LocalTimeInfo::Kind::kAmbiguous);
  EXPECT_EQ(twice.earliest, Utc(2026, 10, 25, 0, 30));  // CEST
  EXPECT_EQ(twice.latest, Utc(2026, 10, 25, 1, 30));    // CET
  const LocalTimeInfo once = berlin->Resolve(Local(2026, 6, 1, 2, 30));
  EXPECT_EQ(once.kind, LocalTimeInfo::Kind::kUnique);
  EXPECT_EQ(once.earliest, Utc(2026, 6, 1, 0, 30));
}

TEST(TimeZoneTest, BerlinSpringForwardFiresAtTheJump) {
  const auto berlin = Zone("Europe/Berlin");
  const auto s = Cron("30 2 * * *");
  EXPECT_EQ(s.Next(Utc(2026, 3, 28, 12), *berlin), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(s.Next(Utc(2026, 3, 29, 1, 0), *berlin), Utc(2026, 3, 30, 0, 30));
}

TEST(TimeZoneTest, BerlinFallBackFiresOnce) {
  const auto berlin = Zone("Europe/Berlin");
  const auto s = Cron("30 2 * * *");
  const auto first = s.Next(Utc(2026, 10, 24, 12), *berlin);
  EXPECT_EQ(first, Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(s.Next(*first, *berlin), Utc(2026, 10, 26, 1, 30));
}

TEST(TimeZoneTest, NewYorkSpringForward) {
  const auto ny = Zone("America/New_York");
  // 02:00 EST becomes 03:00 EDT at 07:00 UTC on 8 March 2026.
  const auto s = Cron("30 2 * * *");
  EXPECT_EQ(s.Next(Utc(2026, 3, 7, 12), *ny), Utc(2026, 3, 8, 7, 0));
  EXPECT_EQ(s.Next(Utc(2026, 3, 8, 7, 0), *ny), Utc(2026, 3, 9, 6, 30));  // 02:30 EDT
}

TEST(TimeZoneTest, NewYorkFallBackCoversOneWindow) {
  const auto ny = Zone("America/New_York");
  // 02:00 EDT becomes 01:00 EST at 06:00 UTC on 1 November 2026.
  const auto s = Cron("30 1 * * *");
  EXPECT_EQ(s.Next(Utc(2026, 10, 31, 12), *ny), Utc(2026, 11, 1, 5, 30));  // 01:30 EDT
  EXPECT_EQ(s.Next(Utc(2026, 11, 1, 5, 30), *ny), Utc(2026, 11, 2, 6, 30));  // skips 01:30 EST
  // Inside the repeated hour (01:10 EST), the latest start is 01:45 EDT.
  EXPECT_EQ(Cron("45 1 * * *").Previous(Utc(2026, 11, 1, 6, 10), *ny), Utc(2026, 11, 1, 5, 45));
  const auto w = Cron("0 1 * * *").Covering(Utc(2026, 11, 1, 6, 30), 2h, *ny);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->start, Utc(2026, 11, 1, 5, 0));  // 01:00 EDT, for two real hours
  EXPECT_EQ(w->end, Utc(2026, 11, 1, 7, 0));
}

}  // namespace
}  // namespace opsdeck::net
