// A 5-field cron schedule (minute hour day-of-month month day-of-week) read
// in a time zone: the next occurrence after an instant, the latest one at or
// before it, and the occurrence that covers an instant for a duration
// (maintenance windows; later release windows). Immutable once parsed: any
// thread.
//
// Syntax (Vixie cron's): `*`, lists `1,15`, ranges `1-5`, steps `*/15`,
// `1-30/5` and `5/15` (= 5-max/15); month names JAN-DEC and weekday names
// SUN-SAT (any case, also inside ranges); day-of-week 0 and 7 are both
// Sunday; @yearly @annually @monthly @weekly @daily @midnight @hourly.
// When both day fields are restricted (neither starts with `*`) a day
// matches if EITHER matches (the standard OR rule); otherwise both must.
//
// Across DST, an occurrence is the earliest instant whose wall clock shows
// the matching minute: a local time skipped by a spring-forward jump fires
// at the jump's instant (02:30 Berlin on the last Sunday of March fires at
// 03:00 CEST; several skipped minutes collapse into that one firing), and a
// local time repeated by a fall-back jump fires once, on its first pass.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "core/time_zone_rules.h"

namespace opsdeck::core {

struct Occurrence {
  TimePoint start{};
  TimePoint end{};  // start + the duration asked for
  bool operator==(const Occurrence&) const = default;
};

class CronSchedule {
 public:
  // kInvalidArgument naming the field and the offending text:
  // `cron: hour: 24 is out of range 0-23`.
  static Result<CronSchedule> Parse(std::string_view spec);

  const std::string& spec() const { return spec_; }

  // Whether the wall-clock minute `local` matches.
  bool Matches(LocalMinutes local) const;
  // The first matching wall-clock minute after `local`, or nullopt when none
  // comes within kHorizonYears (only possible for, e.g., Feb 29 on a day of
  // week that never coincides; Parse rejects days that never exist).
  std::optional<LocalMinutes> NextLocal(LocalMinutes local) const;
  // The last matching wall-clock minute at or before `local`.
  std::optional<LocalMinutes> PrevLocal(LocalMinutes local) const;

  // The first occurrence strictly after `after`.
  std::optional<TimePoint> Next(TimePoint after, const TimeZoneRules& zone) const;
  // The latest occurrence at or before `at`.
  std::optional<TimePoint> Previous(TimePoint at, const TimeZoneRules& zone) const;
  // The latest occurrence s with s <= t < s + duration; nullopt when t is
  // outside every occurrence's span.
  std::optional<Occurrence> Covering(TimePoint t, Duration duration,
                                     const TimeZoneRules& zone) const;

  static constexpr int kHorizonYears = 9;  // > two leap cycles

 private:
  CronSchedule() = default;
  bool DayMatches(std::chrono::local_days day) const;
  // The instant an occurrence at wall-clock minute `local` happens.
  static TimePoint InstantOf(LocalMinutes local, const TimeZoneRules& zone);

  std::string spec_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;    // 1..31
  std::bitset<13> months_;  // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool day_star_ = false;
  bool weekday_star_ = false;
};

}  // namespace opsdeck::core
