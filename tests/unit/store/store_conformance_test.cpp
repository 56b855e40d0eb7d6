// The store conformance suite, part 1: schema, migrations, ping, the write
// path and concurrency (several threads, several instances). Runs on SQLite
// and PostgreSQL; part 2 is store_conformance_audit_test.cpp.
#include <atomic>
#include <barrier>
#include <thread>

#include "conformance_fixture.h"

namespace opsdeck::store::conformance {
namespace {

TEST_P(StoreConformance, BackendNameMatches) { EXPECT_EQ(store_->Backend(), GetParam()); }

TEST_P(StoreConformance, MigrateFromEmptyCreatesTheSchema) {
  auto before = store_->SchemaVersion();
  ASSERT_TRUE(before) << before.error().ToString();
  EXPECT_EQ(*before, 0);

  auto applied = store_->Migrate();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, KnownSchemaVersion());
  auto after = store_->SchemaVersion();
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, KnownSchemaVersion());
  EXPECT_GE(KnownSchemaVersion(), 1);

  for (const char* table :
       {"environments", "pipelines", "runs", "stages", "deployments", "unmatched_events",
        "webhook_deliveries", "targets", "check_results", "check_result_blocks", "incidents",
        "incident_notes",
        "outbox", "outbox_messages", "outbox_leases", "releases", "checklist_items", "windows",
        "window_bookings", "rollbacks", "audit_events", "users", "api_tokens", "sessions",
        "login_failures", "target_checks", "target_tags", "target_dependencies",
        "target_state", "rollups_minute", "rollups_hour", "heartbeat_tokens",
        "maintenance_windows", "maintenance_selectors"}) {
    EXPECT_EQ(Count(*store_, std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM schema_migrations"), KnownSchemaVersion());
  EXPECT_EQ(Count(*store_, "SELECT MIN(applied_at) FROM schema_migrations"), core::ToUnixMillis(kStart));
}

TEST_P(StoreConformance, MigrateTwiceIsANoOp) {
  Migrate();
  auto again = store_->Migrate();
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM schema_migrations"), KnownSchemaVersion());
  EXPECT_EQ(store_->SchemaVersion().value_or(-1), KnownSchemaVersion());
}

TEST_P(StoreConformance, PingSucceedsAndFailsAfterClose) {
  ASSERT_TRUE(store_->Ping()) << store_->Ping().error().ToString();
  store_->Close();
  auto ping = store_->Ping();
  ASSERT_FALSE(ping);
  EXPECT_EQ(ping.error().code, ErrorCode::kUnavailable);
  auto list = store_->environments().List();
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().code, ErrorCode::kUnavailable);
  store_->Close();  // idempotent
}

TEST_P(StoreConformance, FailedWriteRollsBackAndConflictsAreReported) {
  Migrate();
  auto failed = store_->database().Write([](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("INSERT INTO users (name, role, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     {std::string("bob"), std::string("admin"), int64_t{1}, int64_t{1}});
    if (!r) return r.error();
    return core::Error::InvalidArgument("changed my mind");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM users"), 0);

  auto insert = [](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("INSERT INTO users (name, role, created_at, updated_at) VALUES (?, ?, ?, ?)",
                     {std::string("carol"), std::string("viewer"), int64_t{1}, int64_t{1}});
    if (!r) return r.error();
    return core::Ok();
  };
  ASSERT_TRUE(store_->database().Write(insert));
  auto dup = store_->database().Write(insert);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict) << dup.error().ToString();
  auto fk = store_->database().Write([](Tx& tx) -> core::Result<void> {
    auto r = tx.Exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                     {std::string("h"), int64_t{999}, int64_t{1}, int64_t{2}});
    if (!r) return r.error();
    return core::Ok();
  });
  ASSERT_FALSE(fk);
  EXPECT_EQ(fk.error().code, ErrorCode::kConflict) << fk.error().ToString();
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM users"), 1);
}

TEST_P(StoreConformance, ValuesRoundTrip) {
  Migrate();
  auto rows = WriteValue<Rows>(store_->database(), [](Tx& tx) -> core::Result<Rows> {
    auto c = tx.ExecScript("CREATE TABLE t_values (i BIGINT, d DOUBLE PRECISION, s TEXT, n TEXT)");
    if (!c) return c.error();
    auto r = tx.Exec("INSERT INTO t_values (i, d, s, n) VALUES (?, ?, ?, ?)",
                     {int64_t{9'007'199'254'740'993}, 2.5, std::string("it's ? a \"test\" ü"), Value()});
    if (!r) return r.error();
    if (*r != 1) return core::Error::Internal("expected one row changed");
    return tx.Query("SELECT i, d, s, n, '?' FROM t_values WHERE s <> '?' AND i = ?",
                    {int64_t{9'007'199'254'740'993}});
  });
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 1u);
  const Row& r = rows->at(0);
  EXPECT_EQ(std::get<int64_t>(r[0]), 9'007'199'254'740'993);
  EXPECT_DOUBLE_EQ(std::get<double>(r[1]), 2.5);
  EXPECT_EQ(std::get<std::string>(r[2]), "it's ? a \"test\" ü");
  EXPECT_TRUE(IsNull(r[3]));
  EXPECT_EQ(TextOr(r[4]), "?");
}

TEST_P(StoreConformance, ConcurrentWritersAllSucceedAndAreVisible) {
  Migrate();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = AuditedWrite<int>(store_->database(), clock_, actor_, "",
                                   [&](Mutation& m) -> core::Result<int> {
                                     auto a = m.Record("test", std::to_string(t) + "/" + std::to_string(i),
                                                       "create", kJsonNull, "{}");
                                     if (!a) return a.error();
                                     return 1;
                                   });
        if (!r) {
          ADD_FAILURE() << r.error().ToString();
          failures++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM audit_events"), kThreads * kPerThread);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(DISTINCT entity_id) FROM audit_events"), kThreads * kPerThread);
  const StoreStats stats = store_->Stats();
  EXPECT_GE(stats.write_jobs, kThreads * kPerThread);
  EXPECT_GE(stats.commits, 1);
  EXPECT_LE(stats.commits, stats.write_jobs);
}

TEST_P(StoreConformance, TwoInstancesMigrateAndSyncConcurrently) {
  auto second = backend_->Open(clock_);
  ASSERT_TRUE(second) << second.error().ToString();
  std::unique_ptr<SqlStore> other = std::move(*second);
  const auto wanted = Envs({{"development", false}, {"staging", false}, {"production", true}});

  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    std::barrier start(2);
    std::vector<std::string> errors(2);
    auto run = [&](Store& s, int who) {
      start.arrive_and_wait();
      auto m = s.Migrate();
      if (!m) errors[who] = "migrate: " + m.error().ToString();
      auto r = s.environments().Sync(wanted, core::Actor::System("config"), "");
      if (!r) errors[who] += " sync: " + r.error().ToString();
    };
    std::thread a(run, std::ref(static_cast<Store&>(*store_)), 0);
    std::thread b(run, std::ref(static_cast<Store&>(*other)), 1);
    a.join();
    b.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
  }
  EXPECT_EQ(store_->SchemaVersion().value_or(-1), KnownSchemaVersion());
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM schema_migrations"), KnownSchemaVersion());
  auto list = other->environments().List();
  ASSERT_TRUE(list);
  EXPECT_EQ(Names(*list), Names(wanted));
  // One "create" per environment: the two syncs serialised, the later one saw no change.
  EXPECT_EQ(AllAudit(*store_).size(), 3u);
  other->Close();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
