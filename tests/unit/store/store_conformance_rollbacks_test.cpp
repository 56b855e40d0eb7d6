// The store conformance suite, releases part 3: rollbacks (one in flight per
// environment, also across two instances racing; UpdateRollback finishing
// one and moving its release in the same transaction; the lists), audited
// and announced in the change's transaction. Runs on SQLite and PostgreSQL.
#include <barrier>
#include <thread>

#include "releases_fixture.h"

namespace opsdeck::store::conformance {
namespace {

using core::ReleaseState;

TEST_P(ReleasesConformance, OneRollbackInFlightPerEnvironment) {
  const core::Release rel = Create("2.0.0");
  auto prod = releases().CreateRollback(RollbackOf("production", rel.id), actor_, "req-rb",
                                        Announce<Rollback>("rollback.started"));
  ASSERT_TRUE(prod) << prod.error().ToString();
  EXPECT_EQ(prod->status, RollbackStatus::kStarted);
  EXPECT_EQ(prod->started_by, "user:alice");
  EXPECT_EQ(prod->started_at, kStart);
  EXPECT_EQ(prod->release_id, rel.id);
  auto busy =
      releases().CreateRollback(RollbackOf("production"), actor_, "r", Announce<Rollback>("x"));
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kConflict);
  EXPECT_EQ(OutboxCount(), 1);
  clock_.Advance(1s);
  Rollback by_version = RollbackOf("staging");
  by_version.deployment_id = 0;
  by_version.action = "command";
  auto staging = releases().CreateRollback(by_version, actor_, "r", nullptr);
  ASSERT_TRUE(staging) << staging.error().ToString();
  auto got = releases().GetRollback(staging->id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(Fields(**got), Fields(*staging));
  EXPECT_EQ((*got)->deployment_id, 0);
  EXPECT_FALSE((*got)->release_id);

  auto open = releases().OpenRollbacks();
  ASSERT_TRUE(open) << open.error().ToString();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id, prod->id);  // oldest first
  EXPECT_EQ((*open)[1].id, staging->id);

  Rollback unknown_release = RollbackOf("development", rel.id + 100);
  auto unknown = releases().CreateRollback(unknown_release, actor_, "r", nullptr);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  Rollback bad_action = RollbackOf("development");
  bad_action.action = "shell";
  auto bad = releases().CreateRollback(bad_action, actor_, "r", nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ReleasesConformance, UpdateRollbackFinishesItAndMovesTheRelease) {
  const core::Release rel = Create("2.0.0");
  auto started = releases().CreateRollback(RollbackOf("production", rel.id), actor_, "r", nullptr);
  ASSERT_TRUE(started);
  const int64_t audits = AuditCount();
  auto refused = releases().UpdateRollback(
      started->id,
      [](Rollback& r) -> core::Result<void> {
        r.status = RollbackStatus::kSucceeded;
        return core::Error::Conflict("not yet");
      },
      "finish", actor_, "r", Announce<Rollback>("x"), ReleaseState::kRolledBack);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(AuditCount(), audits);
  EXPECT_EQ(Get(rel.id).state, ReleaseState::kPlanned);

  const core::Actor system = core::Actor::System("release");
  auto running = releases().UpdateRollback(
      started->id,
      [](Rollback& r) -> core::Result<void> {
        r.status = RollbackStatus::kRunning;
        r.action_result = "HTTP 204";
        r.environment = "elsewhere";  // not changeable: never written
        return core::Ok();
      },
      "action", system, "r", nullptr);
  ASSERT_TRUE(running) << running.error().ToString();
  EXPECT_EQ(running->status, RollbackStatus::kRunning);
  EXPECT_EQ(running->action_result, "HTTP 204");
  EXPECT_EQ(running->environment, "production");
  EXPECT_EQ(Get(rel.id).state, ReleaseState::kPlanned);

  clock_.Advance(3min);
  Rollback seen;
  auto done = releases().UpdateRollback(
      started->id,
      [&](Rollback& r) -> core::Result<void> {
        r.status = RollbackStatus::kSucceeded;
        r.run_id = 99;
        r.finished_at = clock_.Now();
        return core::Ok();
      },
      "finish", system, "req-finish",
      [&](const Rollback& r) {
        seen = r;
        return std::vector<OutboxEntry>{Entry("rollback.succeeded", "rollback:1")};
      },
      ReleaseState::kRolledBack);
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->run_id, 99);
  EXPECT_EQ(done->finished_at, kStart + 3min);
  EXPECT_EQ(Fields(seen), Fields(*done));
  const core::Release moved = Get(rel.id);
  EXPECT_EQ(moved.state, ReleaseState::kRolledBack);
  EXPECT_EQ(moved.updated_at, kStart + 3min);
  EXPECT_EQ(OutboxCount(), 1);
  auto release_audit = AllAudit(*store_, AuditQuery{.entity_type = "release", .action = "state"});
  ASSERT_EQ(release_audit.size(), 1u);
  EXPECT_EQ(release_audit[0].before_json, R"({"state":"planned"})");
  EXPECT_EQ(release_audit[0].after_json, R"({"state":"rolled-back"})");
  EXPECT_EQ(release_audit[0].request_id, "req-finish");
  auto rollback_audit = AllAudit(*store_, AuditQuery{.entity_type = "rollback"});
  ASSERT_EQ(rollback_audit.size(), 3u);
  EXPECT_EQ(rollback_audit[0].action, "finish");
  EXPECT_EQ(rollback_audit[0].before_json,
            R"({"status":"running","finished_at":null,"run_id":null})");
  EXPECT_EQ(rollback_audit[2].action, "start");

