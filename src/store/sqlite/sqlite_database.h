// SqliteDatabase: the Database over one SQLite file in WAL mode. Writes go
// to the SqliteWriter (one thread, group commit); reads lease one of a few
// query-only connections (WAL lets them read while the writer writes).
// Thread-safety: every method is safe from any thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/database.h"
#include "store/sqlite/sqlite_connection.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_writer.h"

namespace opsdeck::store {

class SqliteDatabase final : public Database {
 public:
  static core::Result<std::unique_ptr<SqliteDatabase>> Open(const SqliteOptions& options);
  SqliteDatabase(std::unique_ptr<SqliteWriter> writer,
                 std::vector<std::unique_ptr<SqliteConnection>> readers);
  ~SqliteDatabase() override;

  std::string_view Backend() const override { return "sqlite"; }
  const Dialect& dialect() const override;
  core::Result<void> Read(const TxFn& fn) override;
  core::Result<void> Write(TxFn fn) override { return writer_->Submit(std::move(fn)); }
  void WriteAsync(TxFn fn, WriteDone done) override {
    writer_->SubmitAsync(std::move(fn), std::move(done));
  }
  core::Result<void> Ping() override;
  StoreStats Stats() const override { return writer_->Stats(); }
  void Close() override;

  // Jobs waiting for the writer thread (tests use it to build a batch).
  size_t QueuedWrites() const { return writer_->Queued(); }

 private:
  std::unique_ptr<SqliteWriter> writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;  // guarded by mu_
  size_t leased_ = 0;                                            // guarded by mu_
  bool closed_ = false;                                          // guarded by mu_
};

}  // namespace opsdeck::store
