// `maintenance:` section: recurring windows during which matching targets
// raise no alerts. Plain values, immutable once loaded; any thread may read
// them.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"

namespace opsdeck::config {

// Which targets a maintenance window covers: a target is selected when it
// matches every non-empty list (environment in `environments`, name in
// `targets`, at least one tag in `tags`). At least one list is non-empty.
struct TargetSelector {
  std::vector<std::string> environments;
  std::vector<std::string> targets;
  std::vector<std::string> tags;
};

struct MaintenanceConfig {
  std::string name;
  TargetSelector select;
  std::string schedule;  // 5-field cron: minute hour day-of-month month day-of-week
  core::Duration duration{};
  std::string timezone = "UTC";  // IANA name
};

}  // namespace opsdeck::config
