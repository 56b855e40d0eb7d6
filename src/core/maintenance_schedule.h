// Which maintenance window, if any, covers a target at an instant: recurring
// windows (cron + duration + zone, from config's `maintenance:`) and one-off
// windows (set at run time, from the store). The lead maps config and store
// rows onto these plain structs; core depends on neither. Immutable once
// built: any thread.
//
// Cost: At() evaluates every window once (a cron search per recurring
// window); the MaintenanceState it returns answers per-target questions
// cheaply and says until when it stays true, so the monitor rebuilds it only
// when `valid_until` passes (or the windows change), not per result.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/cron_schedule.h"
#include "core/time_zone_rules.h"

namespace opsdeck::core {

// A target as far as window selection cares.
struct TargetRef {
  std::string name;
  std::string environment;
  std::vector<std::string> tags;
};

// A target is selected when it matches every non-empty list (environment in
// `environments`, name in `targets`, at least one tag in `tags`). All lists
// empty selects nothing.
struct TargetSelector {
  std::vector<std::string> environments;
  std::vector<std::string> targets;
  std::vector<std::string> tags;
  bool Matches(const TargetRef& target) const;
};

struct RecurringWindow {
  std::string name;
  TargetSelector select;
  CronSchedule schedule;
  Duration duration{};
  std::shared_ptr<const TimeZoneRules> zone;  // non-null
};

struct OneOffWindow {
  int64_t id = 0;
  std::string name;
  TargetSelector select;
  TimePoint starts_at{};
  TimePoint ends_at{};  // exclusive
};

// One window's span that is in force (or comes next).
struct WindowSpan {
  std::string name;
  std::optional<int64_t> one_off_id;  // set for one-off windows
  TimePoint start{};
  TimePoint end{};
  bool operator==(const WindowSpan&) const = default;
};

// The windows in force at one instant.
class MaintenanceState {
 public:
  // The window covering `target`; of several, the one ending last.
  std::optional<WindowSpan> Covering(const TargetRef& target) const;
  const std::vector<WindowSpan>& active() const { return spans_; }
  // This answer holds until then (the next start or end of any window);
  // TimePoint::max() when nothing will change.
  TimePoint valid_until() const { return valid_until_; }

 private:
  friend class MaintenanceSchedule;
  std::vector<WindowSpan> spans_;
  std::vector<const TargetSelector*> selectors_;  // parallel to spans_, owned by the schedule
  TimePoint valid_until_ = TimePoint::max();
};

class MaintenanceSchedule {
 public:
  MaintenanceSchedule() = default;
  MaintenanceSchedule(std::vector<RecurringWindow> recurring, std::vector<OneOffWindow> one_off);

  // Windows in force at `t`. The state points into this schedule: it must
  // not outlive it.
  MaintenanceState At(TimePoint t) const;
  std::optional<WindowSpan> Covering(const TargetRef& target, TimePoint t) const;
  // The soonest window covering `target` that starts after `after`.
  std::optional<WindowSpan> NextStart(const TargetRef& target, TimePoint after) const;

  const std::vector<RecurringWindow>& recurring() const { return recurring_; }
  const std::vector<OneOffWindow>& one_off() const { return one_off_; }

 private:
  std::vector<RecurringWindow> recurring_;
  std::vector<OneOffWindow> one_off_;
};

}  // namespace opsdeck::core
