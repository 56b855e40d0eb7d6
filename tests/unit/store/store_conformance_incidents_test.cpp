// The store conformance suite, health part 2: ApplyHealth (opens, closes,
// links flattened to one root, state upserts, outbox, conflicts applying
// nothing, two instances racing), the incident lists, acknowledgement,
// notes and maintenance windows (all audited), and migration 005 applied to
// a populated version-4 database. Runs on SQLite and PostgreSQL.
#include <barrier>
#include <thread>

#include "health_fixture.h"
#include "store/migrator.h"

namespace opsdeck::store::conformance {
namespace {

using core::TargetState;

class IncidentsConformance : public HealthConformance {
 protected:
  int64_t OpenOne(const std::string& target, core::TimePoint at, std::string root = {}) {
    auto applied = Apply(HealthBatch{.opens = {Open(target, at, std::move(root))}}, at);
    return applied.opened.count(target) ? applied.opened.at(target) : -1;
  }
  int64_t OutboxCount() { return Count(*store_, "SELECT COUNT(*) FROM outbox"); }
};

TEST_P(IncidentsConformance, ApplyHealthOpensLinksStatesAndAnnouncesTogether) {
  // The dependents come before their root in the batch: links still resolve.
  HealthBatch batch;
  batch.opens = {Open("api", kStart, "db-1"), Open("web", kStart, "db-1"), Open("db-1", kStart)};
  batch.states = {State("api", TargetState::kDown, kStart), State("web", TargetState::kDown, kStart),
                  State("db-1", TargetState::kDown, kStart, "connect: refused")};
  batch.outbox = {Announcement("incident:db-1")};
  auto applied = Apply(batch, kStart + 1s);
  ASSERT_EQ(applied.opened.size(), 3u);
  const int64_t db = applied.opened["db-1"];

  Incident api = GetIncident(applied.opened["api"]);
  EXPECT_EQ(api.target, "api");
  EXPECT_EQ(api.root_id, db);
  EXPECT_EQ(api.root_target, "db-1");
  EXPECT_EQ(api.subject, "incident:api");
  EXPECT_EQ(api.cause, "status == 200 failed: got 503");
  EXPECT_FALSE(api.ended_at);
  Incident root = GetIncident(db);
  EXPECT_FALSE(root.root_id);
  EXPECT_EQ(root.dependents, (std::vector<int64_t>{applied.opened["api"], applied.opened["web"]}));

  auto target = health().GetTarget("db-1");
  ASSERT_TRUE(target && *target);
  EXPECT_EQ((*target)->status.state, TargetState::kDown);
  EXPECT_EQ((*target)->status.reason, "connect: refused");
  EXPECT_EQ((*target)->status.incident_id, db);
  auto pending = store_->outbox().Pending("ops", 10);
  ASSERT_TRUE(pending && pending->size() == 1);
  EXPECT_EQ((*pending)[0].subject, "incident:db-1");
  EXPECT_EQ((*pending)[0].created_at, kStart + 1s);

  // Recovery closes the incident; the target's incident_id goes with it.
  Apply(HealthBatch{.states = {State("db-1", TargetState::kUp, kStart + 1min)},
                    .closes = {IncidentClose{"db-1", kStart + 1min}}});
  EXPECT_EQ(GetIncident(db).ended_at, kStart + 1min);
  target = health().GetTarget("db-1");
  ASSERT_TRUE(target && *target);
  EXPECT_FALSE((*target)->status.incident_id);
  EXPECT_EQ((*target)->status.state, TargetState::kUp);
}

TEST_P(IncidentsConformance, OpeningASecondIncidentConflictsAndAppliesNothing) {
  const int64_t first = OpenOne("api", kStart);
  const int64_t outbox = OutboxCount();
  HealthBatch batch;
  batch.states = {State("web", TargetState::kDown, kStart + 1s)};
  batch.opens = {Open("web", kStart + 1s), Open("api", kStart + 1s)};
  batch.outbox = {Announcement("incident:web")};
  auto r = health().ApplyHealth(batch, kStart + 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(OutboxCount(), outbox);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM incidents"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM target_state"), 0);

