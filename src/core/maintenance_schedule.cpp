#include "core/maintenance_schedule.h"

#include <algorithm>

namespace opsdeck::core {

namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool TargetSelector::Matches(const TargetRef& target) const {
  if (environments.empty() && targets.empty() && tags.empty()) return false;
  if (!environments.empty() && !Contains(environments, target.environment)) return false;
  if (!targets.empty() && !Contains(targets, target.name)) return false;
  if (!tags.empty() && std::none_of(target.tags.begin(), target.tags.end(),
                                    [&](const std::string& t) { return Contains(tags, t); })) {
    return false;
  }
  return true;
}

std::optional<WindowSpan> MaintenanceState::Covering(const TargetRef& target) const {
  std::optional<WindowSpan> best;
  for (size_t i = 0; i < spans_.size(); ++i) {
    if (!selectors_[i]->Matches(target)) continue;
    if (!best || spans_[i].end > best->end) best = spans_[i];
  }
  return best;
}

MaintenanceSchedule::MaintenanceSchedule(std::vector<RecurringWindow> recurring,
                                         std::vector<OneOffWindow> one_off)
    : recurring_(std::move(recurring)), one_off_(std::move(one_off)) {}

MaintenanceState MaintenanceSchedule::At(TimePoint t) const {
  MaintenanceState state;
  const auto until = [&](TimePoint change) {
    if (change > t) state.valid_until_ = std::min(state.valid_until_, change);
  };
  for (const auto& w : recurring_) {
    if (const auto occ = w.schedule.Covering(t, w.duration, *w.zone)) {
      state.spans_.push_back({w.name, std::nullopt, occ->start, occ->end});
      state.selectors_.push_back(&w.select);
      until(occ->end);
    }
    if (const auto next = w.schedule.Next(t, *w.zone)) until(*next);
  }
  for (const auto& w : one_off_) {
    if (w.starts_at <= t && t < w.ends_at) {
      state.spans_.push_back({w.name, w.id, w.starts_at, w.ends_at});
      state.selectors_.push_back(&w.select);
    }
    until(w.starts_at);
    until(w.ends_at);
  }
  return state;
}

std::optional<WindowSpan> MaintenanceSchedule::Covering(const TargetRef& target, TimePoint t) const {
  return At(t).Covering(target);
}

std::optional<WindowSpan> MaintenanceSchedule::NextStart(const TargetRef& target, TimePoint after) const {
  std::optional<WindowSpan> best;
  const auto consider = [&](WindowSpan span) {
    if (!best || span.start < best->start) best = std::move(span);
  };
  for (const auto& w : recurring_) {
    if (!w.select.Matches(target)) continue;
    if (const auto next = w.schedule.Next(after, *w.zone)) {
      consider({w.name, std::nullopt, *next, *next + w.duration});
    }
  }
  for (const auto& w : one_off_) {
    if (w.select.Matches(target) && w.starts_at > after && w.ends_at > w.starts_at) {
      consider({w.name, w.id, w.starts_at, w.ends_at});
    }
  }
  return best;
}

}  // namespace opsdeck::core
