// Runs every active check on its period: a binary heap of due times behind one
// steady_timer (not a timer per check), a stable per-check phase so thousands
// of checks spread over their interval and a restart keeps each one's slot,
// per-host and global in-flight caps, and lag statistics for /metrics.
//
// Thread-safety: none needed. Every method, every probe callback and the sink
// run on the monitor's single io_context thread (ProbeEnv::io).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/health.h"
#include "core/latency_histogram.h"
#include "monitor/probe.h"

namespace opsdeck::monitor {

// One check to run periodically. Two checks with the same key, interval and
// fingerprint are the same schedule: a reload keeps its slot and its probe.
struct ScheduledCheck {
  core::CheckKey key;
  std::unique_ptr<Probe> probe;
  core::Duration interval{};  // > 0 (config validation guarantees it)
  std::string fingerprint;    // the check's definition, for reload comparison
};

struct SchedulerOptions {
  // Probes in flight against one Probe::Host(); a due probe beyond it waits
  // in that host's FIFO. Protects a small server from a burst of our checks.
  int per_host_limit = 4;
  // Probes in flight overall (sockets, memory); beyond it a due probe waits
  // in one global FIFO.
  int global_limit = 2000;
  // Mixed into every check's phase; two instances with different seeds probe
  // the same target at different moments.
  uint64_t seed = 0;
  // Timer coalescing: the timer fires only on multiples of this (of the
  // steady clock), and every probe due by then starts together. Checks stay
  // spread over their interval (20 a tick at 1,000 probes/s and 20 ms), but
  // the loop wakes once per tick instead of once per probe, which on a
  // loopback-heavy box halves the kernel's cost of a probe. Zero: fire at
  // each due time exactly.
  core::Duration coalesce{0};
};

struct SchedulerStats {
  size_t checks = 0;     // scheduled checks
  size_t in_flight = 0;  // started, `done` not yet run (includes removed checks)
  size_t waiting = 0;    // due, queued behind the per-host or global limit
  uint64_t started = 0;
  uint64_t completed = 0;  // `done` ran (delivered or discarded)
  uint64_t discarded = 0;  // results dropped: check removed/changed, or stopped
  // Due slots not run: the previous probe of the check was still running or
  // waiting, or the loop was so late that whole intervals passed.
  uint64_t skipped = 0;
  uint64_t on_time = 0;  // started with IsOnTime(lag, interval)
  core::Micros lag_max{0};
  core::LatencyHistogram lag;  // start time minus due time, per started probe
};

// A probe is on time when it starts no later than a tenth of its interval,
// capped at one second, after its due time: lateness is judged against the
// period (a 5 s lag makes a 10 s check stale) and one second is late for any
// check a person watches.
bool IsOnTime(core::Micros lag, core::Duration interval);

// The check's phase in [0, interval): it runs at Unix times t with
// t mod interval == phase. A hash of the key and seed, so it is stable across
// restarts and hosts, and spreads keys evenly.
core::Duration PhaseOf(const core::CheckKey& key, core::Duration interval, uint64_t seed);

class Scheduler {
 public:
  using ResultSink = std::function<void(const core::CheckKey&, core::CheckResult)>;

  // `env` outlives the scheduler and every probe it starts.
  Scheduler(ProbeEnv& env, ResultSink sink, SchedulerOptions options = {});
  // Same as Stop(). Probes still in flight stay alive (owned by their `done`)
  // until `done` runs; their results are dropped.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Replaces the whole set. A check whose key, interval and fingerprint are
  // unchanged keeps its slot, its probe (the new one is dropped) and any probe
  // in flight. A removed or changed check stops at once: a waiting probe is
  // not started and the result of one in flight is discarded. A changed check
  // starts afresh at its phase. Later duplicates of a key are ignored.
  void Set(std::vector<ScheduledCheck> checks);

  // Arms the schedule: every check's first run is at its phase, within one
  // interval from now. Start after Stop resumes at the phases again.
  void Start();

  // Cancels the timer and forgets queued (not started) probes. Probes in
  // flight run to completion or timeout; their results count as discarded,
  // even if Start is called again first. Once Stop returns the sink is not
  // called until a later Start's probes finish. Stats().in_flight reaches 0
  // when the old probes are all done (the owner may run the loop until then
  // before destroying ProbeEnv).
  void Stop();

  // On the io thread like everything else: /metrics posts there to read it.
  SchedulerStats Stats() const;

 private:
  class State;
  // Shared only so that a probe's `done` and the timer's handler can tell
  // whether the scheduler still exists (they hold weak references).
  std::shared_ptr<State> state_;
};

}  // namespace opsdeck::monitor