  // Closing first in the same batch makes the open legal.
  auto reopened = Apply(HealthBatch{.closes = {IncidentClose{"api", kStart + 2s}},
                                    .opens = {Open("api", kStart + 2s)}});
  ASSERT_EQ(reopened.opened.count("api"), 1u);
  EXPECT_NE(reopened.opened["api"], first);
  EXPECT_EQ(GetIncident(first).ended_at, kStart + 2s);

  auto unknown = health().ApplyHealth(HealthBatch{.opens = {Open("nope", kStart)}}, kStart);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(IncidentsConformance, LinksKeepOneFlatRoot) {
  const int64_t api = OpenOne("api", kStart);
  const int64_t web = OpenOne("web", kStart);
  const int64_t db = OpenOne("db-1", kStart + 1s);
  Apply(HealthBatch{.links = {IncidentLink{"web", "api"}}});
  EXPECT_EQ(GetIncident(web).root_id, api);
  // api turns out to depend on db-1: web, api's dependent, moves along.
  Apply(HealthBatch{.links = {IncidentLink{"api", "db-1"}}});
  EXPECT_EQ(GetIncident(api).root_id, db);
  EXPECT_EQ(GetIncident(web).root_id, db);
  EXPECT_EQ(GetIncident(db).dependents, (std::vector<int64_t>{api, web}));
  // Rooted at a linked incident: the root of the root.
  const int64_t staging = OpenOne("api-staging", kStart + 2s, "api");
  EXPECT_EQ(GetIncident(staging).root_id, db);
  EXPECT_EQ(GetIncident(staging).root_target, "db-1");
  // A loop is ignored; a link without an open incident is a no-op.
  Apply(HealthBatch{.links = {IncidentLink{"db-1", "api"}}});
  EXPECT_FALSE(GetIncident(db).root_id);
  Apply(HealthBatch{.closes = {IncidentClose{"web", kStart + 3s}},
                    .links = {IncidentLink{"web", "api-staging"}}});
  EXPECT_EQ(GetIncident(web).root_id, db);
}

TEST_P(IncidentsConformance, TwoInstancesOpeningAtOnceOneWins) {
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other) << other.error().ToString();
  for (int round = 0; round < 5; ++round) {
    std::barrier start(2);
    core::Result<HealthApplied> results[2] = {HealthApplied{}, HealthApplied{}};
    auto run = [&](Store& s, int i) {
      start.arrive_and_wait();
      results[i] = s.health().ApplyHealth(
          HealthBatch{.opens = {Open("api", kStart + std::chrono::seconds(round))},
                      .outbox = {Announcement("incident:api")}},
          kStart);
    };
    std::thread a(run, std::ref(static_cast<Store&>(*store_)), 0);
    std::thread b(run, std::ref(static_cast<Store&>(**other)), 1);
    a.join();
    b.join();
    ASSERT_NE(static_cast<bool>(results[0]), static_cast<bool>(results[1])) << "round " << round;
    const auto& lost = results[0] ? results[1] : results[0];
    EXPECT_EQ(lost.error().code, ErrorCode::kConflict) << lost.error().ToString();
    EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM incidents WHERE ended_at IS NULL"), 1);
    EXPECT_EQ(OutboxCount(), round + 1);
    Apply(HealthBatch{.closes = {IncidentClose{"api", kStart + std::chrono::seconds(round)}}});
  }
  (*other)->Close();
}

TEST_P(IncidentsConformance, AcknowledgeOnceAuditedAndAnnounced) {
  const int64_t id = OpenOne("api", kStart);
  clock_.Advance(30s);
  int calls = 0;
  auto announce = [&](const Incident& i) {
    ++calls;
    EXPECT_EQ(i.acknowledged_by, "alice");
    return std::vector<OutboxEntry>{Announcement(i.subject)};
  };
  auto acked = health().Acknowledge(id, actor_, "req-ack", announce);
  ASSERT_TRUE(acked) << acked.error().ToString();
  EXPECT_EQ(acked->acknowledged_by, "alice");
  EXPECT_EQ(acked->acknowledged_at, kStart + 30s);
  EXPECT_GE(calls, 1);
  EXPECT_EQ(OutboxCount(), 1);
  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "incident"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "acknowledge");
  EXPECT_EQ(audit[0].entity_id, std::to_string(id));
  EXPECT_EQ(audit[0].request_id, "req-ack");
  EXPECT_NE(audit[0].after_json.find("\"acknowledged_by\":\"alice\""), std::string::npos);

