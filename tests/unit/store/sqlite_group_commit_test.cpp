// SQLite-specific: the single writer's group commit. Jobs queued while the
// writer is busy go into one transaction with one COMMIT, and a failed job
// rolls back only its own savepoint.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends.h"
#include "store/sql_store.h"
#include "store/sqlite/sqlite_database.h"
#include "store/sqlite/sqlite_writer.h"

namespace opsdeck::store {
namespace {

using namespace std::chrono_literals;

class SqliteGroupCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.path = dir_.path() + "/gc.db";
    auto db = SqliteDatabase::Open(options);
    ASSERT_TRUE(db) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(
        db_->Write([](Tx& tx) { return tx.ExecScript("CREATE TABLE t (k TEXT PRIMARY KEY)"); }));
  }

  core::Result<void> Insert(const std::string& key) {
    return db_->Write([key](Tx& tx) -> core::Result<void> {
      auto r = tx.Exec("INSERT INTO t (k) VALUES (?)", {key});
      if (!r) return r.error();
      return core::Ok();
    });
  }

  std::vector<std::string> Keys() {
    auto rows =
        ReadValue<Rows>(*db_, [](Tx& tx) { return tx.Query("SELECT k FROM t ORDER BY k"); });
    EXPECT_TRUE(rows);
    std::vector<std::string> out;
    if (rows) {
      for (const auto& r : *rows) out.push_back(TextOr(r[0]));
    }
    return out;
  }

  // Blocks the writer thread inside a job until the returned promise is set.
  std::future<core::Result<void>> BlockWriter(std::promise<void>& release) {
    std::promise<void> entered;
    auto entered_f = entered.get_future();
    auto f = std::async(std::launch::async, [&, entered = std::move(entered)]() mutable {
      return db_->Write([&](Tx&) -> core::Result<void> {
        entered.set_value();
        release.get_future().wait();
        return core::Ok();
      });
    });
    entered_f.wait();
    return f;
  }

