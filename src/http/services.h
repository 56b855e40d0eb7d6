// What route handlers may reach: the current config snapshot, the store, the
// clock, metrics and the reload action. Built by app/ (the composition root)
// and kept alive for the server's lifetime. The members are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/audit.h"
#include "core/clock.h"
#include "core/health.h"
#include "http/metrics.h"
#include "net/event_bus.h"
#include "release/desk.h"
#include "store/store.h"
#include "tickets/audit_desk.h"

namespace opsdeck::http {

struct ReloadOutcome {
  bool ok = false;
  std::vector<std::string> errors;    // file:line:col: path: message
  std::vector<std::string> warnings;  // e.g. settings that need a restart
};

// One occurrence of a recurring maintenance window: [starts_at, ends_at).
struct MaintenanceOccurrence {
  core::TimePoint starts_at{};
  core::TimePoint ends_at{};
};

struct Services {
  std::function<std::shared_ptr<const config::Config>()> config;
  store::Store* store = nullptr;
  const core::Clock* clock = nullptr;
  HttpMetrics* metrics = nullptr;  // set once the route table is built
  BuildInfo build;
  std::function<ReloadOutcome(const core::Actor& actor, const std::string& request_id)> reload;
  // New outbox entries were committed: the dispatcher looks at once. May be
  // empty (tests); quick, safe from any thread.
  std::function<void()> notify_wake;

  // Monitoring; each may be empty (tests, or no catalog).
  // A passive result (a heartbeat push, a CloudWatch alarm change, an
  // Alertmanager alert) for the monitor: recorded durably together with any
  // state change, incident and announcement it causes; `done` runs once that
  // committed (or failed), on any thread, and must be quick.
  std::function<void(core::CheckKey, core::CheckResult, std::function<void(core::Result<void>)>)>
      submit_result;
  // The monitor's live figures for /metrics (per-target up and latency,
  // probes, scheduler lag), appended in Prometheus text format.
  std::function<void(std::string& out)> write_monitor_metrics;
  // Before reading a target's raw results: the monitor writes
  // what it holds of them (it writes each target's results in groups) and
  // returns once committed; bounded, on the calling thread.
  std::function<void(const std::string& target)> settle_results;
  // Server-sent events for /api/v1/stream; null when not wired.
  net::EventBus* events = nullptr;
  // The outbox entries that announce `incident.acknowledged` (by `actor`),
  // built inside the acknowledgement's transaction; empty: none.
  std::function<std::vector<store::OutboxEntry>(const store::Incident&, const core::Actor&)>
      announce_ack;
  // The occurrence of a config (recurring) maintenance window that covers
  // `now`, else its next one; nullopt when it never occurs again. Empty: the
  // API lists recurring windows without their times.
  std::function<std::optional<MaintenanceOccurrence>(const config::MaintenanceConfig&,
                                                     core::TimePoint now)>
      maintenance_occurrence;

  // Releases, windows, the gate and rollbacks; null when not wired (tests).
  release::Desk* releases = nullptr;
  // A pipeline delivery committed (after the 2xx is decided): the release
  // desk follows rollbacks' runs and automatic checklist items. May be empty;
  // quick, any thread.
  std::function<void(const store::IntakeResult&)> on_intake;

  // The documentation audit (latest report, runs, uploads, Jira filing);
  // null when not wired (tests).
  tickets::AuditDesk* docs_audit = nullptr;
};

}  // namespace opsdeck::http
