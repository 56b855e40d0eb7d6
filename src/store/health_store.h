// Storage for monitoring: the catalog's targets and checks (synced from
// config), raw check results, per-minute and per-hour rollups, each target's
// current state, incidents with acknowledgement and notes, heartbeat push
// tokens, and one-off maintenance windows. Same failure rule and
// thread-safety as store.h.
//
// Write shape: the monitor keeps the live state in memory and writes in
// batches: RecordResults once a second with the results released that
// second (each target's in groups; a check's results in one call are stored
// as one block, store/result_block.h),
// AddRollups when a minute closes, ApplyHealth in one transaction for state
// changes with the incidents they open or close and the outbox entries they
// announce (so an announcement exists exactly when its change committed).
// People's actions (acknowledge, note, maintenance) are audited mutations.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/health.h"
#include "core/latency_histogram.h"
#include "core/result.h"
#include "store/outbox_store.h"
#include "store/page.h"

namespace opsdeck::store {

// A check as the config declares it.
struct CheckDef {
  int index = 0;          // position in the target's checks; external signals core::ExternalCheck(i)
  std::string type;       // http | tcp | tls | dns | heartbeat | cloudwatch | alertmanager
  std::string summary;    // "GET https://api.example.com/health", "alarm dashboard-prod-5xx"
  int64_t interval_ms = 0;  // 0 for passive checks (heartbeat, external)
  bool operator==(const CheckDef&) const = default;
};

// A service or server as the config declares it (catalog.services/servers).
struct TargetDef {
  std::string name;
  std::string kind;  // "service" | "server"
  std::string environment;
  std::string component;
  std::string owner;
  std::string docs;
  std::string runbook;
  std::vector<std::string> tags;
  std::vector<std::string> depends_on;
  std::string aws_json = "null";  // the `aws:` identifiers as a JSON object, or "null"
  std::vector<CheckDef> checks;
  bool operator==(const TargetDef&) const = default;
};

struct TargetSyncReport {
  std::vector<std::string> added;
  std::vector<std::string> updated;
  std::vector<std::string> retired;  // left the config: kept with history, no longer listed
};

// A target's current state as last committed by ApplyHealth.
struct TargetStatus {
  std::string target;
  core::TargetState state = core::TargetState::kUnknown;
  core::TimePoint since{};  // when it entered `state`
  bool flapping = false;
  std::string reason;  // the failing check's error, "maintenance: <window>", ...
  std::optional<int64_t> incident_id;  // its open incident
  bool operator==(const TargetStatus&) const = default;
};

// A target with its definition and status, for lists and the API.
struct TargetRecord {
  TargetDef def;
  TargetStatus status;  // state kUnknown and since = created_at before any result
};

struct TargetQuery {
  std::optional<std::string> environment;
  std::optional<std::string> component;
  std::optional<std::string> kind;
  std::optional<core::TargetState> state;
  std::optional<std::string> tag;
};

struct ResultRecord {
  core::CheckKey key;
  core::CheckResult result;
};

struct ResultRow {
  int64_t id = 0;
  core::CheckKey key;
  core::CheckResult result;
};

struct ResultQuery {
  std::string target;          // required
  std::optional<int> check;
  std::optional<bool> ok;      // only failures (false) or successes (true)
  std::optional<core::TimePoint> from;  // at >= from
  std::optional<core::TimePoint> to;    // at < to
  int limit = 50;                      // clamped to [1, 500]
  std::optional<std::string> cursor;   // newest first
};

// What one target did in one minute (the monitor accumulates these in memory
// and writes each when its minute closes; a restart may write the same
// minute twice, so rows are merged, never overwritten).
struct RollupDelta {
  std::string target;
  core::TimePoint minute{};  // aligned to the minute
  uint64_t count = 0;
  uint64_t failures = 0;
  core::LatencyHistogram latency;  // of every result, ok or not
};

struct RollupSummary {
  uint64_t count = 0;
  uint64_t failures = 0;
  core::LatencyHistogram latency;
  // Share of ok results in [0, 1]; nullopt when count == 0.
  std::optional<double> Uptime() const {
    if (count == 0) return std::nullopt;
    return static_cast<double>(count - failures) / static_cast<double>(count);
  }
};

enum class Resolution { kMinute, kHour };

struct RollupPoint {
  core::TimePoint at{};  // start of the minute or hour
  RollupSummary summary;
};

struct IncidentNote {
  int64_t id = 0;
  std::string author;
  core::TimePoint at{};
  std::string text;
};

struct Incident {
  int64_t id = 0;
  std::string target;
  std::string environment;
  core::TimePoint started_at{};
  std::optional<core::TimePoint> ended_at;  // nullopt while open
  std::string cause;                        // the failure that opened it
  // Set when it was caused by a dependency's incident (depends_on): that
  // incident's id and target. Linked incidents are not announced on their own.
  std::optional<int64_t> root_id;
  std::string root_target;
  std::string acknowledged_by;  // empty until acknowledged
  std::optional<core::TimePoint> acknowledged_at;
  std::string subject;  // the notification subject that announces it ("incident:...")
  // GetIncident only: its notes (oldest first) and the incidents linked to it.
  std::vector<IncidentNote> notes;
  std::vector<int64_t> dependents;
};

struct IncidentQuery {
  std::optional<bool> open;  // true: open only; false: resolved only
  std::optional<std::string> environment;
  std::optional<std::string> target;
  std::optional<core::TimePoint> from;  // started_at >= from
  std::optional<core::TimePoint> to;    // started_at < to
  int limit = 50;
  std::optional<std::string> cursor;  // newest first
};

// One transaction of health changes (ApplyHealth).
struct StateUpdate {
  TargetStatus status;  // incident_id is ignored: the store keeps it
};
struct IncidentOpen {
  std::string target;
  std::string environment;
  core::TimePoint started_at{};
  std::string cause;
  std::string root_target;  // non-empty: link to that target's open incident (if any)
  std::string subject;
};
struct IncidentClose {
  std::string target;  // closes that target's open incident, if any
  core::TimePoint ended_at{};
};
struct IncidentLink {  // an already open incident becomes a dependent of another
  std::string target;
  std::string root_target;
};
struct HealthBatch {
  std::vector<StateUpdate> states;
  std::vector<IncidentClose> closes;  // applied before opens
  std::vector<IncidentOpen> opens;
  std::vector<IncidentLink> links;
  std::vector<OutboxEntry> outbox;
  bool Empty() const {
    return states.empty() && closes.empty() && opens.empty() && links.empty() && outbox.empty();
  }
};
struct HealthApplied {
  std::map<std::string, int64_t> opened;  // target -> new incident id
};

// A maintenance window set at run time (the config's recurring ones live in
// config and are evaluated by core::MaintenanceSchedule).
struct MaintenanceWindow {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> environments;  // a target matches when it matches every
  std::vector<std::string> targets;       // non-empty list (as config's select)
  std::vector<std::string> tags;
  core::TimePoint starts_at{};
  core::TimePoint ends_at{};
  std::string created_by;
  core::TimePoint created_at{};
  bool operator==(const MaintenanceWindow&) const = default;
};

struct HealthPruneReport {
  int64_t results = 0;
  int64_t minute_rollups = 0;
  int64_t hour_rollups = 0;
};

// One environment's health as the overview shows it (HealthOverview):
// how many active targets are in each state, the worst few of them, and its
// open incidents. Targets without an environment are grouped under "".
struct StateCounts {
  int64_t up = 0;
  int64_t degraded = 0;
  int64_t down = 0;
  int64_t unknown = 0;
  int64_t maintenance = 0;
  int64_t& Of(core::TargetState s);
  int64_t Total() const { return up + degraded + down + unknown + maintenance; }
  bool operator==(const StateCounts&) const = default;
};
struct EnvironmentHealth {
  std::string environment;
  StateCounts counts;
  // Active targets that are not up, worst first: core::TargetStateRank, then
  // the longest in that state (oldest `since`), then config order.
  std::vector<TargetStatus> worst;
  int64_t open_incidents = 0;
  std::vector<Incident> newest_incidents;  // open ones, newest first, without notes
};

// The in-memory definition of HealthOverview over listed targets and
// incidents (the SQL store computes the same in grouped queries; the test
// fakes call this). Sorted by environment name.
std::vector<EnvironmentHealth> SummarizeHealth(const std::vector<TargetRecord>& targets,
                                               const std::vector<Incident>& incidents,
                                               int worst_per_environment,
                                               int incidents_per_environment);

// Builds the outbox entries that announce a person's change, from the row as
// it is after the change, inside the change's transaction.
using IncidentAnnouncer = std::function<std::vector<OutboxEntry>(const Incident&)>;

class HealthStore {
 public:
  virtual ~HealthStore() = default;

