// The release gate: "may a deploy of version X to environment E start now?"
// A pure decider over facts the release desk gathers (windows, bookings,
// checklist, the previous environment's runs, health). Every reason that
// applies is listed, in a fixed order, so a pipeline log shows all of them at
// once. Plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/release.h"
#include "core/run.h"
#include "core/window_schedule.h"

namespace opsdeck::core {

struct GateInput {
  std::string environment;
  std::string version;
  bool is_protected = false;  // unprotected environments are always allowed
  WindowStatus windows;       // at the time asked
  bool freeze_overridden = false;  // an admin override covers every freeze in force
  // The release of `version` that targets `environment` (not aborted), if any.
  std::optional<Release> release;
  // The environment before this one in the promotion path ("staging" for
  // production), empty when this is the first; and the status of its last
  // deploy run for `version` (nullopt: none recorded).
  std::string previous_environment;
  std::optional<RunStatus> previous_last_run;
  // Health of the environment's targets now.
  int targets = 0;
  std::vector<std::string> unhealthy;  // names of targets down or degraded
  // An accepted booking for an allow occurrence in force, for this release.
  bool devops_confirmed = false;
};

struct GateReason {
  // Stable codes: "outside_window", "freeze", "no_release",
  // "checklist_open", "previous_not_green", "unhealthy", "no_devops".
  std::string code;
  std::string message;  // one line for a pipeline log
  bool operator==(const GateReason&) const = default;
};

struct GateDecision {
  bool allowed = false;
  std::vector<GateReason> reasons;  // empty when allowed
};

GateDecision DecideGate(const GateInput& input);

}  // namespace opsdeck::core
