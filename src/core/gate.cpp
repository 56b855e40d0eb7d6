#include "core/gate.h"

#include <algorithm>

#include "core/name_list.h"

namespace opsdeck::core {

namespace {

// A pipeline log line names at most this many items or targets.
constexpr size_t kMaxNames = 10;

// "2027-01-06T00:00:00Z": window bounds are whole seconds, so the
// milliseconds FormatRfc3339 adds would only be noise in a log line.
std::string Instant(TimePoint t) {
  std::string s = FormatRfc3339(t);
  if (s.size() > 5 && s.compare(s.size() - 5, 5, ".000Z") == 0) s.replace(s.size() - 5, 5, "Z");
  return s;
}

std::string FreezeMessage(const std::vector<WindowOccurrence>& freezes) {
  std::string out = "inside freeze ";
  for (size_t i = 0; i < freezes.size(); ++i) {
    if (i > 0) out += ", freeze ";
    out += freezes[i].window + " until " + Instant(freezes[i].end);
  }
  return out;
}

std::string NoDevopsMessage(const WindowStatus& windows) {
  if (windows.allows.empty()) return "no devops booking accepted for an open window";
  std::vector<std::string> names;
  for (const auto& a : windows.allows) names.push_back(a.window);
  return "no devops booking accepted for the open window (" + NameList(names, kMaxNames) + ")";
}

}  // namespace

GateDecision DecideGate(const GateInput& in) {
  GateDecision d;
  if (!in.is_protected) {
    d.allowed = true;
    return d;
  }
  const auto add = [&](std::string code, std::string message) {
    d.reasons.push_back({std::move(code), std::move(message)});
  };
  if (in.windows.allows.empty()) add("outside_window", "no release window is open now");
  if (!in.windows.freezes.empty() && !in.freeze_overridden) {
    add("freeze", FreezeMessage(in.windows.freezes));
  }
  if (!in.release) {
    add("no_release", "no release of " + in.version + " targets " + in.environment);
  } else if (const auto open = OpenRequiredBeforeDeploy(*in.release); !open.empty()) {
    add("checklist_open", "required checklist items open: " + NameList(open, kMaxNames));
  }
  if (!in.previous_environment.empty()) {
    if (!in.previous_last_run) {
      add("previous_not_green",
          "no " + in.previous_environment + " run recorded for " + in.version);
    } else if (*in.previous_last_run != RunStatus::kSucceeded) {
      add("previous_not_green", in.previous_environment + "'s last run for " + in.version + " is " +
                                    std::string(RunStatusName(*in.previous_last_run)));
    }
  }
  if (!in.unhealthy.empty()) {
    // The count of targets comes from another read than the names: never
    // print "3 of 2".
    const size_t total =
        std::max(in.unhealthy.size(), static_cast<size_t>(std::max(in.targets, 0)));
    add("unhealthy", std::to_string(in.unhealthy.size()) + " of " + std::to_string(total) +
                         " targets unhealthy: " + NameList(in.unhealthy, kMaxNames));
  }
  // Without a release there is nothing a booking could be for.
  if (in.release && !in.devops_confirmed) add("no_devops", NoDevopsMessage(in.windows));
  d.allowed = d.reasons.empty();
  return d;
}

}  // namespace opsdeck::core
