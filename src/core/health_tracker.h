// Turns check results into target states: per-check failure/success
// thresholds, the target's state from its checks, maintenance shown over the
// tracked state, and flap detection. A pure decider: results, maintenance
// changes and `now` in; transitions out (the planner turns those into
// incidents and notices). Not thread-safe: the monitor owns one and calls it
// from its own thread.
//
// Memory per target: its name, one small entry per check (the failing
// check's error kept only while it fails) and at most FlapPolicy::changes
// timestamps; no result history.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/health.h"

namespace opsdeck::core {

using namespace std::chrono_literals;

// Consecutive results needed to change a check's state (external signals: 1/1).
struct Thresholds {
  int failure = 3;
  int success = 2;
};

// `changes` underlying state changes within `window` mark a target
// flapping; a whole `window` without a change ends it.
struct FlapPolicy {
  Duration window = 10min;
  int changes = 5;
};

// A change of what a target shows (or of its flapping), for the planner, the
// store (StateUpdate) and the event stream.
struct HealthTransition {
  std::string target;
  TargetState from = TargetState::kUnknown;  // shown states
  TargetState to = TargetState::kUnknown;
  TargetState underlying = TargetState::kUnknown;  // the checks' verdict; == to unless in maintenance
  TimePoint since{};     // when `to` began (the deciding result's time)
  std::string reason;    // the failing check's error, "maintenance: <window>", or ""
  bool flapping = false;          // flapping after this change
  bool flapping_started = false;  // this change made it flapping
  bool flapping_ended = false;    // quiet for a whole window
  bool operator==(const HealthTransition&) const = default;
};

// What the tracker knows about one target now.
struct TargetHealth {
  TargetState state = TargetState::kUnknown;       // shown
  TargetState underlying = TargetState::kUnknown;  // ignoring maintenance
  TimePoint since{};
  std::string reason;
  bool flapping = false;
  // A check is failing but has not reached its failure threshold (so the
  // target may be about to fail): the planner holds dependents' alerts.
  bool suspect = false;
  std::string maintenance;  // the covering window's name, or ""
};

class HealthTracker {
 public:
  explicit HealthTracker(FlapPolicy policy = {});

  // One result of check `key`. Creates the target and check on first sight.
  std::optional<HealthTransition> Apply(const CheckKey& key, bool ok, std::string_view error,
                                        TimePoint at, Thresholds thresholds);
  std::optional<HealthTransition> Apply(const CheckKey& key, const CheckResult& result,
                                        Thresholds thresholds) {
    return Apply(key, result.ok, result.error, result.at, thresholds);
  }

  // A maintenance window started (`window` = its name) or ended (nullopt)
  // for `target`; the underlying state keeps being tracked meanwhile.
  std::optional<HealthTransition> SetMaintenance(const std::string& target,
                                                 std::optional<std::string> window, TimePoint now);

  // Ends flapping for targets quiet for a whole window. Call periodically.
  std::vector<HealthTransition> Tick(TimePoint now);

  // Declares a target's checks (config load and reload): checks not listed
  // are forgotten, new ones start unknown. Optional: Apply creates checks too,
  // but a declared check that has not reported keeps a seeded state in force.
  void DeclareChecks(const std::string& target, const std::vector<int>& checks);
  // Forgets targets that are not listed (they left the config).
  void Retain(const std::vector<std::string>& targets);

  // The committed status from before a restart. The state stays in force
  // until every declared check has reported once, and a check's first result
  // starts from it (a target seeded down needs `success` results to come up,
  // one seeded up needs `failure` results to go down).
  void Seed(const std::string& target, TargetState state, TimePoint since, bool flapping,
            std::string reason);

  std::optional<TargetHealth> Get(std::string_view target) const;
  TargetState State(std::string_view target) const;  // kUnknown for a target never seen
  bool Suspect(std::string_view target) const;
  size_t size() const { return targets_.size(); }

 private:
  struct Check {
    int index = 0;
    TargetState state = TargetState::kUnknown;  // kUnknown, kUp or kDown
    bool reported = false;
    bool last_ok = false;
    uint16_t streak = 0;  // consecutive results equal to last_ok (saturating)
    std::string error;    // the latest failure's, while not up
  };
  struct Target {
    std::vector<Check> checks;
    TargetState underlying = TargetState::kUnknown;
    TargetState shown = TargetState::kUnknown;
    TimePoint since{};
    std::string reason;
    std::string maintenance;
    bool in_maintenance = false;
    bool flapping = false;
    std::optional<TargetState> prior;  // seeded, until every check reported
    TimePoint last_change{};
    std::vector<TimePoint> changes;  // recent underlying changes, oldest first, <= policy.changes
  };

  Check& CheckOf(Target& t, int index);
  static void ApplyToCheck(Check& c, bool ok, std::string_view error, Thresholds th,
                           std::optional<TargetState> prior);
  static TargetState Verdict(const Target& t);
  static std::string ReasonOf(const Target& t);
  // Recomputes the shown state and reports a change (or a flapping change).
  std::optional<HealthTransition> Publish(const std::string& name, Target& t, TimePoint at,
                                          bool flap_started, bool flap_ended);
  bool EndFlappingIfQuiet(Target& t, TimePoint now) const;

  FlapPolicy policy_;
  std::unordered_map<std::string, Target> targets_;
  std::vector<std::string> flapping_;  // names of flapping targets (few)
};

}  // namespace opsdeck::core