  void WaitQueued(size_t n) {
    for (int i = 0; i < 2000 && db_->QueuedWrites() < n; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(db_->QueuedWrites(), n);
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(SqliteGroupCommit, FailedJobInABatchRollsBackOnlyItself) {
  std::promise<void> release;
  auto blocker = BlockWriter(release);
  const StoreStats before = db_->Stats();

  auto ok1 = std::async(std::launch::async, [&] { return Insert("b-ok"); });
  WaitQueued(1);
  auto returns_error = std::async(std::launch::async, [&] {
    return db_->Write([](Tx& tx) -> core::Result<void> {
      auto r = tx.Exec("INSERT INTO t (k) VALUES (?)", {std::string("c-undone")});
      if (!r) return r.error();
      return core::Error::InvalidArgument("job c fails after writing");
    });
  });
  WaitQueued(2);
  auto conflict = std::async(std::launch::async, [&] { return Insert("b-ok"); });  // duplicate key
  WaitQueued(3);
  auto ok2 = std::async(std::launch::async, [&] { return Insert("e-ok"); });
  WaitQueued(4);
  release.set_value();

  EXPECT_TRUE(blocker.get());
  EXPECT_TRUE(ok1.get());
  auto c = returns_error.get();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.error().message, "job c fails after writing");
  auto d = conflict.get();
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, core::ErrorCode::kConflict);
  EXPECT_TRUE(ok2.get());

  EXPECT_EQ(Keys(), (std::vector<std::string>{"b-ok", "e-ok"}));
  const StoreStats after = db_->Stats();
  EXPECT_EQ(after.write_jobs - before.write_jobs, 5);
  EXPECT_EQ(after.write_failures - before.write_failures, 2);
  EXPECT_EQ(after.commits - before.commits, 2);  // the blocker's batch, then one for the other four
  // The four first ran without savepoints; a failure sent them round again
  // one savepoint each (so "c-undone" is not there and "e-ok" is).
  EXPECT_EQ(after.batch_reruns - before.batch_reruns, 1);
  EXPECT_GE(after.max_batch, 4);
}

// A batch where every job succeeds runs without savepoints: one
// transaction, one commit, nothing run twice.
TEST_F(SqliteGroupCommit, ABatchThatSucceedsRunsEachJobOnce) {
  std::promise<void> release;
  auto blocker = BlockWriter(release);
  const StoreStats before = db_->Stats();
  std::atomic<int> runs{0};
  std::vector<std::future<core::Result<void>>> writes;
  for (int i = 0; i < 5; ++i) {
    writes.push_back(std::async(std::launch::async, [&, i] {
      return db_->Write([&, i](Tx& tx) -> core::Result<void> {
        runs.fetch_add(1);
        auto r = tx.Exec("INSERT INTO t (k) VALUES (?)", {"s" + std::to_string(i)});
        if (!r) return r.error();
        return core::Ok();
      });
    }));
    WaitQueued(static_cast<size_t>(i + 1));
  }
  release.set_value();
  EXPECT_TRUE(blocker.get());
  for (auto& w : writes) EXPECT_TRUE(w.get());
  const StoreStats after = db_->Stats();
  EXPECT_EQ(runs.load(), 5);
  EXPECT_EQ(after.commits - before.commits, 2);  // the blocker's, then the five
  EXPECT_EQ(after.batch_reruns - before.batch_reruns, 0);
  EXPECT_EQ(Keys().size(), 5u);
}

TEST_F(SqliteGroupCommit, AThrowingJobFailsAloneAndTheWriterSurvives) {
  std::promise<void> release;
  auto blocker = BlockWriter(release);
  auto thrower = std::async(std::launch::async, [&] {
    return db_->Write([](Tx& tx) -> core::Result<void> {
      (void)tx.Exec("INSERT INTO t (k) VALUES ('thrown')");
      throw std::runtime_error("boom");
    });
  });
  WaitQueued(1);
  auto ok = std::async(std::launch::async, [&] { return Insert("kept"); });
  WaitQueued(2);
  release.set_value();
  EXPECT_TRUE(blocker.get());
  auto t = thrower.get();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, core::ErrorCode::kInternal);
  EXPECT_TRUE(ok.get());
  EXPECT_EQ(Keys(), (std::vector<std::string>{"kept"}));
  EXPECT_TRUE(Insert("after"));
}

TEST_F(SqliteGroupCommit, ConcurrentSmallWritesShareCommits) {
  constexpr int kThreads = 32;
  constexpr int kPerThread = 25;
  const StoreStats before = db_->Stats();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = Insert(std::to_string(t) + "-" + std::to_string(i));
        if (!r) ADD_FAILURE() << r.error().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  const StoreStats after = db_->Stats();
  const int64_t jobs = after.write_jobs - before.write_jobs;
  const int64_t commits = after.commits - before.commits;
  EXPECT_EQ(jobs, kThreads * kPerThread);
  EXPECT_EQ(Keys().size(), static_cast<size_t>(kThreads * kPerThread));
  // With 32 writers waiting on each other's fsync, batches must form.
  EXPECT_LT(commits, jobs / 2);
  std::printf(
      "group commit: %lld writes from %d threads -> %lld commits (largest batch %lld) in %lld ms\n",
      static_cast<long long>(jobs), kThreads, static_cast<long long>(commits),
      static_cast<long long>(after.max_batch), static_cast<long long>(ms.count()));
  RecordProperty("writes", static_cast<int>(jobs));
  RecordProperty("commits", static_cast<int>(commits));
}

