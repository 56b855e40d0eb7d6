// Fixture of the health store's conformance tests: a migrated store with a
// small catalog (a database, two services depending on it, a server), and
// builders for results, rollups and health batches. One thread per test.
#pragma once

#include <string>
#include <vector>

#include "conformance_fixture.h"

namespace opsdeck::store::conformance {

// An hour boundary after kStart, so rollup tests control their edges.
inline const core::TimePoint kHour0 =
    core::FromUnixMillis((core::ToUnixMillis(kStart) / 3'600'000 + 1) * 3'600'000);

inline TargetDef Target(std::string name, std::string env = "production",
                        std::vector<std::string> depends_on = {}) {
  TargetDef t;
  t.name = std::move(name);
  t.kind = "service";
  t.environment = std::move(env);
  t.component = "backend";
  t.owner = "team-a";
  t.docs = "https://docs.example.com/" + t.name;
  t.runbook = "https://runbooks.example.com/" + t.name;
  t.tags = {"tier1", "eu"};
  t.depends_on = std::move(depends_on);
  t.checks = {CheckDef{0, "http", "GET https://" + t.name + ".example.com/health", 10'000}};
  return t;
}

inline ResultRecord Result(std::string target, int check, core::TimePoint at, bool ok,
                           int latency_ms = 20, std::string error = {}) {
  ResultRecord r;
  r.key = core::CheckKey{std::move(target), check};
  r.result.at = at;
  r.result.ok = ok;
  r.result.timings.total = core::Micros(latency_ms * 1000);
  r.result.error = std::move(error);
  r.result.http_status = ok ? 200 : 503;
  return r;
}

inline RollupDelta Delta(std::string target, core::TimePoint minute, uint64_t count,
                         uint64_t failures, int latency_ms = 10) {
  RollupDelta d;
  d.target = std::move(target);
  d.minute = minute;
  d.count = count;
  d.failures = failures;
  d.latency.Add(core::Micros(latency_ms * 1000), count);
  return d;
}

inline IncidentOpen Open(std::string target, core::TimePoint at, std::string root = {}) {
  IncidentOpen o;
  o.target = target;
  o.environment = "production";
  o.started_at = at;
  o.cause = "status == 200 failed: got 503";
  o.root_target = std::move(root);
  o.subject = "incident:" + target;
  return o;
}

inline StateUpdate State(std::string target, core::TargetState state, core::TimePoint since,
                         std::string reason = {}) {
  StateUpdate s;
  s.status.target = std::move(target);
  s.status.state = state;
  s.status.since = since;
  s.status.reason = std::move(reason);
  return s;
}

inline OutboxEntry Announcement(std::string subject) {
  OutboxEntry e;
  e.channel = "ops";
  e.kind = "incident.opened";
  e.subject = std::move(subject);
  e.severity = "critical";
  e.environment = "production";
  e.payload_json = R"({"kind":"incident.opened"})";
  return e;
}

class HealthConformance : public StoreConformance {
 protected:
  void SetUp() override {
    StoreConformance::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Migrate();
    TargetDef server = Target("db-1");
    server.kind = "server";
    server.component = "database";
    server.tags = {"db"};
    server.checks = {CheckDef{0, "tcp", "tcp db-1:5432", 10'000},
                     CheckDef{1, "heartbeat", "backup job", 0}};
    catalog_ = {Target("api", "production", {"db-1"}), Target("web", "production", {"db-1"}),
                Target("api-staging", "staging"), server};
    Sync(catalog_);
  }

  HealthStore& health() { return store_->health(); }

  TargetSyncReport Sync(const std::vector<TargetDef>& wanted) {
    auto r = health().SyncTargets(wanted, core::Actor::System("config"), "req-sync");
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(TargetSyncReport{});
  }

  HealthApplied Apply(const HealthBatch& batch, core::TimePoint now = kStart) {
    auto r = health().ApplyHealth(batch, now);
    EXPECT_TRUE(r) << r.error().ToString();
    return r.value_or(HealthApplied{});
  }

  Incident GetIncident(int64_t id) {
    auto r = health().GetIncident(id);
    EXPECT_TRUE(r && *r) << "incident " << id << ": " << (r ? "missing" : r.error().ToString());
    return r && *r ? **r : Incident{};
  }

  std::vector<TargetDef> catalog_;
};

}  // namespace opsdeck::store::conformance
