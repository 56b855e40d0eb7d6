// SqliteWriter: the single writer thread with group commit. Write() enqueues
// a job and blocks; the thread drains every queued job (up to max_batch),
// opens one BEGIN IMMEDIATE transaction, runs each job inside its own
// SAVEPOINT (a failed job rolls back only itself and gets its own error),
// COMMITs once and then completes each job. Under load this turns N
// concurrent small writes into far fewer commits.
// A batch first runs without savepoints; only when one of its jobs fails is
// it rolled back and run again, each job in its own savepoint.
// Durable commits (`wal_path` set; the connection runs synchronous=NORMAL):
// the writer does not wait for the disk. A second thread, the syncer,
// fdatasyncs the WAL file and only then completes the jobs of every commit
// that was written before that sync began; meanwhile the writer runs the
// next batch. One fsync covers every commit since the previous one, and the
// writer's CPU and the disk's flush overlap (docs/decisions.md, "Pipelined
// WAL sync"). While a sync is in flight the writer keeps its transaction
// open and runs the jobs that arrive in it, committing once the syncer is
// idle: one commit per sync. Without `wal_path` jobs complete right after
// COMMIT.
// Thread-safety: Submit/Stop/Stats/Queued are safe from any thread; jobs run
// on the writer thread only; completions run on the writer thread or, with
// `wal_path`, on the syncer thread. A completion must not block on another
// write (it would wait for its own thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/sqlite/sqlite_connection.h"

namespace opsdeck::store {

class SqliteWriter {
 public:
  // `wal_path`: the database's "-wal" file, synced by the syncer thread
  // before jobs complete; empty: no syncs of its own (the connection's
  // PRAGMA synchronous decides).
  // `before_sync` (tests) runs on the syncer thread before each WAL sync.
  SqliteWriter(std::unique_ptr<SqliteConnection> conn, int max_batch, std::string wal_path = {},
               std::function<void()> before_sync = {});
  ~SqliteWriter();
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  // Runs `fn` in the next batch; returns its result once the batch committed
  // (and, with a WAL path, once the WAL was synced after that).
  // kUnavailable after Stop().
  core::Result<void> Submit(TxFn fn);
  // The same without blocking: `done` runs on the writer thread after the
  // batch committed (immediately with kUnavailable after Stop()).
  void SubmitAsync(TxFn fn, std::function<void(core::Result<void>)> done);
  // Finishes every queued job, then stops the thread. Idempotent.
  void Stop();
  StoreStats Stats() const;
  size_t Queued() const;

 private:
  struct Job {
    TxFn fn;
    std::promise<core::Result<void>> done;             // Submit
    std::function<void(core::Result<void>)> callback;  // SubmitAsync
  };
  using Batch = std::vector<std::unique_ptr<Job>>;

  struct Done {
    std::unique_ptr<Job> job;
    core::Result<void> result;
  };

  void Loop();
  bool RunOpen(Batch& open, Batch& batch);
  void CommitOpen(Batch& open);
  void RunBatch(Batch& batch);
  void HandOff(Batch& batch, std::vector<std::optional<core::Result<void>>>& results,
               bool any_committed);
  void CountCommit(size_t jobs);
  core::Result<void> RunJob(Job& job);
  static void Complete(Done& d);
  void SyncLoop();
  core::Result<void> SyncWal();

  std::unique_ptr<SqliteConnection> conn_;  // used only by the writer thread
  const size_t max_batch_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Job>> queue_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_

  std::atomic<int64_t> jobs_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> commits_{0};
  std::atomic<int64_t> max_batch_seen_{0};
  std::atomic<int64_t> wal_syncs_{0};
  std::atomic<int64_t> reruns_{0};

  // The syncer: completions of committed jobs waiting for the next WAL sync.
  const std::string wal_path_;
  const std::function<void()> before_sync_;
  int wal_fd_ = -1;  // syncer thread only
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::vector<Done> unsynced_;  // guarded by sync_mu_
  bool sync_stopping_ = false;  // guarded by sync_mu_
  // A sync is in flight or about to start (set by the writer's hand-off,
  // cleared by the idle syncer): the writer keeps its transaction open.
  std::atomic<bool> syncing_{false};
  std::thread syncer_;

  std::mutex join_mu_;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace opsdeck::store
