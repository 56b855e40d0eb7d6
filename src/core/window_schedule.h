// Release windows: recurring allow/deny windows (cron + duration + IANA zone,
// correct across daylight-saving changes, may cross midnight) and one-off
// windows; a deny window (freeze) wins over any allow window it overlaps.
// The lead maps config onto WindowDef; core depends on neither config nor
// tzdata. Immutable once built: any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/cron_schedule.h"
#include "core/time_zone_rules.h"

namespace opsdeck::core {

struct WindowDef {
  std::string name;  // unique among windows
  bool deny = false;  // a freeze
  // Recurring: schedule + duration + zone. One-off: from + until. Never both.
  std::optional<CronSchedule> schedule;
  Duration duration{};
  std::shared_ptr<const TimeZoneRules> zone;  // non-null for recurring windows
  std::optional<TimePoint> from;
  std::optional<TimePoint> until;  // exclusive
  std::vector<std::string> devops;  // people on hand (allow windows)
};

// One occurrence of a window: [start, end).
struct WindowOccurrence {
  std::string window;
  bool deny = false;
  TimePoint start{};
  TimePoint end{};
  std::vector<std::string> devops;
  bool operator==(const WindowOccurrence&) const = default;
};

// What is in force at an instant.
struct WindowStatus {
  std::vector<WindowOccurrence> allows;  // every allow occurrence covering t, by start
  std::vector<WindowOccurrence> freezes;  // every deny occurrence covering t, by start
  bool open() const { return !allows.empty() && freezes.empty(); }
};

class WindowSchedule {
 public:
  WindowSchedule() = default;
  explicit WindowSchedule(std::vector<WindowDef> windows);

  const std::vector<WindowDef>& windows() const { return windows_; }
  const WindowDef* Find(std::string_view name) const;

  // Every occurrence overlapping [from, to), allows and denies, ordered by
  // start then window name. An occurrence that began before `from` and is
  // still open is included. Bounded: at most `limit` occurrences.
  std::vector<WindowOccurrence> Occurrences(TimePoint from, TimePoint to,
                                            size_t limit = 1000) const;
  WindowStatus At(TimePoint t) const;
  // The occurrence of window `name` that starts exactly at `start`
  // (validates a booking request); nullopt when there is none.
  std::optional<WindowOccurrence> OccurrenceAt(std::string_view name, TimePoint start) const;
  // The next allow occurrence (of any window, or of `name` when given) that
  // starts after `after` and is not entirely inside a freeze.
  std::optional<WindowOccurrence> NextAllow(TimePoint after, std::string_view name = {}) const;

 private:
  std::vector<WindowDef> windows_;
};

}  // namespace opsdeck::core