  // Makes the stored targets match the config (services then servers, in
  // order). Idempotent; changes are audited as `actor`.
  virtual core::Result<TargetSyncReport> SyncTargets(const std::vector<TargetDef>& wanted,
                                                     const core::Actor& actor,
                                                     std::string_view request_id) = 0;
  // Active targets with their status, in config order, filtered.
  virtual core::Result<std::vector<TargetRecord>> ListTargets(const TargetQuery& query = {}) = 0;
  virtual core::Result<std::optional<TargetRecord>> GetTarget(std::string_view name) = 0;

  // The push token of a heartbeat check: the stored one, or `fresh` (random,
  // from the caller) stored now. Tokens are looked up by their SHA-256.
  virtual core::Result<std::string> HeartbeatToken(const core::CheckKey& key,
                                                   const std::string& fresh) = 0;
  // The heartbeat check a token belongs to (active targets only).
  virtual core::Result<std::optional<core::CheckKey>> FindHeartbeat(std::string_view token) = 0;

  // Appends raw results (one multi-row write): each check's results in the
  // call become one block (in time order; a new block after 256 results or
  // an hour). Text must be UTF-8 (errors are cut to 1,000 bytes on a
  // character boundary). ResultRow ids are block id * 256 + position.
  virtual core::Result<void> RecordResults(const std::vector<ResultRecord>& results) = 0;
  virtual core::Result<Page<ResultRow>> ListResults(const ResultQuery& query) = 0;
  // The latest result of each check of `target`, by check index.
  virtual core::Result<std::vector<ResultRow>> LatestResults(std::string_view target) = 0;

