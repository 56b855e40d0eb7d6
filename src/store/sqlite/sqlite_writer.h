// SqliteWriter: the single writer thread with group commit. Write() enqueues
// a job and blocks; the thread drains every queued job (up to max_batch),
// opens one BEGIN IMMEDIATE transaction, runs each job inside its own
// SAVEPOINT (a failed job rolls back only itself and gets its own error),
// COMMITs once (one WAL fsync for the whole batch) and then completes each
// job. Under load this turns N concurrent small writes into far fewer commits.
// Thread-safety: Submit/Stop/Stats/Queued are safe from any thread; jobs run
// on the writer thread only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/database.h"
#include "store/sqlite/sqlite_connection.h"

namespace opsdeck::store {

class SqliteWriter {
 public:
  SqliteWriter(std::unique_ptr<SqliteConnection> conn, int max_batch);
  ~SqliteWriter();
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  // Runs `fn` in the next batch; returns its result once the batch committed.
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
    std::promise<core::Result<void>> done;                // Submit
    std::function<void(core::Result<void>)> callback;     // SubmitAsync
  };
  using Batch = std::vector<std::unique_ptr<Job>>;

  void Loop();
  void RunBatch(Batch& batch);
  core::Result<void> RunJob(Job& job);

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

  std::mutex join_mu_;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace opsdeck::store
