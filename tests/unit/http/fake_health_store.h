// In-memory stand-ins for handler tests: a HealthStore that keeps what it is
// given and records the queries it was asked, and a Store that offers only
// it (every other sub-store is a test failure if touched). Single-threaded
// use, or guarded by the test.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace opsdeck::http::testing {

class FakeHealthStore final : public store::HealthStore {
 public:
  std::vector<store::TargetRecord> targets;
  std::map<std::string, store::RollupSummary> summaries;  // by target, for every range
  std::vector<store::ResultRow> latest;
  std::map<core::CheckKey, std::string> tokens;
  store::Page<store::ResultRow> results_page;
  std::vector<store::RollupPoint> series;
  std::vector<store::Incident> incidents;
  std::vector<store::MaintenanceWindow> windows;
  bool unavailable = false;  // every call fails with kUnavailable

  // What the handlers asked.
  std::optional<store::TargetQuery> last_target_query;
  std::vector<std::pair<core::TimePoint, core::TimePoint>> summary_ranges;
  std::optional<store::ResultQuery> last_result_query;
  std::optional<std::tuple<core::TimePoint, core::TimePoint, store::Resolution>> last_series;
  std::optional<store::IncidentQuery> last_incident_query;
  std::vector<store::OutboxEntry> announced;
  std::vector<std::string> audit;  // "ack 7 by token:ops", ...

