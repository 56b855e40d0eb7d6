// The store conformance suite, releases part 1: creating, reading and
// listing releases with their checklists, UpdateRelease (only what changed
// is written and audited; a refusal changes nothing; two instances racing on
// one item), cursors, and migration 006 on a populated version-5 database.
// Runs on SQLite and PostgreSQL; bookings, overrides and rollbacks are in
// store_conformance_release_windows_test.cpp and
// store_conformance_rollbacks_test.cpp.
#include <barrier>
#include <thread>

#include "releases_fixture.h"
#include "store/migrator.h"
#include "store/sql_run_rows.h"

namespace opsdeck::store::conformance {
namespace {

using core::ItemState;
using core::ReleaseState;

TEST_P(ReleasesConformance, CreateStoresTheChecklistAuditsAndAnnounces) {
  NewRelease wanted = NewRel("2.4.0");
  wanted.window = "weekday";
  wanted.window_start = Slot(24);
  int calls = 0;
  auto created = releases().CreateRelease(wanted, actor_, "req-1",
                                          Announce<core::Release>("release.created", &calls));
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->state, ReleaseState::kPlanned);
  EXPECT_EQ(created->created_by, "user:alice");
  EXPECT_EQ(created->created_at, kStart);
  EXPECT_EQ(created->updated_at, kStart);
  EXPECT_GE(calls, 1);

  const core::Release got = Get(created->id);
  EXPECT_EQ(got, *created);
  EXPECT_EQ(got.environments, (std::vector<std::string>{"staging", "production"}));
  EXPECT_EQ(got.window, "weekday");
  EXPECT_EQ(got.window_start, Slot(24));
  ASSERT_EQ(got.items.size(), 4u);
  EXPECT_EQ(got.items, Checklist());  // order, roles, dependencies, auto text
  EXPECT_EQ(got.items[2].depends_on, (std::vector<std::string>{"approve", "notes"}));
  EXPECT_EQ(got.items[3].auto_check, "staging_green");
  EXPECT_FALSE(got.items[3].required);

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "release"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].entity_id, std::to_string(created->id));
  EXPECT_EQ(audit[0].action, "create");
  EXPECT_EQ(audit[0].before_json, "null");
  EXPECT_NE(audit[0].after_json.find(R"("version":"2.4.0")"), std::string::npos);
  EXPECT_NE(audit[0].after_json.find(R"("items":["notes","approve","deploy","staging"])"),
            std::string::npos)
      << audit[0].after_json;
  EXPECT_EQ(audit[0].request_id, "req-1");
  auto pending = store_->outbox().Pending("releases", 10);
  ASSERT_TRUE(pending && pending->size() == 1);
  EXPECT_EQ((*pending)[0].kind, "release.created");
  EXPECT_EQ((*pending)[0].created_at, kStart);

  auto missing = releases().GetRelease(created->id + 100);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(ReleasesConformance, CreateRefusesIncompleteReleasesAndWritesNothing) {
  NewRelease no_version = NewRel("");
  NewRelease no_envs = NewRel("1.0", {});
  NewRelease no_items = NewRel("1.0");
  no_items.items.clear();
  NewRelease duplicate = NewRel("1.0");
  duplicate.items[1].id = "notes";
  NewRelease bad_phase = NewRel("1.0");
  bad_phase.items[0].phase = "celebrate";
  NewRelease viewer_item = NewRel("1.0");
  viewer_item.items[0].role = core::Role::kViewer;
  for (const NewRelease* r :
       {&no_version, &no_envs, &no_items, &duplicate, &bad_phase, &viewer_item}) {
    auto created = releases().CreateRelease(*r, actor_, "r", Announce<core::Release>("x"));
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument) << created.error().ToString();
  }
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM releases"), 0);
  EXPECT_EQ(AuditCount(), 0);
  EXPECT_EQ(OutboxCount(), 0);
}

