// HealthStore over a Database, written once for both backends
// (005_health.sql has the tables and why). The implementation is split by
// concern: targets and heartbeat tokens (sql_health_store_targets.cpp),
// results (_results.cpp), rollups and pruning (_rollups.cpp), incidents and
// ApplyHealth (_incidents.cpp), maintenance windows (_maintenance.cpp), the
// overview's grouped health (_overview.cpp).
// Thread-safety: safe from any thread. The only mutable state is a cache of
// target name -> id (ids never change once assigned: retired targets keep
// their row), guarded by a mutex and refilled from the database on a miss, so
// several processes sharing one PostgreSQL stay correct.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "store/database.h"
#include "store/health_store.h"

namespace opsdeck::store {

class SqlHealthStore final : public HealthStore {
 public:
  SqlHealthStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  core::Result<TargetSyncReport> SyncTargets(const std::vector<TargetDef>& wanted,
                                             const core::Actor& actor,
                                             std::string_view request_id) override;
  core::Result<std::vector<TargetRecord>> ListTargets(const TargetQuery& query) override;
  core::Result<std::optional<TargetRecord>> GetTarget(std::string_view name) override;

  core::Result<std::string> HeartbeatToken(const core::CheckKey& key,
                                           const std::string& fresh) override;
  core::Result<std::optional<core::CheckKey>> FindHeartbeat(std::string_view token) override;

  core::Result<void> RecordResults(const std::vector<ResultRecord>& results) override;
  core::Result<Page<ResultRow>> ListResults(const ResultQuery& query) override;
  core::Result<std::vector<ResultRow>> LatestResults(std::string_view target) override;

  core::Result<void> AddRollups(const std::vector<RollupDelta>& deltas) override;
  core::Result<std::map<std::string, RollupSummary>> Summaries(
      const std::vector<std::string>& targets, core::TimePoint from, core::TimePoint to) override;
  core::Result<std::vector<RollupPoint>> Series(std::string_view target, core::TimePoint from,
                                                core::TimePoint to, Resolution resolution) override;

  core::Result<std::vector<TargetStatus>> LoadStatuses() override;
  core::Result<HealthApplied> ApplyHealth(const HealthBatch& batch, core::TimePoint now) override;

  core::Result<Page<Incident>> ListIncidents(const IncidentQuery& query) override;
  core::Result<std::vector<Incident>> OpenIncidents() override;
  core::Result<std::optional<Incident>> GetIncident(int64_t id) override;
  core::Result<Incident> Acknowledge(int64_t id, const core::Actor& actor,
                                     std::string_view request_id,
                                     const IncidentAnnouncer& announce) override;
  core::Result<IncidentNote> AddNote(int64_t id, std::string_view text, const core::Actor& actor,
                                     std::string_view request_id) override;

  core::Result<MaintenanceWindow> CreateMaintenance(const MaintenanceWindow& window,
                                                    const core::Actor& actor,
                                                    std::string_view request_id) override;
  core::Result<std::vector<MaintenanceWindow>> ListMaintenance(core::TimePoint now) override;
  core::Result<void> EndMaintenance(int64_t id, core::TimePoint now, const core::Actor& actor,
                                    std::string_view request_id) override;

  core::Result<std::vector<EnvironmentHealth>> HealthOverview(
      int worst_per_environment, int incidents_per_environment) override;

  core::Result<HealthPruneReport> PruneHealth(core::TimePoint raw_before,
                                              core::TimePoint minute_before,
                                              core::TimePoint hour_before) override;

 private:
  // name -> id of every stored target (retired ones too), for the given
  // names: from the cache, refilled once from the database on a miss.
  // kNotFound names the first target that is not stored at all.
  core::Result<std::unordered_map<std::string, int64_t>> TargetIds(
      const std::vector<std::string_view>& names);

  Database& db_;
  const core::Clock& clock_;
  std::mutex ids_mu_;
  std::unordered_map<std::string, int64_t> ids_;  // guarded by ids_mu_
};

}  // namespace opsdeck::store
