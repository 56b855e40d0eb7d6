// One SQLite connection (RAII over sqlite3* and its cached sqlite3_stmt*s)
// and the Tx that runs statements on it. Statements are prepared once per
// connection and cached by SQL text.
// Thread-safety: none; a connection is used by one thread at a time (the
// writer thread, or a reader leased from the pool).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/database.h"
#include "store/sqlite/sqlite_store.h"

namespace opsdeck::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct SqliteStmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteStmtFinalizer>;

class SqliteConnection {
 public:
  enum class Role { kWriter, kReader };
  // Opens and configures (WAL, busy timeout, foreign keys; readers are query-only).
  static core::Result<std::unique_ptr<SqliteConnection>> Open(const SqliteOptions& options, Role role);

  core::Result<int64_t> Exec(std::string_view sql, const Params& params);
  core::Result<Rows> Query(std::string_view sql, const Params& params);
  core::Result<void> ExecScript(std::string_view sql);
  bool InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_.get()); }

  // Use Open(); public only for std::make_unique.
  SqliteConnection(SqliteHandle db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

 private:
  core::Result<sqlite3_stmt*> Prepare(std::string_view sql, const Params& params);
  // Runs a prepared statement; collects rows only when `rows` is non-null.
  core::Result<void> Step(sqlite3_stmt* stmt, Rows* rows);
  core::Error LastError(int rc) const;

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  SqliteHandle db_;
  std::string path_;
  std::unordered_map<std::string, SqliteStmt, Hash, std::equal_to<>> cache_;  // after db_: finalized first
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(SqliteConnection& conn) : conn_(conn) {}
  core::Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    return conn_.Exec(sql, params);
  }
  core::Result<Rows> Query(std::string_view sql, const Params& params) override {
    return conn_.Query(sql, params);
  }
  core::Result<void> ExecScript(std::string_view sql) override { return conn_.ExecScript(sql); }
  std::optional<int64_t> LastInsertId() const override { return conn_.LastInsertRowid(); }
  const Dialect& dialect() const override;

 private:
  SqliteConnection& conn_;
};

// Maps an SQLite result code to the store's error codes.
core::Error SqliteError(int rc, std::string_view message, std::string_view where);

}  // namespace opsdeck::store
