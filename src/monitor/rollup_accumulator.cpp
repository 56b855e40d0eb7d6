#include "monitor/rollup_accumulator.h"

#include <algorithm>
#include <chrono>

namespace opsdeck::monitor {

core::TimePoint RollupAccumulator::MinuteOf(core::TimePoint t) {
  return std::chrono::floor<std::chrono::minutes>(t);
}

namespace {

// One result into a minute's counts (an inline slot or a set-aside delta).
template <typename Counts>
void Count(Counts& m, const core::CheckResult& result) {
  ++m.count;
  if (!result.ok) ++m.failures;
  m.latency.Add(result.timings.total);
}

}  // namespace

void RollupAccumulator::Add(const std::string& target, const core::CheckResult& result) {
  const core::TimePoint minute = MinuteOf(result.at);
  oldest_ = std::min(oldest_, minute);
  Open& open = open_[target];
  Minute* m = nullptr;
  for (Minute& s : open.slot) {
    if (s.count > 0 && s.minute == minute) m = &s;
  }
  for (Minute& s : open.slot) {
    if (m == nullptr && s.count == 0) {
      m = &s;
      m->minute = minute;
    }
  }
  if (m != nullptr) return Count(*m, result);
  store::RollupDelta* delta = nullptr;
  for (auto& d : extra_) {
    if (d.minute == minute && d.target == target) delta = &d;
  }
  if (delta == nullptr) {
    delta = &extra_.emplace_back();
    delta->target = target;
    delta->minute = minute;
  }
  Count(*delta, result);
}

store::RollupDelta RollupAccumulator::Take(const std::string& target, Minute& m) {
  store::RollupDelta d;
  d.target = target;
  d.minute = m.minute;
  d.count = m.count;
  d.failures = m.failures;
  d.latency = std::move(m.latency);
  m = Minute{};
  return d;
}

std::vector<store::RollupDelta> RollupAccumulator::TakeClosed(core::TimePoint now, core::Duration grace) {
  std::vector<store::RollupDelta> out;
  const core::TimePoint cutoff = now - grace;
  const auto closed = [&](core::TimePoint minute) { return minute + std::chrono::minutes(1) <= cutoff; };
  if (oldest_ == core::TimePoint::max() || !closed(oldest_)) return out;  // nothing open, or too new
  oldest_ = core::TimePoint::max();
  for (auto it = open_.begin(); it != open_.end();) {
    bool any = false;
    for (Minute& s : it->second.slot) {
      if (s.count > 0 && closed(s.minute)) out.push_back(Take(it->first, s));
      if (s.count > 0) oldest_ = std::min(oldest_, s.minute);
      any = any || s.count > 0;
    }
    it = any ? std::next(it) : open_.erase(it);
  }
  for (auto it = extra_.begin(); it != extra_.end();) {
    if (closed(it->minute)) {
      out.push_back(std::move(*it));
      it = extra_.erase(it);
    } else {
      oldest_ = std::min(oldest_, it->minute);
      ++it;
    }
  }
  return out;
}

std::vector<store::RollupDelta> RollupAccumulator::TakeAll() {
  std::vector<store::RollupDelta> out;
  for (auto& [target, open] : open_) {
    for (Minute& s : open.slot) {
      if (s.count > 0) out.push_back(Take(target, s));
    }
  }
  open_.clear();
  for (auto& d : extra_) out.push_back(std::move(d));
  extra_.clear();
  oldest_ = core::TimePoint::max();
  return out;
}

void RollupAccumulator::Forget(const std::string& target) {
  open_.erase(target);
  std::erase_if(extra_, [&](const store::RollupDelta& d) { return d.target == target; });
}

}  // namespace opsdeck::monitor
