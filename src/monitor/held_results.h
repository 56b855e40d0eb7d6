// A target's results held back so that they are written together: a
// check's results written at once are stored as one row of
// check_result_blocks (store/result_block.h), which costs one index entry
// and one page in the WAL instead of six (docs/decisions.md, "A target's
// results are written together" and "Results stored in blocks").
// Held compactly (48 bytes a result, not a ResultRecord's 176) because
// every target holds up to MonitorOptions::results_per_write of them.
// Monitor-thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/health.h"
#include "store/health_store.h"

namespace opsdeck::monitor {

// One result, packed. Durations are kept in whole microseconds up to ~35
// minutes (longer ones are cut to that; a probe's timeout is far shorter).
class HeldResult {
 public:
  static HeldResult Pack(int check, core::CheckResult result);
  int check() const { return check_; }
  core::TimePoint at() const { return core::TimePoint(core::Duration(at_ms_)); }
  core::CheckResult Unpack() &&;

 private:
  int64_t at_ms_ = 0;
  int32_t total_us_ = 0, dns_us_ = 0, connect_us_ = 0, tls_us_ = 0, first_byte_us_ = 0;
  int32_t check_ = 0;
  int32_t certificate_days_ = 0;
  int16_t http_status_ = 0;
  bool ok_ = false;
  std::unique_ptr<std::string> error_;  // null when empty (most results)
};

// One target's held results, oldest first, and the flush tick at which the
// first of them was held. A group ends every `limit` results counted from a
// per-target phase, not from the start: targets started (or recovered)
// together would otherwise all write their groups in the same interval, a
// burst of six times the rows every sixth interval and nothing between.
class HeldResults {
 public:
  // The target's phase (a hash of its name): where its count of results
  // starts. Set once, before the first Add.
  void Stagger(size_t phase) { turn_ = static_cast<uint32_t>(phase); }
  // Holds a result; true when its group is complete (write them): every
  // `limit`-th result from the phase, or `limit` held.
  bool Add(int check, core::CheckResult result, size_t limit, uint64_t tick);
  bool empty() const { return rows_.empty(); }
  size_t size() const { return rows_.size(); }
  uint32_t first_tick() const { return first_tick_; }  // of the first held one
  // Held, and the first was held `ticks` or more ticks before `now_tick`.
  bool Waited(uint64_t now_tick, uint64_t ticks) const;
  // Appends them to `out` as records of `target`, oldest first, and holds
  // none (the capacity stays for the next ones).
  void MoveTo(const std::string& target, std::vector<store::ResultRecord>& out);

 private:
  std::vector<HeldResult> rows_;
  uint32_t first_tick_ = 0;  // flush ticks wrap after 2^32 (136 years at 1 s)
  uint32_t turn_ = 0;
};

}  // namespace opsdeck::monitor
