// The SQLite backend's factory: one database file in WAL mode, one writer
// thread that group-commits queued writes, a small pool of read connections.
// The default store (zero set-up). Thread-safety: the returned Store is safe
// from any thread. Only app/ (the composition root) and tests include this.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace opsdeck::store {

// PRAGMA synchronous under WAL (https://www.sqlite.org/pragma.html#pragma_synchronous):
// kFull fsyncs the WAL on every commit (durable across power loss; group
// commit makes that one fsync per batch); kNormal fsyncs only at checkpoints
// (survives kill -9 and crashes of opsdeck, may lose the last commits on power loss).
enum class SqliteSync { kNormal, kFull };

struct SqliteOptions {
  std::string path = "./data/opsdeck.db";  // its directory is created if missing
  core::Duration busy_timeout = std::chrono::seconds(5);  // waiting for another process's lock
  int read_connections = 4;
  int max_batch = 256;  // most write jobs in one group commit
  SqliteSync synchronous = SqliteSync::kFull;
};

// Opens (creating if needed) the database file; does not run migrations
// (call Migrate()). Fails kUnavailable if the file cannot be opened or is not
// a database, kInvalidArgument for bad options.
core::Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options, const core::Clock& clock);

}  // namespace opsdeck::store