TEST_P(ReleasesConformance, ListsNewestFirstWithFiltersAndPaging) {
  const core::Release a = Create("1.0.0", {"staging"});
  clock_.Advance(1min);
  const core::Release b = Create("1.1.0", {"staging", "production"});
  clock_.Advance(1min);
  const core::Release c = Create("1.1.0", {"production"});
  ASSERT_TRUE(releases().UpdateRelease(
      c.id,
      [](core::Release& r) -> core::Result<void> {
        r.state = ReleaseState::kAborted;
        return core::Ok();
      },
      "state", actor_, "r", nullptr));

  auto ids = [](const Page<core::Release>& page) {
    std::vector<int64_t> out;
    for (const core::Release& r : page.items) out.push_back(r.id);
    return out;
  };
  auto all = releases().ListReleases({});
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(ids(*all), (std::vector<int64_t>{c.id, b.id, a.id}));
  EXPECT_FALSE(all->next);
  EXPECT_EQ(all->items[1], b);  // items and environments come with the list

  auto prod = releases().ListReleases({.environment = "production"});
  ASSERT_TRUE(prod);
  EXPECT_EQ(ids(*prod), (std::vector<int64_t>{c.id, b.id}));
  auto v11 = releases().ListReleases({.version = "1.1.0"});
  ASSERT_TRUE(v11);
  EXPECT_EQ(ids(*v11), (std::vector<int64_t>{c.id, b.id}));
  auto planned = releases().ListReleases({.state = ReleaseState::kPlanned});
  ASSERT_TRUE(planned);
  EXPECT_EQ(ids(*planned), (std::vector<int64_t>{b.id, a.id}));
  auto none = releases().ListReleases({.environment = "development"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->items.empty());

  auto first = releases().ListReleases({.limit = 2});
  ASSERT_TRUE(first);
  EXPECT_EQ(ids(*first), (std::vector<int64_t>{c.id, b.id}));
  ASSERT_TRUE(first->next);
  auto second = releases().ListReleases({.limit = 2, .cursor = first->next});
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(ids(*second), (std::vector<int64_t>{a.id}));
  EXPECT_FALSE(second->next);
  auto clamped = releases().ListReleases({.limit = 0});
  ASSERT_TRUE(clamped);
  EXPECT_EQ(clamped->items.size(), 1u);
}

TEST_P(ReleasesConformance, UpdateWritesAndAuditsOnlyWhatChanged) {
  const core::Release created = Create("3.0.0");
  clock_.Advance(5min);
  core::Release seen;
  auto updated = releases().UpdateRelease(
      created.id,
      [&](core::Release& r) -> core::Result<void> {
        core::ChecklistItem* notes = r.Find("notes");
        notes->state = ItemState::kDone;
        notes->done_by = "user:alice";
        notes->done_at = kStart + 5min;
        notes->note = "written";
        r.state = ReleaseState::kInProgress;
        r.version = "9.9.9";           // not changeable: never written
        r.items[1].title = "renamed";  // likewise
        return core::Ok();
      },
      "tick", actor_, "req-tick",
      [&](const core::Release& stored) {
        seen = stored;
        return std::vector<OutboxEntry>{Entry("release.item_done", "release:1")};
      });
  ASSERT_TRUE(updated) << updated.error().ToString();
  EXPECT_EQ(updated->state, ReleaseState::kInProgress);
  EXPECT_EQ(updated->version, "3.0.0");
  EXPECT_EQ(updated->items[1].title, "Do approve");
  EXPECT_EQ(updated->updated_at, kStart + 5min);
  EXPECT_EQ(updated->created_at, kStart);
  const core::ChecklistItem* notes = updated->Find("notes");
  ASSERT_NE(notes, nullptr);
  EXPECT_EQ(notes->state, ItemState::kDone);
  EXPECT_EQ(notes->done_by, "user:alice");
  EXPECT_EQ(notes->done_at, kStart + 5min);
  EXPECT_EQ(notes->note, "written");
  EXPECT_EQ(seen, *updated);  // the announcement saw the stored release
  EXPECT_EQ(Get(created.id), *updated);

  auto audit = AllAudit(*store_, AuditQuery{.entity_type = "release", .action = "tick"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].request_id, "req-tick");
  EXPECT_EQ(audit[0].before_json,
            R"({"state":"planned","items":{"notes":{"state":"open","done_by":"","done_at":null,)"
            R"("note":""}}})");
  EXPECT_NE(audit[0].after_json.find(R"("state":"in-progress")"), std::string::npos);
  EXPECT_NE(audit[0].after_json.find(R"("notes":{"state":"done","done_by":"user:alice")"),
            std::string::npos)
      << audit[0].after_json;
  EXPECT_EQ(audit[0].after_json.find("approve"), std::string::npos);
  EXPECT_EQ(OutboxCount(), 1);

  // Unticking writes the item back to open; window moves are stored too.
  auto unticked = releases().UpdateRelease(
      created.id,
      [](core::Release& r) -> core::Result<void> {
        core::ChecklistItem* n = r.Find("notes");
        n->state = ItemState::kOpen;
        n->done_by.clear();
        n->done_at.reset();
        n->note = "wrong notes";
        r.window = "weekend";
        r.window_start = Slot(48);
        return core::Ok();
      },
      "untick", actor_, "req-untick", nullptr);
  ASSERT_TRUE(unticked) << unticked.error().ToString();
  const core::Release again = Get(created.id);
  EXPECT_EQ(again.Find("notes")->state, ItemState::kOpen);
  EXPECT_FALSE(again.Find("notes")->done_at);
  EXPECT_EQ(again.Find("notes")->note, "wrong notes");
  EXPECT_EQ(again.window, "weekend");
  EXPECT_EQ(again.window_start, Slot(48));
  EXPECT_EQ(OutboxCount(), 1);  // no plan, no entry
}

TEST_P(ReleasesConformance, ARefusedChangeChangesNothing) {
  const core::Release created = Create("3.1.0");
  const int64_t audits = AuditCount();
  int announced = 0;
  auto refused = releases().UpdateRelease(
      created.id,
      [](core::Release& r) -> core::Result<void> {
        r.items[0].state = ItemState::kDone;  // modified, then refused
        r.state = ReleaseState::kReleased;
        return core::Error::Conflict("dependencies open: notes");
      },
      "tick", actor_, "r", Announce<core::Release>("release.item_done", &announced));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().message, "dependencies open: notes");
  EXPECT_EQ(Get(created.id), created);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(OutboxCount(), 0);
  EXPECT_EQ(announced, 0);

  auto missing = releases().UpdateRelease(
      created.id + 100, [](core::Release&) -> core::Result<void> { return core::Ok(); }, "tick",
      actor_, "r", nullptr);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// Two instances tick the same item at once; the change checks the item is
// still open, as core::CheckTick does. Exactly one tick lands, once.
TEST_P(ReleasesConformance, ConcurrentTicksOfOneItemOneWins) {
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other) << other.error().ToString();
  for (int round = 0; round < 5; ++round) {
    const core::Release rel = Create("4.0." + std::to_string(round));
    std::barrier start(2);
    core::Result<core::Release> results[2] = {core::Release{}, core::Release{}};
    auto run = [&](Store& s, int i) {
      const core::Actor who{"user", i == 0 ? "alice" : "bob"};
      start.arrive_and_wait();
      results[i] = s.releases().UpdateRelease(
          rel.id,
          [&](core::Release& r) -> core::Result<void> {
            core::ChecklistItem* item = r.Find("notes");
            if (item->state == ItemState::kDone) {
              return core::Error::Conflict("notes is already done by " + item->done_by);
            }
            item->state = ItemState::kDone;
            item->done_by = who.ToString();
            item->done_at = kStart;
            return core::Ok();
          },
          "tick", who, "r", Announce<core::Release>("release.item_done"));
    };
    std::thread a(run, std::ref(static_cast<Store&>(*store_)), 0);
    std::thread b(run, std::ref(static_cast<Store&>(**other)), 1);
    a.join();
    b.join();
    ASSERT_NE(static_cast<bool>(results[0]), static_cast<bool>(results[1])) << "round " << round;
    const auto& won = results[0] ? results[0] : results[1];
    const auto& lost = results[0] ? results[1] : results[0];
    EXPECT_EQ(lost.error().code, ErrorCode::kConflict) << lost.error().ToString();
    EXPECT_EQ(Get(rel.id).Find("notes")->done_by, won->Find("notes")->done_by);
    EXPECT_EQ(
        AllAudit(*store_, AuditQuery{.entity_id = std::to_string(rel.id), .action = "tick"}).size(),
        1u);
    EXPECT_EQ(OutboxCount(), round + 1);
  }
  (*other)->Close();
}

