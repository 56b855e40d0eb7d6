// WindowSchedule: recurring windows across daylight-saving changes (Berlin
// and New York, both directions), windows crossing midnight, one-off
// windows, freezes winning over allows, occurrence listing, exact lookup of
// a booked occurrence and the next usable allow occurrence.
#include "core/window_schedule.h"

#include <gtest/gtest.h>

#include "fake_zones.h"

namespace opsdeck::core {
namespace {

using namespace std::chrono_literals;
using testing::Utc;

std::shared_ptr<const TimeZoneRules> Berlin() {
  return std::make_shared<const testing::OneDstZone>(testing::Berlin2026());
}
std::shared_ptr<const TimeZoneRules> NewYork() {
  return std::make_shared<const testing::OneDstZone>(testing::NewYork2026());
}

WindowDef Recurring(std::string name, std::string_view cron, Duration duration,
                    std::shared_ptr<const TimeZoneRules> zone, bool deny = false) {
  WindowDef w;
  w.name = std::move(name);
  w.deny = deny;
  w.schedule = *CronSchedule::Parse(cron);
  w.duration = duration;
  w.zone = std::move(zone);
  if (!deny) w.devops = {"dana", "erik"};
  return w;
}

WindowDef OneOff(std::string name, TimePoint from, TimePoint until, bool deny = false) {
  WindowDef w;
  w.name = std::move(name);
  w.deny = deny;
  w.from = from;
  w.until = until;
  return w;
}

std::vector<TimePoint> Starts(const std::vector<WindowOccurrence>& occ) {
  std::vector<TimePoint> out;
  for (const auto& o : occ) out.push_back(o.start);
  return out;
}

TEST(WindowScheduleTest, BerlinSpringForwardMovesASkippedStartToTheJump) {
  // 02:30 does not exist on 29 March 2026 in Berlin: the window opens at the
  // jump (03:00 CEST = 01:00 UTC) and still lasts its full hour.
  const WindowSchedule s({Recurring("night", "30 2 * * *", 1h, Berlin())});
  const auto occ = s.Occurrences(Utc(2026, 3, 28), Utc(2026, 3, 31));
  EXPECT_EQ(Starts(occ), (std::vector<TimePoint>{Utc(2026, 3, 28, 1, 30), Utc(2026, 3, 29, 1, 0),
                                                 Utc(2026, 3, 30, 0, 30)}));
  EXPECT_EQ(occ[1].end, Utc(2026, 3, 29, 2, 0));
  EXPECT_EQ(occ[1].devops, (std::vector<std::string>{"dana", "erik"}));
  EXPECT_TRUE(s.At(Utc(2026, 3, 29, 1, 59)).open());
  EXPECT_FALSE(s.At(Utc(2026, 3, 29, 2, 0)).open());
  EXPECT_FALSE(s.At(Utc(2026, 3, 29, 0, 59)).open());
}

TEST(WindowScheduleTest, BerlinFallBackOpensOnceOnTheFirstPass) {
  // 02:30 happens twice on 25 October 2026 (CEST, then CET): one occurrence.
  const WindowSchedule s({Recurring("night", "30 2 * * *", 1h, Berlin())});
  const auto occ = s.Occurrences(Utc(2026, 10, 24), Utc(2026, 10, 27));
  EXPECT_EQ(Starts(occ), (std::vector<TimePoint>{Utc(2026, 10, 24, 0, 30), Utc(2026, 10, 25, 0, 30),
                                                 Utc(2026, 10, 26, 1, 30)}));
  // The second pass of 02:30 (01:30 UTC) is outside the window.
  EXPECT_TRUE(s.At(Utc(2026, 10, 25, 1, 0)).open());
  EXPECT_FALSE(s.At(Utc(2026, 10, 25, 1, 30)).open());
}

TEST(WindowScheduleTest, ThreeHourWindowAcrossTheSwitchLastsThreeRealHours) {
  // 01:00 + 3 h in Berlin: on the spring day it ends at 05:00 CEST, on the
  // fall day at 03:00 CET; both are three hours on the UTC axis.
  const WindowSchedule s({Recurring("early", "0 1 * * *", 3h, Berlin())});
  const auto spring = s.Occurrences(Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 6));
  ASSERT_EQ(spring.size(), 1u);
  EXPECT_EQ(spring[0].start, Utc(2026, 3, 29, 0, 0));
  EXPECT_EQ(spring[0].end, Utc(2026, 3, 29, 3, 0));
  const auto fall = s.Occurrences(Utc(2026, 10, 24, 22), Utc(2026, 10, 25, 6));
  ASSERT_EQ(fall.size(), 1u);
  EXPECT_EQ(fall[0].start, Utc(2026, 10, 24, 23, 0));  // 01:00 CEST
  EXPECT_EQ(fall[0].end - fall[0].start, Duration(3h));
}

TEST(WindowScheduleTest, NewYorkSpringForwardAndFallBack) {
  const WindowSchedule s({Recurring("late", "30 2 * * *", 1h, NewYork()),
                          Recurring("early", "0 1 * * *", 3h, NewYork())});
  // 8 March: 02:30 is skipped (opens at 03:00 EDT = 07:00 UTC); 01:00 EST is
  // 06:00 UTC and three real hours later is 05:00 EDT.
  EXPECT_EQ(*s.OccurrenceAt("late", Utc(2026, 3, 8, 7, 0)),
            (WindowOccurrence{
                "late", false, Utc(2026, 3, 8, 7, 0), Utc(2026, 3, 8, 8, 0), {"dana", "erik"}}));
  const auto spring = s.Occurrences(Utc(2026, 3, 8, 5), Utc(2026, 3, 8, 12));
  ASSERT_EQ(spring.size(), 2u);
  EXPECT_EQ(spring[0].window, "early");
  EXPECT_EQ(spring[0].start, Utc(2026, 3, 8, 6, 0));
  EXPECT_EQ(spring[0].end, Utc(2026, 3, 8, 9, 0));
  EXPECT_EQ(spring[1].window, "late");
  // 1 November: 01:00 repeats (EDT 05:00 UTC, EST 06:00 UTC): first pass only.
  const auto fall = s.Occurrences(Utc(2026, 11, 1, 0), Utc(2026, 11, 1, 12));
  ASSERT_EQ(fall.size(), 2u);
  EXPECT_EQ(fall[0].start, Utc(2026, 11, 1, 5, 0));
  EXPECT_EQ(fall[0].end, Utc(2026, 11, 1, 8, 0));
  EXPECT_EQ(fall[1].start, Utc(2026, 11, 1, 7, 30));  // 02:30 EST
  // The day after uses the new offset.
  EXPECT_EQ(s.NextAllow(Utc(2026, 11, 1, 12), "early")->start, Utc(2026, 11, 2, 6, 0));
}

TEST(WindowScheduleTest, WindowCrossingMidnightIsInForceAfterMidnight) {
  // Weekdays 22:00 + 4 h Berlin: Friday's occurrence runs into Saturday, and
  // Saturday starts none of its own.
  const WindowSchedule s({Recurring("evening", "0 22 * * 1-5", 4h, Berlin())});
  const WindowStatus tue = s.At(Utc(2026, 5, 4, 22, 30));  // Tue 00:30 CEST
  ASSERT_EQ(tue.allows.size(), 1u);
  EXPECT_EQ(tue.allows[0].start, Utc(2026, 5, 4, 20, 0));  // Mon 22:00 CEST
  EXPECT_EQ(tue.allows[0].end, Utc(2026, 5, 5, 0, 0));
  EXPECT_TRUE(s.At(Utc(2026, 5, 8, 23, 59)).open());   // Sat 01:59 CEST
  EXPECT_FALSE(s.At(Utc(2026, 5, 9, 0, 0)).open());    // Sat 02:00: ended
  EXPECT_FALSE(s.At(Utc(2026, 5, 9, 21, 0)).open());   // Sat 23:00: none
  EXPECT_FALSE(s.At(Utc(2026, 5, 10, 21, 0)).open());  // Sun 23:00: none
}

TEST(WindowScheduleTest, FreezeWinsOverAnOverlappingAllowAndAtListsBoth) {
  const WindowSchedule s(
      {Recurring("weekday", "0 9 * * 1-5", 8h, FixedOffsetZone::Utc()),
       OneOff("year-end", Utc(2026, 12, 20), Utc(2027, 1, 6), true),
       Recurring("friday-freeze", "0 15 * * 5", 9h, FixedOffsetZone::Utc(), true)});
  const WindowStatus frozen = s.At(Utc(2026, 12, 22, 10));
  ASSERT_EQ(frozen.allows.size(), 1u);
  ASSERT_EQ(frozen.freezes.size(), 1u);
  EXPECT_EQ(frozen.allows[0].window, "weekday");
  EXPECT_EQ(frozen.freezes[0].window, "year-end");
  EXPECT_TRUE(frozen.freezes[0].deny);
  EXPECT_FALSE(frozen.open());
  EXPECT_TRUE(s.At(Utc(2026, 12, 15, 10)).open());
  // Friday 4 December: open until the recurring freeze starts at 15:00.
  EXPECT_TRUE(s.At(Utc(2026, 12, 4, 14, 59)).open());
  const WindowStatus friday = s.At(Utc(2026, 12, 4, 15, 0));
  EXPECT_EQ(friday.allows.size(), 1u);
  ASSERT_EQ(friday.freezes.size(), 1u);
  EXPECT_EQ(friday.freezes[0].window, "friday-freeze");
  EXPECT_FALSE(friday.open());
  // Two freezes at once, by start.
  const WindowStatus both = s.At(Utc(2026, 12, 25, 16));
  ASSERT_EQ(both.freezes.size(), 2u);
  EXPECT_EQ(both.freezes[0].window, "year-end");
  EXPECT_EQ(both.freezes[1].window, "friday-freeze");
  // A freeze alone does not open anything.
  EXPECT_FALSE(s.At(Utc(2026, 12, 26, 10)).open());
  EXPECT_TRUE(s.At(Utc(2026, 12, 26, 10)).allows.empty());
}

TEST(WindowScheduleTest, OneOffWindowIsHalfOpen) {
  const WindowSchedule s({OneOff("hotfix", Utc(2026, 6, 1, 10), Utc(2026, 6, 1, 12))});
  EXPECT_FALSE(s.At(Utc(2026, 6, 1, 9, 59)).open());
  EXPECT_TRUE(s.At(Utc(2026, 6, 1, 10)).open());
  EXPECT_TRUE(s.At(Utc(2026, 6, 1, 11, 59)).open());
  EXPECT_FALSE(s.At(Utc(2026, 6, 1, 12)).open());
  EXPECT_EQ(s.Occurrences(Utc(2026, 6, 1, 11), Utc(2026, 6, 2)).size(), 1u);
  EXPECT_TRUE(s.Occurrences(Utc(2026, 6, 1, 12), Utc(2026, 6, 2)).empty());
  EXPECT_TRUE(s.Occurrences(Utc(2026, 5, 1), Utc(2026, 6, 1, 10)).empty());
  EXPECT_EQ(s.OccurrenceAt("hotfix", Utc(2026, 6, 1, 10))->end, Utc(2026, 6, 1, 12));
  EXPECT_FALSE(s.OccurrenceAt("hotfix", Utc(2026, 6, 1, 11)).has_value());
}

TEST(WindowScheduleTest, OccurrencesIncludeTheOneInProgressSortedAndBounded) {
  const WindowSchedule s({Recurring("evening", "0 22 * * *", 4h, FixedOffsetZone::Utc()),
                          Recurring("b-late", "0 23 * * *", 1h, FixedOffsetZone::Utc()),
                          Recurring("a-late", "0 23 * * *", 1h, FixedOffsetZone::Utc())});
  // From 01:00 on 2 June: the evening of 1 June (22:00-02:00) is still running.
  const auto occ = s.Occurrences(Utc(2026, 6, 2, 1), Utc(2026, 6, 3, 1));
  ASSERT_EQ(occ.size(), 4u);
  EXPECT_EQ(occ[0].window, "evening");
  EXPECT_EQ(occ[0].start, Utc(2026, 6, 1, 22));
  EXPECT_EQ(occ[1].window, "evening");
  EXPECT_EQ(occ[1].start, Utc(2026, 6, 2, 22));
  EXPECT_EQ(occ[2].window, "a-late");  // same start: by name
  EXPECT_EQ(occ[3].window, "b-late");
  // The range's end is exclusive; an occurrence ending at `from` is over.
  EXPECT_TRUE(s.Occurrences(Utc(2026, 6, 2, 2), Utc(2026, 6, 2, 22)).empty());
  // Bounded: a month of three daily windows, cut at the limit, earliest first.
  const auto month = s.Occurrences(Utc(2026, 6, 1, 3), Utc(2026, 7, 1), 5);
  ASSERT_EQ(month.size(), 5u);
  EXPECT_EQ(Starts(month),
            (std::vector<TimePoint>{Utc(2026, 6, 1, 22), Utc(2026, 6, 1, 23), Utc(2026, 6, 1, 23),
                                    Utc(2026, 6, 2, 22), Utc(2026, 6, 2, 23)}));
  EXPECT_EQ(s.Occurrences(Utc(2026, 6, 1, 3), Utc(2026, 7, 1)).size(), 90u);
  // From midnight, 31 May's evening is still running: one more.
  EXPECT_EQ(s.Occurrences(Utc(2026, 6, 1), Utc(2026, 7, 1)).size(), 91u);
  EXPECT_TRUE(s.Occurrences(Utc(2026, 6, 2), Utc(2026, 6, 1)).empty());
}

TEST(WindowScheduleTest, OverlappingOccurrencesOfOneWindowAreAllListed) {
  // Hourly, two hours each: at 10:30 both the 09:00 and the 10:00 run.
  const WindowSchedule s({Recurring("rolling", "0 * * * *", 2h, FixedOffsetZone::Utc())});
  const WindowStatus at = s.At(Utc(2026, 6, 1, 10, 30));
  EXPECT_EQ(Starts(at.allows), (std::vector<TimePoint>{Utc(2026, 6, 1, 9), Utc(2026, 6, 1, 10)}));
  EXPECT_EQ(Starts(s.Occurrences(Utc(2026, 6, 1, 10, 30), Utc(2026, 6, 1, 12))),
            (std::vector<TimePoint>{Utc(2026, 6, 1, 9), Utc(2026, 6, 1, 10), Utc(2026, 6, 1, 11)}));
}

TEST(WindowScheduleTest, OccurrenceAtMatchesExactStartsOnly) {
  const WindowSchedule s({Recurring("weekday", "0 9 * * 1-5", 8h, Berlin()),
                          Recurring("night", "30 2 * * *", 1h, Berlin())});
  const auto hit = s.OccurrenceAt("weekday", Utc(2026, 6, 1, 7));  // Mon 09:00 CEST
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->window, "weekday");
  EXPECT_EQ(hit->end, Utc(2026, 6, 1, 15));
  EXPECT_FALSE(
      s.OccurrenceAt("weekday", Utc(2026, 6, 1, 7, 1)).has_value());        // inside, not a start
  EXPECT_FALSE(s.OccurrenceAt("weekday", Utc(2026, 6, 1, 8)).has_value());  // 10:00 CEST
  EXPECT_FALSE(s.OccurrenceAt("weekday", Utc(2026, 6, 6, 7)).has_value());  // Saturday
  EXPECT_FALSE(s.OccurrenceAt("nope", Utc(2026, 6, 1, 7)).has_value());
  // The skipped 02:30 of the spring-forward day starts at the jump.
  EXPECT_TRUE(s.OccurrenceAt("night", Utc(2026, 3, 29, 1, 0)).has_value());
  EXPECT_FALSE(s.OccurrenceAt("night", Utc(2026, 3, 29, 1, 30)).has_value());
  EXPECT_EQ(s.Find("night")->duration, Duration(1h));
  EXPECT_EQ(s.Find("nope"), nullptr);
}

