#include "core/window_schedule.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace opsdeck::core {

namespace {

// TimePoint counts milliseconds, so [t, t + kTick) holds the instant t only.
constexpr Duration kTick{1};
// NextAllow gives up on a window after skipping this many frozen occurrences
// (a daily window inside a year-long freeze still fits).
constexpr int kMaxFrozenSkips = 1000;
// Occurrences of one window in force at one instant: more than one only when
// a window lasts longer than the time between its starts.
constexpr size_t kMaxOverlapping = 1000;

bool IsRecurring(const WindowDef& w) { return w.schedule.has_value(); }

// Recurring windows without a zone or a positive duration, and one-off
// windows with an empty span, never occur (config rejects both; a
// hand-built WindowDef must not make the schedule misbehave).
bool CanOccur(const WindowDef& w) {
  if (IsRecurring(w)) return w.zone != nullptr && w.duration > Duration::zero();
  return w.from && w.until && *w.from < *w.until;
}

WindowOccurrence Make(const WindowDef& w, TimePoint start, TimePoint end) {
  return {w.name, w.deny, start, end, w.devops};
}

bool Earlier(const WindowOccurrence& a, const WindowOccurrence& b) {
  return std::tie(a.start, a.window) < std::tie(b.start, b.window);
}

// Appends the occurrences of `w` overlapping [from, to), by start, at most
// `limit` of them.
void Collect(const WindowDef& w, TimePoint from, TimePoint to, size_t limit,
             std::vector<WindowOccurrence>& out) {
  if (limit == 0 || to <= from || !CanOccur(w)) return;
  if (!IsRecurring(w)) {
    if (*w.from < to && from < *w.until) out.push_back(Make(w, *w.from, *w.until));
    return;
  }
  const CronSchedule& cron = *w.schedule;
  const TimeZoneRules& zone = *w.zone;
  std::vector<TimePoint> starts;
  // Occurrences that began at or before `from` and still run: the latest one
  // (Covering), and earlier ones too when the duration is longer than the
  // time between starts.
  if (const auto covering = cron.Covering(from, w.duration, zone)) {
    starts.push_back(covering->start);
    auto prev = cron.Previous(covering->start - kTick, zone);
    while (prev && *prev + w.duration > from && starts.size() < limit) {
      starts.push_back(*prev);
      prev = cron.Previous(*prev - kTick, zone);
    }
    std::reverse(starts.begin(), starts.end());
  }
  TimePoint cursor = from;
  while (starts.size() < limit) {
    const auto next = cron.Next(cursor, zone);
    if (!next || *next >= to) break;
    starts.push_back(*next);
    cursor = *next;
  }
  for (const TimePoint s : starts) out.push_back(Make(w, s, s + w.duration));
}

}  // namespace

WindowSchedule::WindowSchedule(std::vector<WindowDef> windows) : windows_(std::move(windows)) {}

const WindowDef* WindowSchedule::Find(std::string_view name) const {
  for (const auto& w : windows_) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

std::vector<WindowOccurrence> WindowSchedule::Occurrences(TimePoint from, TimePoint to,
                                                          size_t limit) const {
  // Each window contributes at most `limit`, so the first `limit` of the
  // merged, sorted list are the first `limit` overall.
  std::vector<WindowOccurrence> out;
  for (const auto& w : windows_) Collect(w, from, to, limit, out);
  std::stable_sort(out.begin(), out.end(), Earlier);
  if (out.size() > limit) out.resize(limit);
  return out;
}

WindowStatus WindowSchedule::At(TimePoint t) const {
  std::vector<WindowOccurrence> all;
  for (const auto& w : windows_) Collect(w, t, t + kTick, kMaxOverlapping, all);
  std::stable_sort(all.begin(), all.end(), Earlier);
  WindowStatus status;
  for (auto& occ : all) (occ.deny ? status.freezes : status.allows).push_back(std::move(occ));
  return status;
}

std::optional<WindowOccurrence> WindowSchedule::OccurrenceAt(std::string_view name,
                                                             TimePoint start) const {
  const WindowDef* w = Find(name);
  if (w == nullptr || !CanOccur(*w)) return std::nullopt;
  if (!IsRecurring(*w)) {
    if (*w->from == start) return Make(*w, *w->from, *w->until);
    return std::nullopt;
  }
  // Previous() returns the latest start at or before `start`: an exact hit
  // means `start` is itself an occurrence.
  const auto prev = w->schedule->Previous(start, *w->zone);
  if (prev && *prev == start) return Make(*w, start, start + w->duration);
  return std::nullopt;
}

std::optional<WindowOccurrence> WindowSchedule::NextAllow(TimePoint after,
                                                          std::string_view name) const {
  // Covered by freezes means covered by their union: two back-to-back
  // freezes hide an allow occurrence as well as one long one.
  const auto frozen = [&](const WindowOccurrence& occ) {
    std::vector<WindowOccurrence> freezes;
    for (const auto& w : windows_) {
      if (w.deny) Collect(w, occ.start, occ.end, kMaxOverlapping, freezes);
    }
    std::sort(freezes.begin(), freezes.end(), Earlier);
    TimePoint covered_until = occ.start;
    for (const auto& f : freezes) {
      if (f.start > covered_until) break;
      covered_until = std::max(covered_until, f.end);
      if (covered_until >= occ.end) return true;
    }
    return false;
  };
  std::optional<WindowOccurrence> best;
  const auto beats = [&](TimePoint start, const std::string& window) {
    return !best || std::tie(start, window) < std::tie(best->start, best->window);
  };
  for (const auto& w : windows_) {
    if (w.deny || !CanOccur(w) || (!name.empty() && w.name != name)) continue;
    if (!IsRecurring(w)) {
      const auto occ = Make(w, *w.from, *w.until);
      if (occ.start > after && beats(occ.start, w.name) && !frozen(occ)) best = occ;
      continue;
    }
    TimePoint cursor = after;
    for (int skips = 0; skips < kMaxFrozenSkips; ++skips) {
      const auto next = w.schedule->Next(cursor, *w.zone);
      if (!next || !beats(*next, w.name)) break;
      auto occ = Make(w, *next, *next + w.duration);
      if (!frozen(occ)) {
        best = std::move(occ);
        break;
      }
      cursor = *next;
    }
  }
  return best;
}

}  // namespace opsdeck::core
