// An in-memory HealthStore for the monitoring page tests: the reads the pages
// make answer from plain vectors the test fills; writes the pages never make
// fail loudly. Records the Summaries windows it was asked for, so tests can
// check the pages read rollups per window. Not thread-safe (tests only).
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/health_store.h"

namespace opsdeck::http::testing {

class FakeHealthStore : public store::HealthStore {
 public:
  std::vector<store::TargetRecord> targets;
  // Summaries answer: per window length (to - from) then per target.
  std::map<core::Duration, std::map<std::string, store::RollupSummary>> summaries;
  std::vector<store::ResultRow> latest;   // LatestResults, any target
  std::vector<store::ResultRow> results;  // ListResults, newest first
  std::optional<std::string> results_next;
  std::vector<store::Incident> incidents;  // GetIncident / ListIncidents / OpenIncidents
  std::optional<std::string> incidents_next;
  std::optional<core::Error> fail;  // when set, every read answers it

  // What the pages asked for.
  std::vector<core::Duration> summary_windows;
  std::optional<store::ResultQuery> last_result_query;
  std::optional<store::IncidentQuery> last_incident_query;
  int list_targets_calls = 0;
  int health_overview_calls = 0;

  core::Result<std::vector<store::TargetRecord>> ListTargets(
      const store::TargetQuery& /*query*/) override {
    ++list_targets_calls;
    if (fail) return *fail;
    return targets;
  }
  core::Result<std::optional<store::TargetRecord>> GetTarget(std::string_view name) override {
    if (fail) return *fail;
    for (const store::TargetRecord& t : targets) {
      if (t.def.name == name) return std::optional<store::TargetRecord>(t);
    }
    return std::optional<store::TargetRecord>();
  }
  core::Result<std::vector<store::ResultRow>> LatestResults(std::string_view target) override {
    if (fail) return *fail;
    std::vector<store::ResultRow> out;
    for (const store::ResultRow& r : latest) {
      if (r.key.target == target) out.push_back(r);
    }
    return out;
  }
  core::Result<store::Page<store::ResultRow>> ListResults(
      const store::ResultQuery& query) override {
    last_result_query = query;
    if (fail) return *fail;
    if (query.cursor && *query.cursor == "bad") return core::Error::InvalidArgument("bad cursor");
    store::Page<store::ResultRow> page;
    for (const store::ResultRow& r : results) {
      if (r.key.target != query.target) continue;
      if (query.ok && r.result.ok != *query.ok) continue;
      page.items.push_back(r);
    }
    page.next = results_next;
    return page;
  }
  core::Result<std::map<std::string, store::RollupSummary>> Summaries(
      const std::vector<std::string>& names, core::TimePoint from, core::TimePoint to) override {
    summary_windows.push_back(to - from);
    if (fail) return *fail;
    std::map<std::string, store::RollupSummary> out;
    for (const auto& [name, summary] : summaries[to - from]) {
      if (names.empty() || std::find(names.begin(), names.end(), name) != names.end()) {
        out.emplace(name, summary);
      }
    }
    return out;
  }
  core::Result<store::Page<store::Incident>> ListIncidents(
      const store::IncidentQuery& query) override {
    last_incident_query = query;
    if (fail) return *fail;
    store::Page<store::Incident> page;
    for (const store::Incident& i : incidents) {
      if (query.open && *query.open != !i.ended_at.has_value()) continue;
      if (query.environment && i.environment != *query.environment) continue;
      if (query.target && i.target != *query.target) continue;
      page.items.push_back(i);
    }
    page.next = incidents_next;
    return page;
  }
  core::Result<std::vector<store::Incident>> OpenIncidents() override {
    if (fail) return *fail;
    std::vector<store::Incident> out;
    for (const store::Incident& i : incidents) {
      if (!i.ended_at) out.push_back(i);
    }
    return out;
  }
  core::Result<std::vector<store::EnvironmentHealth>> HealthOverview(int worst,
                                                                     int newest) override {
    ++health_overview_calls;
    if (fail) return *fail;
    return store::SummarizeHealth(targets, incidents, worst, newest);
  }
  core::Result<std::optional<store::Incident>> GetIncident(int64_t id) override {
    if (fail) return *fail;
    for (const store::Incident& i : incidents) {
      if (i.id == id) return std::optional<store::Incident>(i);
    }
    return std::optional<store::Incident>();
  }

  // Not read by the pages.
  core::Result<store::TargetSyncReport> SyncTargets(const std::vector<store::TargetDef>&,
                                                    const core::Actor&, std::string_view) override {
    return Unused();
  }
  core::Result<std::string> HeartbeatToken(const core::CheckKey&, const std::string&) override {
    return Unused();
  }
  core::Result<std::optional<core::CheckKey>> FindHeartbeat(std::string_view) override {
    return Unused();
  }
  core::Result<void> RecordResults(const std::vector<store::ResultRecord>&) override {
    return Unused();
  }
  core::Result<void> AddRollups(const std::vector<store::RollupDelta>&) override {
    return Unused();
  }
  core::Result<std::vector<store::RollupPoint>> Series(std::string_view, core::TimePoint,
                                                       core::TimePoint,
                                                       store::Resolution) override {
    return Unused();
  }
  core::Result<std::vector<store::TargetStatus>> LoadStatuses() override { return Unused(); }
  core::Result<store::HealthApplied> ApplyHealth(const store::HealthBatch&,
                                                 core::TimePoint) override {
    return Unused();
  }
  core::Result<store::Incident> Acknowledge(int64_t, const core::Actor&, std::string_view,
                                            const store::IncidentAnnouncer&) override {
    return Unused();
  }
  core::Result<store::IncidentNote> AddNote(int64_t, std::string_view, const core::Actor&,
                                            std::string_view) override {
    return Unused();
  }
  core::Result<store::MaintenanceWindow> CreateMaintenance(const store::MaintenanceWindow&,
                                                           const core::Actor&,
                                                           std::string_view) override {
    return Unused();
  }
  core::Result<std::vector<store::MaintenanceWindow>> ListMaintenance(core::TimePoint) override {
    return Unused();
  }
  core::Result<void> EndMaintenance(int64_t, core::TimePoint, const core::Actor&,
                                    std::string_view) override {
    return Unused();
  }
  core::Result<store::HealthPruneReport> PruneHealth(core::TimePoint, core::TimePoint,
                                                     core::TimePoint) override {
    return Unused();
  }

 private:
  static core::Error Unused() { return core::Error::Internal("not used by the pages"); }
};

}  // namespace opsdeck::http::testing
