#include "store/sqlite/sqlite_database.h"

#include <exception>
#include <filesystem>

#include "store/sqlite/sqlite_dialect.h"

namespace opsdeck::store {

core::Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const SqliteOptions& options) {
  if (options.path.empty() || options.path == ":memory:" || options.path.rfind("file:", 0) == 0) {
    return core::Error::InvalidArgument("sqlite: path must name a file", "storage.path");
  }
  if (options.read_connections < 1 || options.max_batch < 1 || options.busy_timeout.count() < 0) {
    return core::Error::InvalidArgument("sqlite: read_connections and max_batch must be >= 1");
  }
  const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return core::Error{core::ErrorCode::kUnavailable,
                         "sqlite: cannot create directory: " + ec.message(), parent.string(), {}};
    }
  }
  // The writer first: it creates the file and switches it to WAL.
  auto writer_conn = SqliteConnection::Open(options, SqliteConnection::Role::kWriter);
  if (!writer_conn) return writer_conn.error();
  std::vector<std::unique_ptr<SqliteConnection>> readers;
  for (int i = 0; i < options.read_connections; ++i) {
    auto reader = SqliteConnection::Open(options, SqliteConnection::Role::kReader);
    if (!reader) return reader.error();
    readers.push_back(std::move(*reader));
  }
  // synchronous FULL: the writer's connection runs NORMAL and the writer
  // syncs the WAL itself, off its own thread, before any job completes.
  std::string wal_path;
  if (options.synchronous == SqliteSync::kFull) wal_path = options.path + "-wal";
  auto writer = std::make_unique<SqliteWriter>(std::move(*writer_conn), options.max_batch,
                                               std::move(wal_path));
  return std::make_unique<SqliteDatabase>(std::move(writer), std::move(readers));
}

SqliteDatabase::SqliteDatabase(std::unique_ptr<SqliteWriter> writer,
                               std::vector<std::unique_ptr<SqliteConnection>> readers)
    : writer_(std::move(writer)), idle_readers_(std::move(readers)) {}

SqliteDatabase::~SqliteDatabase() { Close(); }

const Dialect& SqliteDatabase::dialect() const { return SqliteDialect(); }

core::Result<void> SqliteDatabase::Read(const TxFn& fn) {
  std::unique_ptr<SqliteConnection> conn;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !idle_readers_.empty(); });
    if (closed_) return core::Error::Unavailable("sqlite: store is closed");
    conn = std::move(idle_readers_.back());
    idle_readers_.pop_back();
    ++leased_;
  }
  core::Result<void> result = [&]() -> core::Result<void> {
    // A deferred transaction: all statements of fn see one snapshot.
    if (auto b = conn->Exec("BEGIN", {}); !b) return b.error();
    SqliteTx tx(*conn);
    core::Result<void> r = core::Ok();
    try {
      r = fn(tx);
    } catch (const std::exception& e) {
      r = core::Error::Internal(std::string("store: read job threw: ") + e.what());
    } catch (...) {
      r = core::Error::Internal("store: read job threw");
    }
    if (conn->InTransaction()) {
      auto end = conn->Exec(r ? "COMMIT" : "ROLLBACK", {});
      if (r && !end) r = end.error();
    }
    return r;
  }();
  {
    std::lock_guard lock(mu_);
    idle_readers_.push_back(std::move(conn));
    --leased_;
  }
  cv_.notify_all();
  return result;
}

core::Result<void> SqliteDatabase::Ping() {
  return Read([](Tx& tx) -> core::Result<void> {
    auto r = tx.Query("SELECT 1", {});
    if (!r) return r.error();
    return core::Ok();
  });
}

void SqliteDatabase::Close() {
  writer_->Stop();  // finishes queued writes first
  std::unique_lock lock(mu_);
  closed_ = true;
  cv_.notify_all();
  cv_.wait(lock, [&] { return leased_ == 0; });  // in-flight reads finish
  idle_readers_.clear();
}

}  // namespace opsdeck::store
