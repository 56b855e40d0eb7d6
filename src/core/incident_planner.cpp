#include "core/incident_planner.h"

#include <algorithm>
#include <deque>
#include <set>

namespace opsdeck::core {

namespace {

bool Failing(TargetState s) { return s == TargetState::kDown || s == TargetState::kDegraded; }

// A depends_on chain longer than this is treated as a cycle.
constexpr int kMaxDepth = 64;

}  // namespace

IncidentPlanner::IncidentPlanner(PlannerOptions options) : options_(std::move(options)) {
  ctx_.protected_environments = options_.protected_environments;
}

void IncidentPlanner::SetTargets(const std::vector<PlannerTarget>& targets) {
  targets_.clear();
  dependents_.clear();
  for (const auto& t : targets) targets_[t.name] = Info{t.environment, t.depends_on, 0};
  for (const auto& [name, info] : targets_) {
    for (const auto& dep : info.depends_on) dependents_[dep].push_back(name);
  }
  std::map<std::string, int> memo;
  for (auto& [name, info] : targets_) info.depth = DepthOf(name, memo, 0);
}

int IncidentPlanner::DepthOf(const std::string& name, std::map<std::string, int>& memo,
                             int guard) const {
  if (const auto it = memo.find(name); it != memo.end()) return it->second;
  const auto it = targets_.find(name);
  if (it == targets_.end() || guard > kMaxDepth) return 0;
  memo[name] = 0;  // in progress: a cycle ends here
  int depth = 0;
  for (const auto& dep : it->second.depends_on) {
    if (targets_.contains(dep)) depth = std::max(depth, 1 + DepthOf(dep, memo, guard + 1));
  }
  memo[name] = depth;
  return depth;
}

const IncidentPlanner::Info& IncidentPlanner::InfoOf(std::string_view target) const {
  static const Info kUnknownTarget;
  const auto it = targets_.find(std::string(target));
  return it == targets_.end() ? kUnknownTarget : it->second;
}

std::set<std::string> IncidentPlanner::DependentsOf(const std::string& dependency) const {
  std::set<std::string> found;
  std::deque<const std::string*> queue{&dependency};
  while (!queue.empty()) {
    const std::string& d = *queue.front();
    queue.pop_front();
    const auto it = dependents_.find(d);
    if (it == dependents_.end()) continue;
    for (const auto& t : it->second) {
      if (found.insert(t).second) queue.push_back(&t);
    }
  }
  return found;
}

// Nearest first: a dependency with an open incident names the root;
// otherwise a failing-but-undecided, held or suspect dependency holds.
IncidentPlanner::CauseResult IncidentPlanner::FindCause(const std::string& target,
                                                        const HealthTracker& health) const {
  std::set<std::string> seen{target};
  std::deque<std::string> queue(InfoOf(target).depends_on.begin(), InfoOf(target).depends_on.end());
  bool suspect = false;
  bool maintenance = false;
  while (!queue.empty()) {
    std::string d = std::move(queue.front());
    queue.pop_front();
    if (!seen.insert(d).second) continue;
    if (const auto it = open_.find(d); it != open_.end()) {
      std::string root = d;
      for (int i = 0; i < kMaxDepth; ++i) {  // follow links to the first cause still open
        const auto r = open_.find(root);
        if (r == open_.end() || r->second.root.empty() || !open_.contains(r->second.root)) break;
        root = r->second.root;
      }
      return {Cause::kRoot, root};
    }
    if (held_.contains(d)) suspect = true;
    if (const auto h = health.Get(d)) {
      if (Failing(h->state) || h->suspect) suspect = true;
      if (h->state == TargetState::kMaintenance && Failing(h->underlying)) maintenance = true;
    }
    for (const auto& next : InfoOf(d).depends_on) queue.push_back(next);
  }
  if (maintenance) return {Cause::kHoldMaintenance, {}};
  if (suspect) return {Cause::kHoldSuspect, {}};
  return {Cause::kNone, {}};
}

HealthPlan IncidentPlanner::Plan(const std::vector<HealthTransition>& transitions,
                                 const HealthTracker& health, TimePoint now) {
  Batch b;
  b.now = now;
  b.health = &health;
  for (const auto& tr : transitions) {
    b.plan.states.push_back({tr.target, tr.to, tr.since, tr.flapping, tr.reason});
  }
  // Dependencies before dependents, otherwise in the order they happened.
  std::vector<size_t> order(transitions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t c) {
    return InfoOf(transitions[a].target).depth < InfoOf(transitions[c].target).depth;
  });
  for (const size_t i : order) Handle(transitions[i], b);
  ReviewHolds(b);
  Announce(b);
  return std::move(b.plan);
}

