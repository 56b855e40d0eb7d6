#include "store/sqlite/sqlite_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>

namespace opsdeck::store {
namespace {

constexpr std::string_view kSavepoint = "SAVEPOINT opsdeck_job";
constexpr std::string_view kRelease = "RELEASE opsdeck_job";
constexpr std::string_view kRollbackTo = "ROLLBACK TO opsdeck_job";

}  // namespace

SqliteWriter::SqliteWriter(std::unique_ptr<SqliteConnection> conn, int max_batch,
                           std::string wal_path, std::function<void()> before_sync)
    : conn_(std::move(conn)),
      max_batch_(static_cast<size_t>(max_batch > 0 ? max_batch : 1)),
      wal_path_(std::move(wal_path)),
      before_sync_(std::move(before_sync)),
      syncer_(wal_path_.empty() ? std::thread() : std::thread([this] { SyncLoop(); })),
      thread_([this] { Loop(); }) {}

SqliteWriter::~SqliteWriter() {
  Stop();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

core::Result<void> SqliteWriter::Submit(TxFn fn) {
  auto job = std::make_unique<Job>();
  job->fn = std::move(fn);
  std::future<core::Result<void>> done = job->done.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return core::Error::Unavailable("sqlite: store is closed");
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return done.get();
}

void SqliteWriter::SubmitAsync(TxFn fn, std::function<void(core::Result<void>)> done) {
  auto job = std::make_unique<Job>();
  job->fn = std::move(fn);
  job->callback = std::move(done);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      job = nullptr;
    }
  }
  if (job != nullptr) {
    job->callback(core::Error::Unavailable("sqlite: store is closed"));
    return;
  }
  cv_.notify_one();
}

void SqliteWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  std::lock_guard join_lock(join_mu_);
  if (thread_.joinable()) thread_.join();
  // The writer has handed over its last commit: the syncer syncs it, then ends.
  {
    std::lock_guard lock(sync_mu_);
    sync_stopping_ = true;
  }
  sync_cv_.notify_one();
  if (syncer_.joinable()) syncer_.join();
}

StoreStats SqliteWriter::Stats() const {
  return StoreStats{jobs_.load(),           failures_.load(),  commits_.load(),
                    max_batch_seen_.load(), wal_syncs_.load(), reruns_.load()};
}

size_t SqliteWriter::Queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

// The common case first: every job succeeds. Then they need no savepoints
// (two statements per job, and a statement journal of every page a job
// touches): one transaction, the jobs one after the other, one COMMIT. On
// the first failure the transaction is rolled back and its jobs run again
// one by one in savepoints (RunBatch; Database::Write lets a job be re-run
// from the start).
// With a syncer, a commit made while a sync is in flight waits for the next
// sync anyway; so while one is, the writer runs the jobs that arrive in one
// transaction it keeps open, and commits when the syncer is idle again (or
// the transaction holds max_batch jobs, or the writer is stopping). One
// commit per sync rather than several: each commit writes the pages it
// changed to the WAL, and the pages the jobs share (a table's last page, an
// index's) are then written, synced and checkpointed once instead of once
// per commit. The sync still starts as soon as the previous one ends.
void SqliteWriter::Loop() {
  Batch open;  // jobs run in the transaction still open
  while (true) {
    Batch batch;
    bool stopping = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock,
               [&] { return stopping_ || !queue_.empty() || (!open.empty() && !syncing_.load()); });
      if (queue_.empty() && open.empty()) return;  // stopping and drained
      while (!queue_.empty() && open.size() + batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stopping = stopping_;
    }
    if (!batch.empty() && !RunOpen(open, batch)) {
      // A job failed, or BEGIN did: nothing of the transaction is kept, and
      // every job of it runs again, each in its own savepoint.
      RunBatch(open);
      open.clear();
      continue;
    }
    if (!open.empty() && (!syncing_.load() || open.size() >= max_batch_ || stopping)) {
      CommitOpen(open);
      open.clear();
    }
  }
}

