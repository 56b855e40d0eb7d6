// Per-target counts and latency for the current minute, in memory, handed
// to the store (AddRollups) once the minute has closed. A late result for a
// minute already handed over starts a new delta for that minute; the store
// merges deltas, so nothing is counted twice or lost.
// Not thread-safe: the monitor's thread owns it.
#pragma once

#include <cstdint>
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
  struct Minute {
    core::TimePoint minute{};
    uint64_t count = 0;  // 0: the slot is free
    uint64_t failures = 0;
    core::LatencyHistogram latency;
  };
  // A target's open minutes inline: the current one, and the previous one
  // around the minute's turn (a probe started in its last seconds). No
  // per-target vector: at 10,000 targets that was ~100 bytes each.
  struct Open {
    Minute slot[2];
  };
  static store::RollupDelta Take(const std::string& target, Minute& m);

  std::unordered_map<std::string, Open> open_;
  // A third minute of one target open at once (results for several minutes
  // arriving within the grace): rare, kept aside.
  std::vector<store::RollupDelta> extra_;
  // No open minute is older than this: TakeClosed, called every second,
  // walks the targets only when a minute can have closed.
  core::TimePoint oldest_ = core::TimePoint::max();
};

}  // namespace opsdeck::monitor
