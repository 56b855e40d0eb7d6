// Time zones for core tests without tzdata: a fixed offset, and a zone with
// one spring-forward and one fall-back jump (like Europe/Berlin or
// America/New_York in 2026).
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "core/time_zone_rules.h"

namespace opsdeck::core::testing {

// Standard offset `std_offset`, one hour more between `spring` (UTC instant
// where the clock jumps forward, 02:00 -> 03:00 local) and `fall` (where it
// jumps back an hour: 03:00 -> 02:00 in Berlin, 02:00 -> 01:00 in New York).
class OneDstZone final : public TimeZoneRules {
 public:
  OneDstZone(std::chrono::seconds std_offset, TimePoint spring, TimePoint fall,
             std::string name = "Test/OneDst")
      : std_(std_offset), spring_(spring), fall_(fall), name_(std::move(name)) {}
  const std::string& Name() const override { return name_; }
  std::chrono::seconds OffsetAt(TimePoint t) const override {
    return t >= spring_ && t < fall_ ? std_ + std::chrono::hours(1) : std_;
  }
  LocalTimeInfo Resolve(LocalSeconds local) const override {
    const auto at = [&](std::chrono::seconds off) {
      return TimePoint(std::chrono::duration_cast<Duration>(local.time_since_epoch() - off));
    };
    const TimePoint as_std = at(std_);
    const TimePoint as_dst = at(std_ + std::chrono::hours(1));
    const bool std_ok = OffsetAt(as_std) == std_;
    const bool dst_ok = OffsetAt(as_dst) != std_;
    if (std_ok && dst_ok) return {LocalTimeInfo::Kind::kAmbiguous, as_dst, as_std};
    if (std_ok) return {LocalTimeInfo::Kind::kUnique, as_std, as_std};
    if (dst_ok) return {LocalTimeInfo::Kind::kUnique, as_dst, as_dst};
    return {LocalTimeInfo::Kind::kNonexistent, spring_, spring_};
  }

 private:
  std::chrono::seconds std_;
  TimePoint spring_;
  TimePoint fall_;
  std::string name_;
};

// "2026-03-29T01:00:00Z" style, to milliseconds.
inline TimePoint Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  using namespace std::chrono;
  const sys_days date{year{y} / month{mo} / day{d}};
  return TimePoint(duration_cast<Duration>(date.time_since_epoch() + hours(h) + minutes(mi) + seconds(s)));
}

inline LocalMinutes Local(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  using namespace std::chrono;
  return local_days{year{y} / month{mo} / day{d}} + hours(h) + minutes(mi);
}

// A zone shaped like Europe/Berlin in 2026 (CET, CEST from 29 March to 25 October).
inline OneDstZone Berlin2026() {
  return OneDstZone(std::chrono::hours(1), Utc(2026, 3, 29, 1), Utc(2026, 10, 25, 1));
}

// A zone shaped like America/New_York in 2026 (EST, EDT from 8 March 02:00
// EST to 1 November 02:00 EDT).
inline OneDstZone NewYork2026() {
  return OneDstZone(std::chrono::hours(-5), Utc(2026, 3, 8, 7), Utc(2026, 11, 1, 6),
                    "America/New_York");
}

}  // namespace opsdeck::core::testing