void IncidentPlanner::Handle(const HealthTransition& tr, Batch& b) {
  const std::string& t = tr.target;
  if (Failing(tr.to)) {
    if (open_.contains(t)) {
      const bool changed = tr.from != tr.to && !tr.flapping;
      UpdateMembers(t, tr.to, tr.flapping, changed || tr.flapping_ended, b);
    } else if (auto h = held_.find(t); h != held_.end()) {
      h->second.cause = tr.reason;
    } else {
      Decide(t, tr.since, tr.reason, tr.to, b);
    }
  } else if (tr.to == TargetState::kUp) {
    held_.erase(t);
    if (open_.contains(t)) {
      if (tr.flapping) {
        UpdateMembers(t, tr.to, true, false, b);  // one incident stays open while it flaps
      } else {
        Close(t, tr.since, b);
      }
    }
  } else if (tr.to == TargetState::kMaintenance) {
    held_.erase(t);  // nothing opens while in maintenance
    if (open_.contains(t)) UpdateMembers(t, tr.to, tr.flapping, false, b);
  }
  if (const auto o = open_.find(t); o != open_.end()) {
    if (tr.flapping_ended) o->second.flapping_noticed = false;
    if (tr.flapping && o->second.root.empty() && !o->second.flapping_noticed) {
      o->second.flapping_noticed = true;
      b.flapping.push_back(t);
    }
  }
}

void IncidentPlanner::Decide(const std::string& target, TimePoint since, const std::string& cause,
                             TargetState state, Batch& b) {
  const CauseResult c = FindCause(target, *b.health);
  switch (c.kind) {
    case Cause::kRoot:
      OpenLinked(target, c.root, since, cause, state, b);
      break;
    case Cause::kHoldSuspect:
    case Cause::kHoldMaintenance:
      held_[target] = Hold{since, b.now + options_.hold, cause};
      break;
    case Cause::kNone:
      OpenRoot(target, since, cause, state, b);
      break;
  }
}

void IncidentPlanner::OpenRoot(const std::string& target, TimePoint since, const std::string& cause,
                               TargetState state, Batch& b) {
  const std::string& env = InfoOf(target).environment;
  IncidentGroup* group = nullptr;
  for (auto& [subject, g] : groups_) {
    const auto gap = since > g.started_at ? since - g.started_at : g.started_at - since;
    if (g.environment == env && !g.Resolved() && gap < options_.group_window) {
      group = &g;
      break;
    }
  }
  if (group == nullptr) {
    TimePoint start = since;
    while (groups_.contains(GroupSubject(env, start))) start += Duration(1);
    const std::string subject = GroupSubject(env, start);
    group = &groups_[subject];
    group->subject = subject;
    group->environment = env;
    group->started_at = start;
  }
  const auto h = b.health->Get(target);
  const bool flapping = h && h->flapping;
  b.plan.opens.push_back({target, env, since, cause, "", group->subject});
  open_[target] = Open{group->subject, "", {group->subject}, false};
  group->members.push_back({target, env, state, cause, "", true, flapping});
  MarkDirty(group->subject, b);
  AdoptDependents(target, b);
}

void IncidentPlanner::OpenLinked(const std::string& target, const std::string& root,
                                 TimePoint since, const std::string& cause, TargetState state,
                                 Batch& b) {
  const std::string subject = open_.at(root).subject;
  const std::string& env = InfoOf(target).environment;
  b.plan.opens.push_back({target, env, since, cause, root, subject});
  open_[target] = Open{subject, root, {subject}, false};
  groups_.at(subject).members.push_back({target, env, state, cause, root, true, false});
  MarkDirty(subject, b);
}

// `root` just opened: incidents already open (announced on their own) for
// targets that depend on it are linked to it and listed in its message.
void IncidentPlanner::AdoptDependents(const std::string& root, Batch& b) {
  const std::string subject = open_.at(root).subject;
  IncidentGroup& rg = groups_.at(subject);
  // Only root's dependents can be adopted: walking them, not every open
  // incident, keeps a mass outage (thousands of roots) linear. By name, as
  // open_ is ordered.
  for (const std::string& target : DependentsOf(root)) {
    if (target == root) continue;
    const auto oi = open_.find(target);
    if (oi == open_.end() || !oi->second.root.empty()) continue;
    Open& o = oi->second;
    b.plan.links.push_back({target, root});
    o.root = root;
    if (GroupMember* m = rg.Find(target)) {
      m->root = root;  // same message: it moves under its root
    } else {
      const auto own = groups_.find(o.groups.front());
      const GroupMember* old = own == groups_.end() ? nullptr : own->second.Find(target);
      GroupMember copy = old != nullptr ? *old : GroupMember{target, InfoOf(target).environment};
      copy.root = root;
      rg.members.push_back(std::move(copy));
      o.groups.push_back(subject);
    }
    for (auto& m : rg.members) {
      if (m.root != target) continue;
      m.root = root;
      if (const auto dep = open_.find(m.target); dep != open_.end()) dep->second.root = root;
    }
    MarkDirty(subject, b);
  }
}