  auto twice = health().Acknowledge(id, actor_, "req-2", announce);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(OutboxCount(), 1);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "incident"}).size(), 1u);

  const int64_t web = OpenOne("web", kStart);
  Apply(HealthBatch{.closes = {IncidentClose{"web", kStart + 1min}}});
  auto resolved = health().Acknowledge(web, actor_, "r", {});
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().code, ErrorCode::kConflict);
  auto missing = health().Acknowledge(9999, actor_, "r", {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(IncidentsConformance, NotesAreKeptOldestFirstAndAudited) {
  const int64_t id = OpenOne("api", kStart);
  auto first = health().AddNote(id, "looking at the db", actor_, "req-n1");
  ASSERT_TRUE(first) << first.error().ToString();
  clock_.Advance(1min);
  auto second = health().AddNote(id, "failover done", core::Actor{"user", "bob"}, "req-n2");
  ASSERT_TRUE(second);
  Incident inc = GetIncident(id);
  ASSERT_EQ(inc.notes.size(), 2u);
  EXPECT_EQ(inc.notes[0].text, "looking at the db");
  EXPECT_EQ(inc.notes[0].author, "alice");
  EXPECT_EQ(inc.notes[0].at, kStart);
  EXPECT_EQ(inc.notes[1].author, "bob");
  EXPECT_EQ(inc.notes[1].at, kStart + 1min);
  EXPECT_EQ(inc.notes[1].id, second->id);
  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "incident", .action = "note"});
  EXPECT_EQ(audit.size(), 2u);

  for (const std::string& bad : {std::string(), std::string(10'001, 'x')}) {
    auto r = health().AddNote(id, bad, actor_, "r");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  auto missing = health().AddNote(9999, "x", actor_, "r");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(IncidentsConformance, ListIncidentsPagesAndFilters) {
  // api: 4 resolved + 1 open; web: 1 open; api-staging (staging): 1 resolved.
  for (int i = 0; i < 4; ++i) {
    OpenOne("api", kStart + std::chrono::minutes(i));
    Apply(HealthBatch{.closes = {IncidentClose{"api", kStart + std::chrono::minutes(i) + 30s}}});
  }
  const int64_t api_open = OpenOne("api", kStart + 10min);
  OpenOne("web", kStart + 10min);
  IncidentOpen staging = Open("api-staging", kStart + 5min);
  staging.environment = "staging";
  Apply(HealthBatch{.opens = {staging}});
  Apply(HealthBatch{.closes = {IncidentClose{"api-staging", kStart + 6min}}});

  std::vector<Incident> all;
  std::optional<std::string> cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = health().ListIncidents({.limit = 3, .cursor = cursor});
    ASSERT_TRUE(page) << page.error().ToString();
    all.insert(all.end(), page->items.begin(), page->items.end());
    cursor = page->next;
    if (!cursor) break;
  }
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.back().started_at, kStart);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].started_at, all[i].started_at);

  const auto count = [&](IncidentQuery q) {
    q.limit = 100;
    auto page = health().ListIncidents(q);
    EXPECT_TRUE(page) << page.error().ToString();
    return page ? page->items.size() : 0u;
  };
  EXPECT_EQ(count({.open = true}), 2u);
  EXPECT_EQ(count({.open = false}), 5u);
  EXPECT_EQ(count({.environment = "staging"}), 1u);
  EXPECT_EQ(count({.target = "api"}), 5u);
  EXPECT_EQ(count({.open = true, .target = "api"}), 1u);
  EXPECT_EQ(count({.from = kStart + 1min, .to = kStart + 5min}), 3u);

  auto open = health().OpenIncidents();
  ASSERT_TRUE(open);
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, api_open);

  auto bad = health().ListIncidents({.cursor = "not-a-cursor"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(IncidentsConformance, MaintenanceWindowsCreateListEnd) {
  MaintenanceWindow w;
  w.name = "db upgrade";
  w.environments = {"production"};
  w.tags = {"db", "tier1"};
  w.starts_at = kStart + 1h;
  w.ends_at = kStart + 2h;
  auto created = health().CreateMaintenance(w, actor_, "req-m");
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->created_by, "alice");
  EXPECT_EQ(created->created_at, kStart);
  MaintenanceWindow later = w;
  later.name = "later";
  later.environments.clear();
  later.targets = {"api"};
  later.starts_at = kStart + 3h;
  later.ends_at = kStart + 4h;
  auto second = health().CreateMaintenance(later, actor_, "req-m2");
  ASSERT_TRUE(second);

  auto list = health().ListMaintenance(kStart);
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], *created);
  EXPECT_EQ((*list)[1].targets, std::vector<std::string>{"api"});
  EXPECT_EQ((*list)[1].tags, (std::vector<std::string>{"db", "tier1"}));
  auto after_first = health().ListMaintenance(kStart + 2h);
  ASSERT_TRUE(after_first);
  ASSERT_EQ(after_first->size(), 1u);
  EXPECT_EQ((*after_first)[0].name, "later");

  // Ending the running one early; ending a future one cancels it.
  ASSERT_TRUE(health().EndMaintenance(created->id, kStart + 90min, actor_, "req-e"));
  ASSERT_TRUE(health().EndMaintenance(second->id, kStart + 90min, actor_, "req-e2"));
  auto none = health().ListMaintenance(kStart + 90min);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto ended = health().ListMaintenance(kStart);
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->size(), 2u);
  EXPECT_EQ((*ended)[0].ends_at, kStart + 90min);
  EXPECT_EQ((*ended)[1].starts_at, kStart + 90min);
  auto again = health().EndMaintenance(created->id, kStart + 2h, actor_, "r");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "maintenance"});
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[0].action, "end");
  EXPECT_EQ(audit[3].action, "create");

  MaintenanceWindow backwards = w;
  backwards.ends_at = backwards.starts_at;
  auto bad = health().CreateMaintenance(backwards, actor_, "r");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  MaintenanceWindow empty = w;
  empty.environments.clear();
  empty.tags.clear();
  auto nothing = health().CreateMaintenance(empty, actor_, "r");
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().code, ErrorCode::kInvalidArgument);
}

// 005 replaces 001's never-written health tables and touches nothing else.
TEST_P(StoreConformance, HealthMigrationAppliesToAPopulatedVersion4Database) {
  const auto all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 5u);
  ASSERT_EQ(all[4].name, "health");
  auto v4 = ApplyMigrations(store_->database(), all.first(4), clock_);
  ASSERT_TRUE(v4) << v4.error().ToString();
  ASSERT_TRUE(store_->environments().Sync(Envs({{"production", true}}), actor_, ""));
  ASSERT_TRUE(store_->outbox().Enqueue({Announcement("run:1")}, kStart));
  auto applied = store_->Migrate();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, KnownSchemaVersion() - 4);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM environments"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox"), 1);
  auto synced = store_->health().SyncTargets({Target("api")}, actor_, "");
  ASSERT_TRUE(synced) << synced.error().ToString();
  EXPECT_EQ(synced->added, std::vector<std::string>{"api"});
}

INSTANTIATE_TEST_SUITE_P(Backends, IncidentsConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
