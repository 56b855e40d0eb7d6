// HealthMonitor's insides, shared by health_monitor.cpp (lifecycle, config,
// metrics) and health_flow.cpp (results -> states -> incidents -> store).
// Everything below `io-thread state` is touched only on the monitor thread.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/health_tracker.h"
#include "core/incident_planner.h"
#include "core/maintenance_schedule.h"
#include "monitor/health_monitor.h"
#include "monitor/held_results.h"
#include "monitor/probe.h"
#include "monitor/resolver.h"
#include "monitor/rollup_accumulator.h"
#include "monitor/scheduler.h"
#include "monitor/store_writer.h"
#include "monitor/tls_contexts.h"

namespace opsdeck::monitor {

struct CheckRuntime {
  int index = 0;
  core::Thresholds thresholds;
  bool heartbeat = false;
  core::Duration period{};  // heartbeat
  core::Duration grace{};
  core::TimePoint last_push{};        // heartbeat: the latest push (or the start)
  core::TimePoint overdue_reported{};  // heartbeat: when silence was last reported
};

struct TargetRuntime {
  std::string environment;
  std::vector<std::string> tags;
  std::vector<CheckRuntime> checks;  // active, heartbeat and external checks
  core::Micros last_latency{-1};
  std::string maintenance;  // the covering window's name, or ""
  HeldResults held;         // not yet in `pending` (MonitorOptions::results_per_write)

  CheckRuntime* Find(int index) {
    for (auto& c : checks) {
      if (c.index == index) return &c;
    }
    return nullptr;
  }
};

// What a reload hands to the monitor thread.
struct Catalog {
  std::shared_ptr<const config::Config> config;
  std::unordered_map<std::string, TargetRuntime> targets;
  std::vector<ScheduledCheck> scheduled;
  std::vector<core::PlannerTarget> planner_targets;
  std::vector<core::RecurringWindow> recurring;
};

// Errors of the store jobs a passive Submit waits for.
struct SubmitStatus {
  core::Result<void> result = core::Ok();
  void Fail(const core::Error& e) {
    if (result) result = e;
  }
};

struct HealthMonitor::Impl {
  MonitorDeps deps;
  MonitorOptions options;

  boost::asio::io_context io{1};
  std::unique_ptr<Resolver> resolver;
  std::unique_ptr<TlsContexts> tls;
  std::unique_ptr<ProbeEnv> env;
  std::unique_ptr<Scheduler> scheduler;
  StoreWriter writer;
  std::thread thread;
  bool started = false;  // guarded by apply_mu
  std::mutex apply_mu;
  std::atomic<bool> stopped{false};

  // Counters read from any thread.
  std::atomic<uint64_t> results{0}, results_written{0}, write_failures{0}, state_changes{0},
      incidents_opened{0}, incidents_closed{0};

  // ---- io-thread state ----
  std::shared_ptr<const config::Config> config;
  std::unordered_map<std::string, TargetRuntime> targets;
  std::vector<std::string> heartbeat_targets;
  core::HealthTracker tracker;
  core::IncidentPlanner planner;
  std::vector<core::RecurringWindow> recurring;
  std::vector<core::OneOffWindow> one_off;
  core::MaintenanceSchedule schedule;
  core::TimePoint maintenance_valid_until = core::TimePoint::min();
  RollupAccumulator rollups;
  std::vector<store::ResultRecord> pending;  // written at the next FlushResults
  uint64_t flush_ticks = 0;                  // flush_every periods since the start
  // Targets in the order they began holding a group, with the tick: what
  // ReleaseWaited looks at instead of every target each tick. An entry whose
  // group was written meanwhile is skipped. Rebuilt by Install (the map's
  // nodes are replaced).
  std::deque<std::pair<uint64_t, std::pair<const std::string, TargetRuntime>*>> holding;
  std::shared_ptr<SubmitStatus> submit_status;  // set while a Submit is folded
  std::unique_ptr<boost::asio::steady_timer> flush_timer;
  std::unique_ptr<boost::asio::steady_timer> tick_timer;
  // Probe transitions waiting for transition_batch (planned with the next
  // Handle, whichever comes first).
  std::vector<core::HealthTransition> held_transitions;
  std::unique_ptr<boost::asio::steady_timer> transition_timer;
  int ticks = 0;

  // health_flow.cpp
  void OnResult(const core::CheckKey& key, core::CheckResult result);
  // Plans the held transitions, then `transitions`, and stores the result.
  void Handle(std::vector<core::HealthTransition> transitions, core::TimePoint now);
  void HandleHeld();  // Handle({}) when transitions are held
  // Held results into `pending`: one target's (by name: none when it is not
  // in the config), those held long enough (results_hold), every target's.
  void Release(const std::string& name, TargetRuntime& target);
  void ReleaseTarget(const std::string& name);
  void ReleaseWaited();
  void ReleaseAll();
  void FlushResults();
  void Tick();
  void ReviewMaintenance(core::TimePoint now, std::vector<core::HealthTransition>& out);
  void ReviewHeartbeats(core::TimePoint now);
  void RefreshOneOffWindows();
  void ArmFlush();
  void ArmTick();
  std::string PublicUrl(const std::string& path) const;

  // health_monitor.cpp
  void Install(Catalog catalog);
  void WriteMetricsOnThread(std::string& out);
};

}  // namespace opsdeck::monitor
