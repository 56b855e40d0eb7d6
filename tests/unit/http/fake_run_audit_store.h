// In-memory stand-ins for the badge and audit-page tests: a RunStore that
// answers the reads badges make (pipelines, last runs, live deployments), an
// AuditStore that pages a list newest first with its own cursors and counts
// the reads, and a Store offering those two plus a FakeHealthStore (every
// other sub-store is a test failure). Single-threaded use.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "fake_health_store.h"
#include "store/store.h"

namespace opsdeck::http::testing {

class FakeRunStore final : public store::RunStore {
 public:
  std::vector<store::PipelineDef> pipelines;
  std::vector<core::Run> last_runs;
  std::vector<store::DeploymentRecord> live;
  bool unavailable = false;

  core::Result<store::PipelineSyncReport> SyncPipelines(const std::vector<store::PipelineDef>&,
                                                        const core::Actor&,
                                                        std::string_view) override {
    return Unexpected<store::PipelineSyncReport>();
  }
  core::Result<std::vector<store::PipelineDef>> ListPipelines() override {
    if (unavailable) return core::Error::Unavailable("database is locked");
    return pipelines;
  }
  core::Result<store::IntakeResult> Ingest(const store::IntakeRequest&) override {
    return Unexpected<store::IntakeResult>();
  }
  core::Result<store::Page<core::Run>> ListRuns(const store::RunQuery&) override {
    return Unexpected<store::Page<core::Run>>();
  }
  core::Result<std::optional<core::Run>> GetRun(int64_t) override {
    return Unexpected<std::optional<core::Run>>();
  }
  core::Result<std::vector<core::Run>> LastRuns() override { return last_runs; }
  core::Result<store::Page<store::DeploymentRecord>> ListDeployments(
      const store::DeploymentQuery&) override {
    return Unexpected<store::Page<store::DeploymentRecord>>();
  }
  core::Result<std::vector<store::DeploymentRecord>> LiveDeployments() override {
    if (unavailable) return core::Error::Unavailable("database is locked");
    return live;
  }
  core::Result<store::Page<store::UnmatchedRecord>> ListUnmatched(
      const store::UnmatchedQuery&) override {
    return Unexpected<store::Page<store::UnmatchedRecord>>();
  }
  core::Result<int64_t> Prune(core::TimePoint) override { return Unexpected<int64_t>(); }

 private:
  template <typename T>
  static core::Result<T> Unexpected() {
    ADD_FAILURE() << "a handler used a RunStore method these tests do not expect";
    return core::Error::Internal("unexpected");
  }
};

// Pages `events` (kept newest first, ids descending) like SqlAuditStore:
// filters in the store, cursor "before:<id>".
class FakeAuditStore final : public store::AuditStore {
 public:
  std::vector<core::AuditEvent> events;    // newest first
  std::vector<store::AuditQuery> queries;  // what List was asked, in order

  core::Result<store::Page<core::AuditEvent>> List(const store::AuditQuery& q) override {
    queries.push_back(q);
    int64_t before = INT64_MAX;
    if (q.cursor) {
      if (!q.cursor->starts_with("before:"))
        return core::Error::InvalidArgument("malformed cursor");
      before = std::stoll(q.cursor->substr(7));
    }
    store::Page<core::AuditEvent> page;
    const auto limit = static_cast<size_t>(std::clamp(q.limit, 1, 500));
    for (const core::AuditEvent& e : events) {
      if (e.id >= before) continue;
      if (q.action && e.action != *q.action) continue;
      if (q.entity_type && e.entity_type != *q.entity_type) continue;
      if (q.entity_id && e.entity_id != *q.entity_id) continue;
      if (q.from && e.at < *q.from) continue;
      if (q.to && e.at >= *q.to) continue;
      if (page.items.size() == limit) {
        page.next = "before:" + std::to_string(page.items.back().id);
        break;
      }
      page.items.push_back(e);
    }
    return page;
  }
  core::Result<void> Record(const core::Actor&, std::string_view, std::string_view,
                            std::string_view, std::string_view, std::string_view,
                            std::string_view) override {
    ADD_FAILURE() << "a page wrote to the audit log";
    return core::Error::Internal("unexpected");
  }
};

// runs(), health() and audit() are the fakes above; anything else fails.
class BadgeStore final : public store::Store {
 public:
  BadgeStore(FakeRunStore& runs, FakeHealthStore& health, FakeAuditStore& audit)
      : runs_(runs), health_(health), audit_(audit) {}
  std::string_view Backend() const override { return "fake"; }
  core::Result<void> Ping() override { return core::Ok(); }
  core::Result<int> Migrate() override { return 0; }
  core::Result<int> SchemaVersion() override { return 0; }
  store::EnvironmentStore& environments() override { Unexpected(); }
  store::AuditStore& audit() override { return audit_; }
  store::UserStore& users() override { Unexpected(); }
  store::TokenStore& tokens() override { Unexpected(); }
  store::SessionStore& sessions() override { Unexpected(); }
  store::ThrottleStore& throttle() override { Unexpected(); }
  store::RunStore& runs() override { return runs_; }
  store::OutboxStore& outbox() override { Unexpected(); }
  store::ReleaseStore& releases() override { Unexpected(); }
  store::DocsStore& docs() override { Unexpected(); }
  store::HealthStore& health() override { return health_; }
  void Close() override {}

 private:
  [[noreturn]] static void Unexpected() {
    ADD_FAILURE() << "a handler used a store these tests do not provide";
    std::abort();
  }
  FakeRunStore& runs_;
  FakeHealthStore& health_;
  FakeAuditStore& audit_;
};

}  // namespace opsdeck::http::testing