// Runs `batch` in the open transaction (BEGIN first when `open` is empty),
// moving each job into `open`. False when BEGIN or a job failed; the
// transaction is then rolled back and `open` holds every job of it.
bool SqliteWriter::RunOpen(Batch& open, Batch& batch) {
  if (open.empty()) {
    if (auto begin = conn_->Exec("BEGIN IMMEDIATE", {}); !begin) {
      for (auto& job : batch) open.push_back(std::move(job));
      return false;
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    core::Result<void> r = RunJob(*batch[i]);
    open.push_back(std::move(batch[i]));
    if (!r || !conn_->InTransaction()) {
      if (conn_->InTransaction()) (void)conn_->ExecScript("ROLLBACK");
      reruns_.fetch_add(1);
      for (size_t j = i + 1; j < batch.size(); ++j) open.push_back(std::move(batch[j]));
      return false;
    }
  }
  return true;
}

void SqliteWriter::CommitOpen(Batch& open) {
  if (auto commit = conn_->Exec("COMMIT", {}); !commit) {
    if (conn_->InTransaction()) (void)conn_->ExecScript("ROLLBACK");
    reruns_.fetch_add(1);
    RunBatch(open);
    return;
  }
  CountCommit(open.size());
  std::vector<std::optional<core::Result<void>>> results(open.size(), core::Ok());
  HandOff(open, results, /*any_committed=*/true);
}

core::Result<void> SqliteWriter::RunJob(Job& job) {
  SqliteTx tx(*conn_);
  try {
    return job.fn(tx);
  } catch (const std::exception& e) {
    return core::Error::Internal(std::string("store: write job threw: ") + e.what());
  } catch (...) {
    return core::Error::Internal("store: write job threw");
  }
}

void SqliteWriter::CountCommit(size_t jobs) {
  commits_.fetch_add(1);
  const auto n = static_cast<int64_t>(jobs);
  int64_t seen = max_batch_seen_.load();
  while (n > seen && !max_batch_seen_.compare_exchange_weak(seen, n)) {
  }
}

// The careful path, after a job failed in the open transaction: each job
// in its own savepoint, so a failed job rolls back only itself, in as few
// transactions as possible (normally one). SQLite itself rolls back the
// whole transaction on a few errors (disk full, I/O error); then the jobs
// already run in it fail too, and the rest start a new one.
void SqliteWriter::RunBatch(Batch& batch) {
  std::vector<std::optional<core::Result<void>>> results(batch.size());
  size_t start = 0;
  bool any_committed = false;
  while (start < batch.size()) {
    size_t end = start;
    bool committed = false;
    if (auto begin = conn_->Exec("BEGIN IMMEDIATE", {}); !begin) {
      for (size_t i = start; i < batch.size(); ++i) results[i] = begin.error();
      end = batch.size();
    } else {
      std::optional<core::Error> aborted;
      for (; end < batch.size() && !aborted; ++end) {
        if (auto sp = conn_->Exec(kSavepoint, {}); !sp) {
          results[end] = sp.error();
          continue;
        }
        core::Result<void> r = RunJob(*batch[end]);
        if (!conn_->InTransaction()) {
          aborted = r ? core::Error::Internal("sqlite: transaction rolled back") : r.error();
          results[end] = *aborted;
          continue;
        }
        if (r) {
          if (auto rel = conn_->Exec(kRelease, {}); !rel) r = rel.error();
        }
        if (!r) {  // undo only this job
          (void)conn_->Exec(kRollbackTo, {});
          (void)conn_->Exec(kRelease, {});
        }
        results[end] = std::move(r);
      }
      if (aborted) {
        for (size_t i = start; i + 1 < end; ++i) {
          if (*results[i]) {
            results[i] = core::Error::Unavailable(
                "sqlite: batch rolled back by another job's error: " + aborted->message);
          }
        }
      } else if (auto commit = conn_->Exec("COMMIT", {}); !commit) {
        if (conn_->InTransaction()) (void)conn_->ExecScript("ROLLBACK");
        for (size_t i = start; i < end; ++i) {
          if (*results[i]) results[i] = commit.error();
        }
      } else {
        committed = true;
      }
    }
    if (committed) CountCommit(end - start);
    any_committed = any_committed || committed;
    start = end;
  }
  HandOff(batch, results, any_committed);
}

// Completes the jobs of `batch` with their results: after the next WAL sync
// when something was committed and there is a syncer, at once otherwise.
void SqliteWriter::HandOff(Batch& batch, std::vector<std::optional<core::Result<void>>>& results,
                           bool any_committed) {
  std::vector<Done> done;
  done.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    jobs_.fetch_add(1);
    if (!*results[i]) failures_.fetch_add(1);
    done.push_back(Done{std::move(batch[i]), std::move(*results[i])});
  }
  if (!wal_path_.empty() && any_committed) {
    // Durable only once the WAL is synced: the syncer completes them.
    {
      std::lock_guard lock(sync_mu_);
      for (Done& d : done) unsynced_.push_back(std::move(d));
      syncing_.store(true);
    }
    sync_cv_.notify_one();
    return;
  }
  for (Done& d : done) Complete(d);
}

