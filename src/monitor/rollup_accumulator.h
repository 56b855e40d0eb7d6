// Per-target counts and latency for the current minute, in memory, handed
// to the store (AddRollups) once the minute has closed. A late result for a
// minute already handed over starts a new delta for that minute; the store
// merges deltas, so nothing is counted twice or lost.
// Not thread-safe: the monitor's thread owns it.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/health.h"
#include "store/health_store.h"

namespace opsdeck::monitor {

class RollupAccumulator {
 public:
  void Add(const std::string& target, const core::CheckResult& result);
  // Every delta of a minute that ended at or before `now - grace` (a probe
  // started in the last seconds of a minute may still report into it).
  std::vector<store::RollupDelta> TakeClosed(core::TimePoint now, core::Duration grace);
  // Everything, the open minute too (shutdown).
  std::vector<store::RollupDelta> TakeAll();
  void Forget(const std::string& target);
  size_t size() const { return open_.size(); }

  static core::TimePoint MinuteOf(core::TimePoint t);

 private:
  // By target: usually one open minute; a second appears briefly around the
  // minute's turn.
  std::unordered_map<std::string, std::vector<store::RollupDelta>> open_;
};

}  // namespace opsdeck::monitor