// WriteAsync: many writes in flight from ONE thread (no thread per waiter)
// share commits, each callback comes after its commit with its own result,
// and a failing write fails alone.
TEST_F(SqliteGroupCommit, AsyncWritesShareCommitsWithoutAThreadEach) {
  constexpr int kWrites = 400;
  std::promise<void> release;
  auto blocker = BlockWriter(release);  // let the queue fill up
  const StoreStats before = db_->Stats();
  std::mutex mu;
  std::vector<std::pair<int, bool>> done;
  std::promise<void> all;
  auto insert = [&](int i, const std::string& key) {
    db_->WriteAsync(
        [key](Tx& tx) -> core::Result<void> {
          auto r = tx.Exec("INSERT INTO t (k) VALUES (?)", {key});
          if (!r) return r.error();
          return core::Ok();
        },
        [&, i](core::Result<void> r) {
          std::lock_guard lock(mu);
          done.emplace_back(i, r.has_value());
          if (done.size() == kWrites + 1) all.set_value();
        });
  };
  for (int i = 0; i < kWrites; ++i) insert(i, "a" + std::to_string(i));
  insert(kWrites, "a7");  // a duplicate key: fails alone
  WaitQueued(kWrites + 1);
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(done.empty()) << "no callback before the commit";
  }
  release.set_value();
  ASSERT_TRUE(blocker.get());
  ASSERT_EQ(all.get_future().wait_for(10s), std::future_status::ready);
  int ok = 0;
  for (const auto& [i, success] : done) {
    EXPECT_EQ(success, i != kWrites) << i;
    ok += success ? 1 : 0;
  }
  EXPECT_EQ(ok, kWrites);
  EXPECT_EQ(Keys().size(), static_cast<size_t>(kWrites));
  const StoreStats after = db_->Stats();
  EXPECT_LE(after.commits - before.commits, 10) << "401 queued writes should need few commits";
  EXPECT_EQ(after.batch_reruns - before.batch_reruns, 1) << "only the batch with the duplicate";

  db_->Close();
  std::promise<core::Result<void>> refused;
  db_->WriteAsync([](Tx&) { return core::Ok(); },
                  [&](core::Result<void> r) { refused.set_value(std::move(r)); });
  auto late = refused.get_future().get();
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::ErrorCode::kUnavailable);
}

TEST_F(SqliteGroupCommit, CloseFinishesQueuedWritesThenRefuses) {
  std::promise<void> release;
  auto blocker = BlockWriter(release);
  auto queued = std::async(std::launch::async, [&] { return Insert("queued"); });
  WaitQueued(1);
  auto closer = std::async(std::launch::async, [&] { db_->Close(); });
  std::this_thread::sleep_for(20ms);
  release.set_value();
  closer.get();
  EXPECT_TRUE(blocker.get());
  EXPECT_TRUE(queued.get());
  auto late = Insert("late");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::ErrorCode::kUnavailable);

  SqliteOptions options;
  options.path = dir_.path() + "/gc.db";
  auto reopened = SqliteDatabase::Open(options);
  ASSERT_TRUE(reopened);
  db_ = std::move(*reopened);
  EXPECT_EQ(Keys(), (std::vector<std::string>{"queued"}));
}

// synchronous FULL (the default): each write completes only after a WAL
// fdatasync that began after its commit, done off the writer's thread; one
// sync can cover several commits, never the other way round.
TEST_F(SqliteGroupCommit, DurableWritesCompleteAfterAWalSync) {
  const StoreStats before = db_->Stats();
  ASSERT_TRUE(Insert("one"));
  StoreStats after = db_->Stats();
  EXPECT_EQ(after.commits - before.commits, 1);
  EXPECT_EQ(after.wal_syncs - before.wal_syncs, 1) << "the write returned before its sync";

  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(Insert("k" + std::to_string(t) + "-" + std::to_string(i)));
    });
  }
  for (auto& th : threads) th.join();
  after = db_->Stats();
  EXPECT_GE(after.wal_syncs - before.wal_syncs, 2);
  EXPECT_LE(after.wal_syncs, after.commits);
  EXPECT_EQ(Keys().size(), 161u);

  // synchronous NORMAL: no syncs of the writer's own.
  SqliteOptions normal;
  normal.path = dir_.path() + "/normal.db";
  normal.synchronous = SqliteSync::kNormal;
  auto db = SqliteDatabase::Open(normal);
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->Write([](Tx& tx) { return tx.ExecScript("CREATE TABLE t (k TEXT)"); }));
  EXPECT_EQ((*db)->Stats().wal_syncs, 0);
}