  core::Result<store::TargetSyncReport> SyncTargets(const std::vector<store::TargetDef>&,
                                                    const core::Actor&, std::string_view) override {
    return store::TargetSyncReport{};
  }
  core::Result<std::vector<store::TargetRecord>> ListTargets(const store::TargetQuery& q) override {
    if (unavailable) return core::Error::Unavailable("store down");
    last_target_query = q;
    return targets;
  }
  core::Result<std::vector<store::EnvironmentHealth>> HealthOverview(int worst,
                                                                     int newest) override {
    if (unavailable) return core::Error::Unavailable("store down");
    return store::SummarizeHealth(targets, incidents, worst, newest);
  }
  core::Result<std::optional<store::TargetRecord>> GetTarget(std::string_view name) override {
    if (unavailable) return core::Error::Unavailable("store down");
    for (const auto& t : targets) {
      if (t.def.name == name) return std::optional<store::TargetRecord>(t);
    }
    return std::optional<store::TargetRecord>();
  }
  core::Result<std::string> HeartbeatToken(const core::CheckKey& key, const std::string& fresh) override {
    auto [it, inserted] = tokens.emplace(key, fresh);
    return it->second;
  }
  core::Result<std::optional<core::CheckKey>> FindHeartbeat(std::string_view token) override {
    if (unavailable) return core::Error::Unavailable("store down");
    for (const auto& [key, t] : tokens) {
      if (t == token) return std::optional<core::CheckKey>(key);
    }
    return std::optional<core::CheckKey>();
  }
  core::Result<void> RecordResults(const std::vector<store::ResultRecord>&) override {
    return core::Ok();
  }
  core::Result<store::Page<store::ResultRow>> ListResults(const store::ResultQuery& q) override {
    last_result_query = q;
    return results_page;
  }
  core::Result<std::vector<store::ResultRow>> LatestResults(std::string_view) override {
    return latest;
  }
  core::Result<void> AddRollups(const std::vector<store::RollupDelta>&) override { return core::Ok(); }
  core::Result<std::map<std::string, store::RollupSummary>> Summaries(
      const std::vector<std::string>& names, core::TimePoint from, core::TimePoint to) override {
    summary_ranges.emplace_back(from, to);
    std::map<std::string, store::RollupSummary> out;
    for (const auto& n : names) {
      if (auto it = summaries.find(n); it != summaries.end()) out[n] = it->second;
    }
    return out;
  }
  core::Result<std::vector<store::RollupPoint>> Series(std::string_view, core::TimePoint from,
                                                       core::TimePoint to,
                                                       store::Resolution r) override {
    last_series = {from, to, r};
    return series;
  }
  core::Result<std::vector<store::TargetStatus>> LoadStatuses() override {
    return std::vector<store::TargetStatus>();
  }
  core::Result<store::HealthApplied> ApplyHealth(const store::HealthBatch&, core::TimePoint) override {
    return store::HealthApplied{};
  }
  core::Result<store::Page<store::Incident>> ListIncidents(const store::IncidentQuery& q) override {
    last_incident_query = q;
    return store::Page<store::Incident>{incidents, std::nullopt};
  }
  core::Result<std::vector<store::Incident>> OpenIncidents() override { return incidents; }
  core::Result<std::optional<store::Incident>> GetIncident(int64_t id) override {
    for (const auto& i : incidents) {
      if (i.id == id) return std::optional<store::Incident>(i);
    }
    return std::optional<store::Incident>();
  }
  core::Result<store::Incident> Acknowledge(int64_t id, const core::Actor& actor, std::string_view,
                                            const store::IncidentAnnouncer& announce) override {
    for (auto& i : incidents) {
      if (i.id != id) continue;
      if (!i.acknowledged_by.empty() || i.ended_at) return core::Error::Conflict("already acknowledged");
      i.acknowledged_by = actor.ToString();
      i.acknowledged_at = core::FromUnixMillis(1);
      if (announce) {
        for (auto& e : announce(i)) announced.push_back(std::move(e));
      }
      audit.push_back("ack " + std::to_string(id) + " by " + actor.ToString());
      return i;
    }
    return core::Error::NotFound("no incident " + std::to_string(id));
  }
  core::Result<store::IncidentNote> AddNote(int64_t id, std::string_view text,
                                            const core::Actor& actor, std::string_view) override {
    for (auto& i : incidents) {
      if (i.id != id) continue;
      store::IncidentNote n{static_cast<int64_t>(i.notes.size() + 1), actor.ToString(),
                            core::FromUnixMillis(2), std::string(text)};
      i.notes.push_back(n);
      audit.push_back("note " + std::to_string(id) + " by " + actor.ToString());
      return n;
    }
    return core::Error::NotFound("no incident " + std::to_string(id));
  }
  core::Result<store::MaintenanceWindow> CreateMaintenance(const store::MaintenanceWindow& w,
                                                           const core::Actor& actor,
                                                           std::string_view) override {
    store::MaintenanceWindow stored = w;
    stored.id = static_cast<int64_t>(windows.size() + 1);
    stored.created_by = actor.ToString();
    windows.push_back(stored);
    return stored;
  }
  core::Result<std::vector<store::MaintenanceWindow>> ListMaintenance(core::TimePoint now) override {
    std::vector<store::MaintenanceWindow> out;
    for (const auto& w : windows) {
      if (w.ends_at > now) out.push_back(w);
    }
    return out;
  }
  core::Result<void> EndMaintenance(int64_t id, core::TimePoint now, const core::Actor& actor,
                                    std::string_view) override {
    for (auto& w : windows) {
      if (w.id == id && w.ends_at > now) {
        w.ends_at = now;
        audit.push_back("end " + std::to_string(id) + " by " + actor.ToString());
        return core::Ok();
      }
    }
    return core::Error::NotFound("no maintenance window " + std::to_string(id));
  }
  core::Result<store::HealthPruneReport> PruneHealth(core::TimePoint, core::TimePoint,
                                                     core::TimePoint) override {
    return store::HealthPruneReport{};
  }
};

// Only health() is real; anything else means a handler reached further than
// these tests expect.
class HealthOnlyStore final : public store::Store {
 public:
  explicit HealthOnlyStore(FakeHealthStore& health) : health_(health) {}
  std::string_view Backend() const override { return "fake"; }
  core::Result<void> Ping() override { return core::Ok(); }
  core::Result<int> Migrate() override { return 0; }
  core::Result<int> SchemaVersion() override { return 0; }
  store::EnvironmentStore& environments() override { Unexpected(); }
  store::AuditStore& audit() override { Unexpected(); }
  store::UserStore& users() override { Unexpected(); }
  store::TokenStore& tokens() override { Unexpected(); }
  store::SessionStore& sessions() override { Unexpected(); }
  store::ThrottleStore& throttle() override { Unexpected(); }
  store::RunStore& runs() override { Unexpected(); }
  store::OutboxStore& outbox() override { Unexpected(); }
  store::ReleaseStore& releases() override { Unexpected(); }
  store::DocsStore& docs() override { Unexpected(); }
  store::HealthStore& health() override { return health_; }
  void Close() override {}

 private:
  [[noreturn]] static void Unexpected() {
    ADD_FAILURE() << "a handler used a store other than health()";
    std::abort();
  }
  FakeHealthStore& health_;
};

}  // namespace opsdeck::http::testing
