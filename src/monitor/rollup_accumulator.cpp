#include "monitor/rollup_accumulator.h"

#include <chrono>

namespace opsdeck::monitor {

core::TimePoint RollupAccumulator::MinuteOf(core::TimePoint t) {
  return std::chrono::floor<std::chrono::minutes>(t);
}

void RollupAccumulator::Add(const std::string& target, const core::CheckResult& result) {
  const core::TimePoint minute = MinuteOf(result.at);
  auto& deltas = open_[target];
  store::RollupDelta* delta = nullptr;
  for (auto& d : deltas) {
    if (d.minute == minute) delta = &d;
  }
  if (delta == nullptr) {
    delta = &deltas.emplace_back();
    delta->target = target;
    delta->minute = minute;
  }
  ++delta->count;
  if (!result.ok) ++delta->failures;
  delta->latency.Add(result.timings.total);
}

std::vector<store::RollupDelta> RollupAccumulator::TakeClosed(core::TimePoint now, core::Duration grace) {
  std::vector<store::RollupDelta> out;
  const core::TimePoint cutoff = now - grace;
  for (auto it = open_.begin(); it != open_.end();) {
    auto& deltas = it->second;
    for (size_t i = 0; i < deltas.size();) {
      if (deltas[i].minute + std::chrono::minutes(1) <= cutoff) {
        out.push_back(std::move(deltas[i]));
        deltas.erase(deltas.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    it = deltas.empty() ? open_.erase(it) : std::next(it);
  }
  return out;
}

std::vector<store::RollupDelta> RollupAccumulator::TakeAll() {
  std::vector<store::RollupDelta> out;
  for (auto& [target, deltas] : open_) {
    for (auto& d : deltas) out.push_back(std::move(d));
  }
  open_.clear();
  return out;
}

void RollupAccumulator::Forget(const std::string& target) { open_.erase(target); }

}  // namespace opsdeck::monitor