// A WAL that cannot be synced: the commit happened, but nobody is told it
// is durable. The job gets kUnavailable naming the WAL (a webhook sender
// retries and then meets a duplicate), and the writer goes on.
TEST(SqliteWriterSync, ASyncFailureFailsTheJobsItCovered) {
  testing::TempDir dir;
  SqliteOptions options;
  options.path = dir.path() + "/w.db";
  auto conn = SqliteConnection::Open(options, SqliteConnection::Role::kWriter);
  ASSERT_TRUE(conn);
  SqliteWriter writer(std::move(*conn), 16, dir.path() + "/no-such-dir/w.db-wal");
  auto r = writer.Submit([](Tx& tx) { return tx.ExecScript("CREATE TABLE t (k TEXT)"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("WAL"), std::string::npos) << r.error().message;
  auto again = writer.Submit([](Tx& tx) -> core::Result<void> {
    auto n = tx.Exec("INSERT INTO t (k) VALUES ('x')");  // the table was committed
    if (!n) return n.error();
    return core::Ok();
  });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(writer.Stats().commits, 2);
  EXPECT_EQ(writer.Stats().write_failures, 2);
  writer.Stop();
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(1ms);
  return done();
}

// A writer whose first WAL sync is held until Release(): Begin() submits
// `create` and returns once that commit's sync has started.
class HeldSyncWriter : public ::testing::Test {
 protected:
  void Begin(const std::string& create) {
    options_.path = dir_.path() + "/w.db";
    auto conn = SqliteConnection::Open(options_, SqliteConnection::Role::kWriter);
    ASSERT_TRUE(conn);
    writer_ = std::make_unique<SqliteWriter>(std::move(*conn), 16, options_.path + "-wal", [this] {
      if (syncs_started_.fetch_add(1) == 0) released_.wait();
    });
    writer_->SubmitAsync([create](Tx& tx) { return tx.ExecScript(create); },
                         [this](core::Result<void> r) { first_.set_value(std::move(r)); });
    ASSERT_TRUE(WaitFor([&] { return syncs_started_.load() == 1; }));
  }
  // Lets the first sync finish; true when the first job then succeeded.
  bool Release() {
    release_.set_value();
    released_set_ = true;
    return static_cast<bool>(first_.get_future().get());
  }
  void TearDown() override {
    if (!released_set_) release_.set_value();  // a failed test must not leave the syncer held
    if (writer_) writer_->Stop();
  }

  testing::TempDir dir_;
  SqliteOptions options_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  bool released_set_ = false;
  std::atomic<int> syncs_started_{0};
  std::promise<core::Result<void>> first_;
  std::unique_ptr<SqliteWriter> writer_;
};

// While a sync is in flight, a commit would wait for the next one anyway:
// the writer runs the jobs that arrive in one open transaction and commits
// them together once the syncer is idle again. Nothing of them is
// committed (or acknowledged) before that.
TEST_F(HeldSyncWriter, JobsArrivingDuringASyncShareOneCommit) {
  Begin("CREATE TABLE t (k TEXT)");
  std::atomic<int> ran{0};
  std::vector<std::promise<core::Result<void>>> done(3);
  std::atomic<int> completed{0};
  for (int i = 0; i < 3; ++i) {
    writer_->SubmitAsync(
        [&ran, i](Tx& tx) -> core::Result<void> {
          auto n = tx.Exec("INSERT INTO t (k) VALUES (?)", {std::string("k") + std::to_string(i)});
          if (!n) return n.error();
          ran.fetch_add(1);
          return core::Ok();
        },
        [&, i](core::Result<void> r) {
          completed.fetch_add(1);
          done[i].set_value(std::move(r));
        });
  }
  ASSERT_TRUE(WaitFor([&] { return ran.load() == 3; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(writer_->Stats().commits, 1) << "committed while the first sync was in flight";
  EXPECT_EQ(completed.load(), 0);

  EXPECT_TRUE(Release());
  for (auto& d : done) EXPECT_TRUE(d.get_future().get());
  const StoreStats stats = writer_->Stats();
  EXPECT_EQ(stats.commits, 2);
  EXPECT_EQ(stats.max_batch, 3);
  EXPECT_EQ(stats.wal_syncs, 2);
  EXPECT_EQ(stats.batch_reruns, 0);
  EXPECT_EQ(ran.load(), 3);
  auto count = writer_->Submit([](Tx& tx) -> core::Result<void> {
    auto rows = tx.Query("SELECT COUNT(*) FROM t");
    if (!rows) return rows.error();
    if (std::get<int64_t>(rows->front()[0]) != 3) return core::Error::Internal("rows missing");
    return core::Ok();
  });
  EXPECT_TRUE(count) << count.error().message;
}

// A job that fails in the open transaction rolls it back; the jobs run in it
// run again, each in its own savepoint, and only the failing one fails.
TEST_F(HeldSyncWriter, AFailedJobInTheOpenTransactionFailsAlone) {
  Begin("CREATE TABLE t (k TEXT PRIMARY KEY)");
  std::atomic<int> runs{0};
  std::vector<std::promise<core::Result<void>>> done(3);
  for (const int i : {0, 1, 2}) {
    const std::string key = i == 2 ? "k0" : "k" + std::to_string(i);  // the third duplicates
    writer_->SubmitAsync(
        [&runs, key](Tx& tx) -> core::Result<void> {
          runs.fetch_add(1);
          auto n = tx.Exec("INSERT INTO t (k) VALUES (?)", {key});
          if (!n) return n.error();
          return core::Ok();
        },
        [&, i](core::Result<void> r) { done[i].set_value(std::move(r)); });
  }
  ASSERT_TRUE(WaitFor([&] { return runs.load() >= 3; }));
  EXPECT_TRUE(Release());
  EXPECT_TRUE(done[0].get_future().get());
  EXPECT_TRUE(done[1].get_future().get());
  EXPECT_FALSE(done[2].get_future().get());
  const StoreStats stats = writer_->Stats();
  EXPECT_EQ(stats.batch_reruns, 1);
  EXPECT_EQ(runs.load(), 6) << "three in the open transaction, three again in savepoints";
  EXPECT_EQ(stats.write_failures, 1);
}

TEST(SqliteOpen, RejectsBadPathsAndCreatesDirectories) {
  testing::TempDir dir;
  core::ManualClock clock(core::FromUnixMillis(0));
  auto mem = OpenSqlite(SqliteOptions{.path = ":memory:"}, clock);
  ASSERT_FALSE(mem);
  EXPECT_EQ(mem.error().code, core::ErrorCode::kInvalidArgument);

  auto nested = OpenSqlite(SqliteOptions{.path = dir.path() + "/a/b/opsdeck.db"}, clock);
  ASSERT_TRUE(nested) << nested.error().ToString();
  EXPECT_EQ((*nested)->Backend(), "sqlite");
  EXPECT_TRUE((*nested)->Ping());
  EXPECT_TRUE((*nested)->Migrate());

  // Not a database: opening fails kUnavailable, naming the file.
  const std::string junk = dir.path() + "/junk.db";
  FILE* f = std::fopen(junk.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("this is not an sqlite database, just some text padding it out to a page...........",
             f);
  std::fclose(f);
  auto bad = OpenSqlite(SqliteOptions{.path = junk}, clock);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(bad.error().where, junk);
}

}  // namespace
}  // namespace opsdeck::store