TEST_P(ReleasesConformance, MalformedCursorsAreInvalidArgument) {
  Create("5.0.0");
  const std::string rollback_cursor = runs_sql::EncodeCursor("rollback", 1, 1);
  for (const std::string& cursor : {std::string("zz"), std::string("abc"), rollback_cursor,
                                    runs_sql::EncodeCursor("release", 1, 0)}) {
    auto list = releases().ListReleases({.cursor = cursor});
    ASSERT_FALSE(list) << cursor;
    EXPECT_EQ(list.error().code, ErrorCode::kInvalidArgument);
  }
  auto rollbacks = releases().ListRollbacks({.cursor = runs_sql::EncodeCursor("release", 1, 1)});
  ASSERT_FALSE(rollbacks);
  EXPECT_EQ(rollbacks.error().code, ErrorCode::kInvalidArgument);
  auto garbage = releases().ListRollbacks({.cursor = "not-a-cursor"});
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidArgument);
}

// 006 replaces the never-written release tables and touches nothing else.
TEST_P(StoreConformance, ReleasesMigrationAppliesToAPopulatedVersion5Database) {
  const auto all = EmbeddedMigrations();
  ASSERT_GE(all.size(), 6u);
  ASSERT_EQ(all[5].name, "releases");
  auto v5 = ApplyMigrations(store_->database(), all.first(5), clock_);
  ASSERT_TRUE(v5) << v5.error().ToString();
  ASSERT_TRUE(store_->environments().Sync(Envs({{"production", true}}), actor_, ""));
  ASSERT_TRUE(store_->outbox().Enqueue({Entry("run.failed", "run:1")}, kStart));
  auto applied = store_->Migrate();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, KnownSchemaVersion() - 5);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM environments"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM outbox"), 1);
  for (const char* table :
       {"releases", "release_environments", "checklist_items", "checklist_item_dependencies",
        "window_bookings", "freeze_overrides", "rollbacks"}) {
    EXPECT_EQ(Count(*store_, std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  auto created = store_->releases().CreateRelease(NewRel("1.0"), actor_, "", nullptr);
  ASSERT_TRUE(created) << created.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, ReleasesConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