TEST(WindowScheduleTest, NextAllowSkipsOccurrencesInsideFreezes) {
  const WindowSchedule s({Recurring("weekday", "0 9 * * 1-5", 8h, FixedOffsetZone::Utc()),
                          OneOff("year-end", Utc(2026, 12, 20), Utc(2027, 1, 6), true)});
  // Friday 18 December evening: the next weekday occurrences (21 Dec ...
  // 5 Jan) are frozen; 6 January is the first usable one.
  const auto next = s.NextAllow(Utc(2026, 12, 18, 18));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->window, "weekday");
  EXPECT_EQ(next->start, Utc(2027, 1, 6, 9));
  // Strictly after: an occurrence starting at `after` is not next.
  EXPECT_EQ(s.NextAllow(Utc(2027, 1, 6, 9))->start, Utc(2027, 1, 7, 9));
  // Deny windows are never answered, even by name.
  EXPECT_FALSE(s.NextAllow(Utc(2026, 12, 18), "year-end").has_value());
  EXPECT_FALSE(s.NextAllow(Utc(2026, 12, 18), "nope").has_value());
}

TEST(WindowScheduleTest, NextAllowKeepsPartlyFrozenOccurrencesAndJoinsFreezes) {
  const WindowSchedule s({Recurring("weekday", "0 9 * * 1-5", 8h, FixedOffsetZone::Utc()),
                          OneOff("hotfix", Utc(2026, 6, 1, 20), Utc(2026, 6, 1, 22)),
                          // Covers 1 June from 12:00 only: still usable in the morning.
                          OneOff("afternoon", Utc(2026, 6, 1, 12), Utc(2026, 6, 1, 23), true),
                          // Two back-to-back freezes covering 2 June together.
                          OneOff("first-half", Utc(2026, 6, 2, 8), Utc(2026, 6, 2, 13), true),
                          OneOff("second-half", Utc(2026, 6, 2, 13), Utc(2026, 6, 2, 18), true)});
  EXPECT_EQ(s.NextAllow(Utc(2026, 6, 1, 0))->start, Utc(2026, 6, 1, 9));
  // The hotfix one-off sits entirely in the afternoon freeze; 2 June is
  // covered by the two halves; 3 June is next.
  const auto next = s.NextAllow(Utc(2026, 6, 1, 9));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->window, "weekday");
  EXPECT_EQ(next->start, Utc(2026, 6, 3, 9));
  EXPECT_FALSE(s.NextAllow(Utc(2026, 6, 1, 9), "hotfix").has_value());
  // A one-off allow wins when it comes first.
  const WindowSchedule t({Recurring("weekday", "0 9 * * 1-5", 8h, FixedOffsetZone::Utc()),
                          OneOff("hotfix", Utc(2026, 6, 1, 20), Utc(2026, 6, 1, 22))});
  EXPECT_EQ(t.NextAllow(Utc(2026, 6, 1, 10))->window, "hotfix");
  EXPECT_EQ(t.NextAllow(Utc(2026, 6, 1, 10), "weekday")->start, Utc(2026, 6, 2, 9));
}

}  // namespace
}  // namespace opsdeck::core