  // Merges each delta into its minute row and its hour row.
  virtual core::Result<void> AddRollups(const std::vector<RollupDelta>& deltas) = 0;
  // Per target over [from, to): whole hours from hour rollups, the partial
  // hours at either edge from minute rollups (never from raw results).
  // An empty `targets` means every active target.
  virtual core::Result<std::map<std::string, RollupSummary>> Summaries(
      const std::vector<std::string>& targets, core::TimePoint from, core::TimePoint to) = 0;
  // Points for a chart, oldest first; minutes or hours without results are absent.
  virtual core::Result<std::vector<RollupPoint>> Series(std::string_view target,
                                                        core::TimePoint from, core::TimePoint to,
                                                        Resolution resolution) = 0;

  // Every active target's committed status (the monitor's start state).
  virtual core::Result<std::vector<TargetStatus>> LoadStatuses() = 0;
  // One transaction: closes, opens (linking roots by target name), links,
  // state upserts, outbox appends (with `now`). Opening an incident for a
  // target that has an open one is kConflict (nothing applied).
  virtual core::Result<HealthApplied> ApplyHealth(const HealthBatch& batch, core::TimePoint now) = 0;

  virtual core::Result<Page<Incident>> ListIncidents(const IncidentQuery& query) = 0;
  virtual core::Result<std::vector<Incident>> OpenIncidents() = 0;
  virtual core::Result<std::optional<Incident>> GetIncident(int64_t id) = 0;  // with notes, dependents
  // Audited. kNotFound; kConflict when already acknowledged or resolved.
  // `announce` (may be empty) runs inside the transaction.
  virtual core::Result<Incident> Acknowledge(int64_t id, const core::Actor& actor,
                                             std::string_view request_id,
                                             const IncidentAnnouncer& announce) = 0;
  // Audited. kNotFound; kInvalidArgument for empty text or text over 10,000 bytes.
  virtual core::Result<IncidentNote> AddNote(int64_t id, std::string_view text,
                                             const core::Actor& actor,
                                             std::string_view request_id) = 0;

  // Audited. kInvalidArgument when ends_at <= starts_at or no selector list is set.
  virtual core::Result<MaintenanceWindow> CreateMaintenance(const MaintenanceWindow& window,
                                                            const core::Actor& actor,
                                                            std::string_view request_id) = 0;
  // Windows that have not ended by `now`, soonest first.
  virtual core::Result<std::vector<MaintenanceWindow>> ListMaintenance(core::TimePoint now) = 0;
  // Audited: ends the window at `now` (kNotFound when it has already ended).
  virtual core::Result<void> EndMaintenance(int64_t id, core::TimePoint now,
                                            const core::Actor& actor,
                                            std::string_view request_id) = 0;

  // The overview's health: per environment (sorted by name), state counts
  // of the active targets, the worst `worst_per_environment` of them and the
  // open incidents (count and the newest `incidents_per_environment`). A few
  // grouped queries whatever the number of targets; never reads results.
  virtual core::Result<std::vector<EnvironmentHealth>> HealthOverview(
      int worst_per_environment, int incidents_per_environment) = 0;

  // Retention: raw results before raw_before (whole blocks, once their
  // newest result is before it), minute rollups before minute_before, hour
  // rollups before hour_before.
  virtual core::Result<HealthPruneReport> PruneHealth(core::TimePoint raw_before,
                                                      core::TimePoint minute_before,
                                                      core::TimePoint hour_before) = 0;
};

}  // namespace opsdeck::store
