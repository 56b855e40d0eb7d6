// Release windows from the config: core::WindowSchedule built from
// releases.windows with IANA zones from net::LocateTimeZone, and a cache that
// rebuilds it only when the config snapshot changes (a reload applies to the
// next call). Thread-safety: the free functions are pure; ScheduleCache is
// safe from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/window_schedule.h"

namespace opsdeck::release {

struct BuiltSchedule {
  std::shared_ptr<const core::WindowSchedule> schedule;  // never null
  // Windows left out, one line each ("window weekday releases: timezone: ...").
  std::vector<std::string> errors;
};

BuiltSchedule BuildWindowSchedule(const config::ReleasesConfig& releases);

// What serve and reload refuse: windows whose schedule or time zone cannot be
// used (config only checks the forms; the zone database decides the rest).
std::vector<std::string> WindowErrors(const config::Config& config);

class ScheduleCache {
 public:
  // The schedule of `config` (built on first use of each snapshot).
  std::shared_ptr<const core::WindowSchedule> For(
      const std::shared_ptr<const config::Config>& config);

 private:
  std::mutex mu_;
  std::weak_ptr<const config::Config> built_for_;
  std::shared_ptr<const core::WindowSchedule> schedule_;
};

}  // namespace opsdeck::release
