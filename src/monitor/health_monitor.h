// The monitor: runs every catalog check on its schedule, folds results
// through the health tracker and incident planner (core/), and writes what
// happened to the store in batches (results once a second, each target's
// in groups, rollups when a minute closes, state changes with their
// incidents and announcements in one transaction each). Passive results
// (heartbeat pushes, CloudWatch, Alertmanager) enter through Submit;
// heartbeats that stop arriving turn into failures here.
//
// Threads: probes, the scheduler, the tracker and the planner live on one
// io_context thread of their own (no locks). Store calls block, so they run
// on a second thread (the writer), in submission order. Every public method
// may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/health.h"
#include "core/notification.h"
#include "core/result.h"
#include "net/event_bus.h"
#include "store/health_store.h"

namespace opsdeck::monitor {

struct MonitorDeps {
  store::HealthStore* store = nullptr;
  const core::Clock* clock = nullptr;
  net::EventBus* events = nullptr;  // may be null
  // The outbox entries a notice becomes on the configured routes (app wires
  // notify::Router). May be empty: nothing is announced.
  std::function<std::vector<store::OutboxEntry>(const core::Notice&)> route;
  // New outbox entries were committed. May be empty.
  std::function<void()> notify_wake;
  // Random bytes for heartbeat tokens, as text (app: libsodium). May be empty
  // (heartbeat tokens are then made on first API read).
  std::function<std::string()> fresh_token;
};

struct MonitorOptions {
  std::string user_agent = "opsdeck";
  std::string nameserver;     // "127.0.0.1:5353" in tests; empty: the system's
  std::string extra_ca_file;  // an extra trusted CA for https/tls probes (tests)
  core::Duration flush_every{1000};  // result batches
  // A target's results are written together, this many at once, or once the
  // first of them has waited results_hold (rounded up to flush_every), or
  // sooner: when its state changes, with a passive result, when its results
  // are read (SettleResults), at a reload and at Stop. Rows of one target
  // then share a page of the per-target index: at 10,000 targets, about a
  // sixth of the pages written per result. 1: every result within
  // flush_every.
  size_t results_per_write = 6;
  core::Duration results_hold{60000};
  core::Duration tick_every{1000};   // holds, heartbeats, maintenance
  // State changes of probes are planned and stored together when they come
  // within this long of each other: a mass outage of thousands of targets
  // makes dozens of transactions and messages, not thousands. Passive
  // results (answered only after their change is stored) do not wait.
  core::Duration transition_batch{100};
  // Probes in flight against one host. Generous: it is there to stop a burst
  // from hurting a small server, not to serialise a slow one (10% of 10,000
  // targets answering in 200 ms need ~20 in flight on one host).
  int per_host_limit = 64;
  // SchedulerOptions::coalesce: probes due within one tick start together.
  core::Duration probe_coalesce{50};
};

struct MonitorStats {
  uint64_t results = 0;          // results folded (probes + passive)
  uint64_t results_written = 0;  // committed to the store
  uint64_t write_failures = 0;
  uint64_t state_changes = 0;
  uint64_t incidents_opened = 0;
  uint64_t incidents_closed = 0;
  uint64_t probes_started = 0;
  uint64_t probes_on_time = 0;
  uint64_t probes_skipped = 0;
  int64_t lag_max_us = 0;
  size_t checks = 0;
  size_t targets = 0;
};

// What only the monitor can check in a config: every check's probe builds
// (conditions parse, URLs are http(s)), every maintenance schedule parses and
// its time zone exists. One message per problem, naming where; empty = fine.
// For check-config, serve and reload (a reload with errors is refused).
std::vector<std::string> CatalogErrors(const config::Config& config);

class HealthMonitor {
 public:
  static core::Result<std::unique_ptr<HealthMonitor>> Create(MonitorDeps deps,
                                                             MonitorOptions options = {});
  ~HealthMonitor();  // Stop()
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Applies a config: syncs the catalog into the store, builds the probes,
  // keeps the state and schedule of unchanged checks. The first call starts
  // the threads. kInvalidArgument (nothing changed) when a check cannot be
  // built (a bad condition); kUnavailable when the store could not be read.
  core::Result<void> Apply(std::shared_ptr<const config::Config> config);

  // A passive result. `done` runs (on the writer thread) once the result and
  // any change it caused are committed, or with the error.
  void Submit(core::CheckKey key, core::CheckResult result,
              std::function<void(core::Result<void>)> done);

  // Before a read of `target`'s results: writes the results the monitor
  // holds of it and returns once they are committed, or after `wait` (the
  // read then sees the store as it is). Returns at once when not running.
  void SettleResults(const std::string& target, core::Duration wait = core::Duration(2000));

  // Prometheus text: per-target up and latency, probe and scheduler figures.
  void WriteMetrics(std::string& out);
  MonitorStats Stats();

  // Stops probing, writes what is pending (results, the open minute's
  // rollups), joins the threads. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit HealthMonitor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace opsdeck::monitor