void SqliteWriter::Complete(Done& d) {
  if (d.job->callback) {
    d.job->callback(std::move(d.result));
  } else {
    d.job->done.set_value(std::move(d.result));
  }
}

void SqliteWriter::SyncLoop() {
  std::vector<Done> taken;
  while (true) {
    {
      std::unique_lock lock(sync_mu_);
      if (unsynced_.empty() && syncing_.load()) {
        // Idle: the writer commits what it has run meanwhile (Loop).
        syncing_.store(false);
        lock.unlock();
        { std::lock_guard writer_lock(mu_); }  // the writer is waiting, or sees the flag
        cv_.notify_one();
        lock.lock();
      }
      sync_cv_.wait(lock, [&] { return sync_stopping_ || !unsynced_.empty(); });
      if (unsynced_.empty()) return;  // stopping and all synced
      taken.swap(unsynced_);
    }
    // Every commit in `taken` was written before this sync starts.
    if (before_sync_) before_sync_();
    const core::Result<void> synced = SyncWal();
    for (Done& d : taken) {
      if (d.result && !synced) {
        // Committed (readers may see it) but not known to be on disk: the
        // sender gets an error and retries; a retried webhook is a duplicate.
        d.result = synced.error();
        failures_.fetch_add(1);
      }
      Complete(d);
    }
    taken.clear();
  }
}

// fdatasync on our own descriptor of the WAL file: Linux flushes the file's
// dirty pages whichever descriptor wrote them. The file exists once a commit
// happened and stays (same inode) while the writer's connection is open;
// checkpoints and WAL restarts rewrite it in place. A descriptor whose file
// was unlinked (no links left) is replaced. The link count is read with
// statx asking for nothing else: a stat that reports the times marks them as
// seen, so the kernel (multigrain timestamps, Linux 6.13+) stamps the next
// write with a new fine-grained mtime, and on ext4 without a journal that
// dirties the inode and fdatasync then writes its block too: a second disk
// write per sync.
core::Result<void> SqliteWriter::SyncWal() {
  if (wal_fd_ >= 0) {
    struct statx st {};
    if (::statx(wal_fd_, "", AT_EMPTY_PATH, STATX_NLINK, &st) != 0 || st.stx_nlink == 0) {
      ::close(wal_fd_);
      wal_fd_ = -1;
    }
  }
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0) {
      return core::Error::Unavailable("sqlite: cannot open the WAL file to sync it: " +
                                      std::string(std::strerror(errno)));
    }
    // The file's directory entry too, once: a new WAL must survive a crash.
    std::string dir = std::filesystem::path(wal_path_).parent_path().string();
    if (dir.empty()) dir = ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
  }
  if (::fdatasync(wal_fd_) != 0) {
    return core::Error::Unavailable("sqlite: syncing the WAL failed: " +
                                    std::string(std::strerror(errno)));
  }
  wal_syncs_.fetch_add(1);
  return core::Ok();
}

}  // namespace opsdeck::store
