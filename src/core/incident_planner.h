// From health transitions to incidents and their announcements, one alert
// per root cause: dependents (depends_on) of a failing target are linked to
// its incident instead of being announced; dependents of a target that is
// merely suspect are held for a while; root incidents of one environment
// opening close together share one message. A pure decider: transitions,
// the tracker's view and `now` in; intents (shaped like store::HealthBatch)
// out. Not thread-safe: the monitor owns one beside its HealthTracker.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/health.h"
#include "core/health_tracker.h"
#include "core/incident_notices.h"
#include "core/notification.h"

namespace opsdeck::core {

// ----- Intents (the lead maps them onto store::HealthBatch) -----
struct StateUpdate {
  std::string target;
  TargetState state = TargetState::kUnknown;
  TimePoint since{};
  bool flapping = false;
  std::string reason;
  bool operator==(const StateUpdate&) const = default;
};
struct IncidentOpen {
  std::string target;
  std::string environment;
  TimePoint started_at{};
  std::string cause;
  std::string root_target;  // non-empty: linked to that target's open incident
  std::string subject;
  bool operator==(const IncidentOpen&) const = default;
};
struct IncidentClose {
  std::string target;
  TimePoint ended_at{};
  bool operator==(const IncidentClose&) const = default;
};
struct IncidentLink {  // an open incident becomes a dependent of another
  std::string target;
  std::string root_target;
  bool operator==(const IncidentLink&) const = default;
};
struct HealthPlan {
  std::vector<StateUpdate> states;
  std::vector<IncidentClose> closes;  // apply before opens
  std::vector<IncidentOpen> opens;    // dependencies before dependents
  std::vector<IncidentLink> links;    // after opens
  std::vector<Notice> notices;
  bool Empty() const {
    return states.empty() && closes.empty() && opens.empty() && links.empty() && notices.empty();
  }
};

struct PlannerTarget {
  std::string name;
  std::string environment;
  std::vector<std::string> depends_on;
};

struct PlannerOptions {
  std::vector<std::string> protected_environments;
  Duration hold = 60s;          // how long a suspect dependency may hold a dependent
  Duration group_window = 60s;  // root incidents within this of a group's first share it
  FlapPolicy flap;              // for the flapping notice's wording
};

// An incident open at start (from the store), to rebuild the planner.
struct SeedIncident {
  std::string target;
  std::string environment;
  std::string subject;
  std::string root_target;
  TimePoint started_at{};
  std::string cause;
  TargetState state = TargetState::kDown;  // the target's committed state
  bool flapping = false;
};

class IncidentPlanner {
 public:
  explicit IncidentPlanner(PlannerOptions options = {});

  // The catalog (load and reload). Unknown targets have no environment and
  // no dependencies.
  void SetTargets(const std::vector<PlannerTarget>& targets);
  // Open incidents from before a restart; their groups count as announced.
  void Seed(const std::vector<SeedIncident>& open);

  // `transitions` from HealthTracker (Apply, SetMaintenance, Tick), in the
  // order they happened; `health` answers for dependencies. Call with no
  // transitions periodically (e.g. every second) so holds can expire.
  HealthPlan Plan(const std::vector<HealthTransition>& transitions, const HealthTracker& health,
                  TimePoint now);

  bool HasOpenIncident(std::string_view target) const;
  std::optional<std::string> SubjectOf(std::string_view target) const;
  bool IsHeld(std::string_view target) const;
  const IncidentGroup* Group(std::string_view subject) const;

 private:
  struct Info {
    std::string environment;
    std::vector<std::string> depends_on;
    int depth = 0;  // longest depends_on chain below it: dependencies sort first
  };
  struct Open {
    std::string subject;  // the announcement it belongs to (as stored)
    std::string root;     // empty: a root incident
    std::vector<std::string> groups;  // every group listing it
    bool flapping_noticed = false;
  };
  struct Hold {
    TimePoint since{};  // when the target began failing (the incident's start)
    TimePoint deadline{};
    std::string cause;
  };
  enum class Cause { kNone, kRoot, kHoldSuspect, kHoldMaintenance };
  struct CauseResult {
    Cause kind = Cause::kNone;
    std::string root;
  };
  // Working state of one Plan call.
  struct Batch {
    HealthPlan plan;
    std::vector<std::string> dirty;     // groups to re-announce
    std::vector<std::string> flapping;  // targets whose flapping notice is due
    TimePoint now{};
    const HealthTracker* health = nullptr;
  };

  const Info& InfoOf(std::string_view target) const;
  int DepthOf(const std::string& name, std::map<std::string, int>& memo, int guard) const;
  // Every target that depends on `dependency` through depends_on, at any
  // depth, by name; `dependency` itself only through a cycle.
  std::set<std::string> DependentsOf(const std::string& dependency) const;
  CauseResult FindCause(const std::string& target, const HealthTracker& health) const;

  void Handle(const HealthTransition& tr, Batch& b);
  void Decide(const std::string& target, TimePoint since, const std::string& cause,
              TargetState state, Batch& b);
  void OpenRoot(const std::string& target, TimePoint since, const std::string& cause,
                TargetState state, Batch& b);
  void OpenLinked(const std::string& target, const std::string& root, TimePoint since,
                  const std::string& cause, TargetState state, Batch& b);
  void AdoptDependents(const std::string& root, Batch& b);
  void Close(const std::string& target, TimePoint at, Batch& b);
  void UpdateMembers(const std::string& target, TargetState state, bool flapping, bool announce,
                     Batch& b);
  void ReviewHolds(Batch& b);
  void MarkDirty(const std::string& subject, Batch& b);
  void Announce(Batch& b);

  PlannerOptions options_;
  IncidentNoticeContext ctx_;
  std::unordered_map<std::string, Info> targets_;
  // depends_on reversed: dependency name -> the targets naming it directly.
  std::unordered_map<std::string, std::vector<std::string>> dependents_;
  std::map<std::string, Open> open_;        // by target
  std::map<std::string, Hold> held_;        // by target
  std::map<std::string, IncidentGroup> groups_;  // by subject
};

}  // namespace opsdeck::core
