#include "core/health_tracker.h"

#include <algorithm>
#include <limits>
#include <unordered_set>

namespace opsdeck::core {

HealthTracker::HealthTracker(FlapPolicy policy) : policy_(policy) {
  policy_.changes = std::max(policy_.changes, 2);
}

HealthTracker::Check& HealthTracker::CheckOf(Target& t, int index) {
  for (auto& c : t.checks) {
    if (c.index == index) return c;
  }
  t.checks.push_back(Check{index});
  return t.checks.back();
}

void HealthTracker::ApplyToCheck(Check& c, bool ok, std::string_view error, Thresholds th,
                                 std::optional<TargetState> prior) {
  const int failure = std::max(th.failure, 1);
  const int success = std::max(th.success, 1);
  if (!c.reported && prior) {
    // The first result after a restart continues from the stored state.
    if (*prior == TargetState::kUp) c.state = TargetState::kUp;
    if (*prior == TargetState::kDown) c.state = TargetState::kDown;
    if (*prior == TargetState::kDegraded) c.state = ok ? TargetState::kUp : TargetState::kDown;
  }
  if (c.reported && c.last_ok == ok) {
    if (c.streak < std::numeric_limits<uint16_t>::max()) ++c.streak;
  } else {
    c.streak = 1;
    c.last_ok = ok;
  }
  c.reported = true;
  if (ok) {
    // From unknown one success is enough: there is nothing to recover from.
    if (c.state == TargetState::kUnknown || (c.state == TargetState::kDown && c.streak >= success)) {
      c.state = TargetState::kUp;
    }
    if (c.state == TargetState::kUp) c.error.clear();
  } else {
    c.error.assign(error);
    if (c.state != TargetState::kDown && c.streak >= failure) c.state = TargetState::kDown;
  }
}

TargetState HealthTracker::Verdict(const Target& t) {
  if (t.prior && std::any_of(t.checks.begin(), t.checks.end(), [](const Check& c) { return !c.reported; })) {
    return *t.prior;
  }
  int up = 0;
  int down = 0;
  for (const auto& c : t.checks) {
    if (c.state == TargetState::kUp) ++up;
    if (c.state == TargetState::kDown) ++down;
  }
  if (up == 0 && down == 0) return t.prior.value_or(TargetState::kUnknown);
  if (down == 0) return TargetState::kUp;
  if (up == 0) return TargetState::kDown;
  return TargetState::kDegraded;
}

std::string HealthTracker::ReasonOf(const Target& t) {
  if (t.in_maintenance) return "maintenance: " + t.maintenance;
  if (t.underlying != TargetState::kDown && t.underlying != TargetState::kDegraded) return {};
  for (const auto& c : t.checks) {
    if (c.state == TargetState::kDown && !c.error.empty()) return c.error;
  }
  return t.reason;  // seeded, no check has failed since the restart
}

bool HealthTracker::EndFlappingIfQuiet(Target& t, TimePoint now) const {
  if (!t.flapping || now - t.last_change < policy_.window) return false;
  t.flapping = false;
  t.changes.clear();  // it takes a fresh run of changes to flap again
  return true;
}

std::optional<HealthTransition> HealthTracker::Publish(const std::string& name, Target& t,
                                                       TimePoint at, bool flap_started,
                                                       bool flap_ended) {
  const TargetState shown = t.in_maintenance ? TargetState::kMaintenance : t.underlying;
  const TargetState from = t.shown;
  t.reason = ReasonOf(t);
  if (shown == from && !flap_started && !flap_ended) return std::nullopt;
  if (shown != from) {
    t.shown = shown;
    t.since = at;
  }
  if (flap_started) flapping_.push_back(name);
  if (flap_ended) std::erase(flapping_, name);
  return HealthTransition{name,    from,       shown,        t.underlying, t.since,
                          t.reason, t.flapping, flap_started, flap_ended};
}

std::optional<HealthTransition> HealthTracker::Apply(const CheckKey& key, bool ok,
                                                     std::string_view error, TimePoint at,
                                                     Thresholds thresholds) {
  Target& t = targets_[key.target];
  const bool flap_ended = EndFlappingIfQuiet(t, at);
  ApplyToCheck(CheckOf(t, key.check), ok, error, thresholds, t.prior);
  const TargetState before = t.underlying;
  t.underlying = Verdict(t);
  if (t.prior && std::all_of(t.checks.begin(), t.checks.end(), [](const Check& c) { return c.reported; })) {
    t.prior.reset();
  }
  bool flap_started = false;
  if (t.underlying != before) {
    // Leaving unknown is a first verdict, not a flip.
    if (before != TargetState::kUnknown) {
      t.changes.push_back(at);
      if (t.changes.size() > static_cast<size_t>(policy_.changes)) t.changes.erase(t.changes.begin());
      if (!t.flapping && t.changes.size() == static_cast<size_t>(policy_.changes) &&
          at - t.changes.front() <= policy_.window) {
        t.flapping = true;
        flap_started = true;
      }
    }
    t.last_change = at;
  }
  // (flap_ended cleared `changes`, so one result cannot both end and start it.)
  return Publish(key.target, t, at, flap_started, flap_ended);
}

std::optional<HealthTransition> HealthTracker::SetMaintenance(const std::string& target,
                                                              std::optional<std::string> window,
                                                              TimePoint now) {
  Target& t = targets_[target];
  t.in_maintenance = window.has_value();
  t.maintenance = std::move(window).value_or("");
  return Publish(target, t, now, false, false);
}

std::vector<HealthTransition> HealthTracker::Tick(TimePoint now) {
  std::vector<HealthTransition> out;
  const std::vector<std::string> names = flapping_;
  for (const auto& name : names) {
    auto it = targets_.find(name);
    if (it == targets_.end() || !EndFlappingIfQuiet(it->second, now)) continue;
    if (auto tr = Publish(name, it->second, now, false, true)) out.push_back(std::move(*tr));
  }
  return out;
}

void HealthTracker::DeclareChecks(const std::string& target, const std::vector<int>& checks) {
  Target& t = targets_[target];
  std::erase_if(t.checks, [&](const Check& c) {
    return std::find(checks.begin(), checks.end(), c.index) == checks.end();
  });
  for (int index : checks) CheckOf(t, index);
  std::sort(t.checks.begin(), t.checks.end(),
            [](const Check& a, const Check& b) { return a.index < b.index; });
}

void HealthTracker::Retain(const std::vector<std::string>& targets) {
  const std::unordered_set<std::string> keep(targets.begin(), targets.end());
  std::erase_if(targets_, [&](const auto& entry) { return !keep.contains(entry.first); });
  std::erase_if(flapping_, [&](const std::string& name) { return !keep.contains(name); });
}

void HealthTracker::Seed(const std::string& target, TargetState state, TimePoint since,
                         bool flapping, std::string reason) {
  Target& t = targets_[target];
  const bool tracked = state == TargetState::kUp || state == TargetState::kDown ||
                       state == TargetState::kDegraded;
  if (tracked) t.prior = state;
  t.underlying = tracked ? state : TargetState::kUnknown;
  t.shown = state;
  t.in_maintenance = state == TargetState::kMaintenance;
  t.since = since;
  t.reason = std::move(reason);
  t.last_change = since;
  if (flapping && !t.flapping) {
    t.flapping = true;
    flapping_.push_back(target);
  }
}

std::optional<TargetHealth> HealthTracker::Get(std::string_view target) const {
  const auto it = targets_.find(std::string(target));
  if (it == targets_.end()) return std::nullopt;
  const Target& t = it->second;
  TargetHealth h{t.shown, t.underlying, t.since, t.reason, t.flapping, false, t.maintenance};
  h.suspect = std::any_of(t.checks.begin(), t.checks.end(), [](const Check& c) {
    return c.reported && !c.last_ok && c.state != TargetState::kDown;
  });
  return h;
}

TargetState HealthTracker::State(std::string_view target) const {
  const auto h = Get(target);
  return h ? h->state : TargetState::kUnknown;
}

bool HealthTracker::Suspect(std::string_view target) const {
  const auto h = Get(target);
  return h && h->suspect;
}

}  // namespace opsdeck::core