void IncidentPlanner::Close(const std::string& target, TimePoint at, Batch& b) {
  const auto it = open_.find(target);
  b.plan.closes.push_back({target, at});
  for (const auto& subject : it->second.groups) {
    auto g = groups_.find(subject);
    if (g == groups_.end()) continue;
    GroupMember* m = g->second.Find(target);
    if (m == nullptr) continue;
    m->state = TargetState::kUp;
    m->open = false;
    m->flapping = false;
    // A dependent recovers quietly unless it was the last one open.
    if (m->root.empty() || g->second.Resolved()) MarkDirty(subject, b);
  }
  open_.erase(it);
}

void IncidentPlanner::UpdateMembers(const std::string& target, TargetState state, bool flapping,
                                    bool announce, Batch& b) {
  for (const auto& subject : open_.at(target).groups) {
    auto g = groups_.find(subject);
    if (g == groups_.end()) continue;
    GroupMember* m = g->second.Find(target);
    if (m == nullptr) continue;
    m->state = state;
    m->flapping = flapping;
    if (announce && m->root.empty()) MarkDirty(subject, b);
  }
}

void IncidentPlanner::ReviewHolds(Batch& b) {
  std::vector<std::string> names;
  for (const auto& [name, hold] : held_) names.push_back(name);
  std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& c) {
    return InfoOf(a).depth < InfoOf(c).depth;
  });
  for (const auto& name : names) {
    const auto h = b.health->Get(name);
    if (!h || !Failing(h->state)) {
      held_.erase(name);
      continue;
    }
    Hold& hold = held_.at(name);
    const CauseResult c = FindCause(name, *b.health);
    if (c.kind == Cause::kHoldMaintenance) {
      hold.deadline = std::max(hold.deadline, b.now + options_.hold);
      continue;
    }
    if (c.kind == Cause::kHoldSuspect && b.now < hold.deadline) continue;
    const Hold done = hold;
    held_.erase(name);
    if (c.kind == Cause::kRoot) {
      OpenLinked(name, c.root, done.since, done.cause, h->state, b);
    } else {
      OpenRoot(name, done.since, done.cause, h->state, b);
    }
  }
}

void IncidentPlanner::MarkDirty(const std::string& subject, Batch& b) {
  if (std::find(b.dirty.begin(), b.dirty.end(), subject) == b.dirty.end()) b.dirty.push_back(subject);
}

void IncidentPlanner::Announce(Batch& b) {
  for (const auto& subject : b.dirty) {
    const auto it = groups_.find(subject);
    if (it == groups_.end()) continue;
    IncidentGroup& g = it->second;
    const bool resolved = g.Resolved();
    const char* kind = resolved ? "incident.resolved" : g.announced ? "incident.updated" : "incident.opened";
    b.plan.notices.push_back(GroupNotice(g, kind, b.now, ctx_));
    g.announced = true;
    if (resolved) groups_.erase(it);
  }
  // After the group's own notice, so the flapping message is what it shows.
  for (const auto& target : b.flapping) {
    const auto o = open_.find(target);
    if (o == open_.end()) continue;
    const auto g = groups_.find(o->second.subject);
    if (g == groups_.end()) continue;
    const GroupMember* m = g->second.Find(target);
    if (m == nullptr) continue;
    b.plan.notices.push_back(FlappingNotice(g->second, *m, options_.flap.window,
                                            options_.flap.changes, b.now, ctx_));
  }
}

void IncidentPlanner::Seed(const std::vector<SeedIncident>& open) {
  for (const auto& s : open) {
    open_[s.target] = Open{s.subject, s.root_target, {s.subject}, s.flapping};
    IncidentGroup& g = groups_[s.subject];
    if (g.subject.empty()) {
      g.subject = s.subject;
      g.started_at = s.started_at;
      g.announced = true;
    }
    if (s.root_target.empty() && g.environment.empty()) g.environment = s.environment;
    g.started_at = std::min(g.started_at, s.started_at);
    g.members.push_back({s.target, s.environment, s.state, s.cause, s.root_target, true, s.flapping});
  }
}

bool IncidentPlanner::HasOpenIncident(std::string_view target) const {
  return open_.contains(std::string(target));
}

std::optional<std::string> IncidentPlanner::SubjectOf(std::string_view target) const {
  const auto it = open_.find(std::string(target));
  if (it == open_.end()) return std::nullopt;
  return it->second.subject;
}

bool IncidentPlanner::IsHeld(std::string_view target) const { return held_.contains(std::string(target)); }

const IncidentGroup* IncidentPlanner::Group(std::string_view subject) const {
  const auto it = groups_.find(std::string(subject));
  return it == groups_.end() ? nullptr : &it->second;
}

}  // namespace opsdeck::core