  // The environment is free again; a release already there is not moved twice.
  auto next = releases().CreateRollback(RollbackOf("production", rel.id), actor_, "r", nullptr);
  ASSERT_TRUE(next) << next.error().ToString();
  auto failed = releases().UpdateRollback(
      next->id,
      [](Rollback& r) -> core::Result<void> {
        r.status = RollbackStatus::kFailed;
        r.error = "HTTP 500";
        return core::Ok();
      },
      "fail", system, "r", nullptr, ReleaseState::kRolledBack);
  ASSERT_TRUE(failed) << failed.error().ToString();
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "release", .action = "state"}).size(), 1u);
  auto open = releases().OpenRollbacks();
  ASSERT_TRUE(open);
  EXPECT_TRUE(open->empty());
  auto missing = releases().UpdateRollback(
      next->id + 100, [](Rollback&) -> core::Result<void> { return core::Ok(); }, "x", system, "r",
      nullptr);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(ReleasesConformance, TwoInstancesStartingRollbacksAtOnceOneWins) {
  auto other = backend_->Open(clock_);
  ASSERT_TRUE(other) << other.error().ToString();
  for (int round = 0; round < 5; ++round) {
    const std::string env = "env-" + std::to_string(round);
    std::barrier start(2);
    core::Result<Rollback> results[2] = {Rollback{}, Rollback{}};
    auto run = [&](Store& s, int i) {
      start.arrive_and_wait();
      results[i] = s.releases().CreateRollback(RollbackOf(env), actor_, "r",
                                               Announce<Rollback>("rollback.started"));
    };
    std::thread a(run, std::ref(static_cast<Store&>(*store_)), 0);
    std::thread b(run, std::ref(static_cast<Store&>(**other)), 1);
    a.join();
    b.join();
    ASSERT_NE(static_cast<bool>(results[0]), static_cast<bool>(results[1])) << "round " << round;
    const auto& lost = results[0] ? results[1] : results[0];
    EXPECT_EQ(lost.error().code, ErrorCode::kConflict) << lost.error().ToString();
    EXPECT_EQ(OutboxCount(), round + 1);
  }
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM rollbacks"), 5);
  (*other)->Close();
}

TEST_P(ReleasesConformance, ListRollbacksNewestFirstWithFiltersAndPaging) {
  std::vector<int64_t> ids;
  for (const char* env : {"staging", "production", "staging"}) {
    auto r = releases().CreateRollback(RollbackOf(env), actor_, "r", nullptr);
    ASSERT_TRUE(r) << r.error().ToString();
    ids.push_back(r->id);
    auto finished = releases().UpdateRollback(
        r->id,
        [](Rollback& rb) -> core::Result<void> {
          rb.status = RollbackStatus::kSucceeded;
          return core::Ok();
        },
        "finish", actor_, "r", nullptr);
    ASSERT_TRUE(finished) << finished.error().ToString();
    clock_.Advance(1s);
  }
  ASSERT_TRUE(releases().CreateRollback(RollbackOf("staging"), actor_, "r", nullptr));
  auto page_ids = [](const Page<Rollback>& page) {
    std::vector<int64_t> out;
    for (const Rollback& r : page.items) out.push_back(r.id);
    return out;
  };
  auto staging_done =
      releases().ListRollbacks({.environment = "staging", .status = RollbackStatus::kSucceeded});
  ASSERT_TRUE(staging_done) << staging_done.error().ToString();
  EXPECT_EQ(page_ids(*staging_done), (std::vector<int64_t>{ids[2], ids[0]}));
  auto first = releases().ListRollbacks({.limit = 3});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_EQ(first->items[0].status, RollbackStatus::kStarted);
  EXPECT_EQ(page_ids(*first)[1], ids[2]);
  ASSERT_TRUE(first->next);
  auto second = releases().ListRollbacks({.limit = 3, .cursor = first->next});
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(page_ids(*second), std::vector<int64_t>{ids[0]});
  EXPECT_FALSE(second->next);
}

}  // namespace
}  // namespace opsdeck::store::conformance
