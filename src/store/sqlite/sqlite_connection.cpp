#include "store/sqlite/sqlite_connection.h"

#include <chrono>
#include <thread>

#include "store/sqlite/sqlite_dialect.h"

namespace opsdeck::store {
namespace {

// More distinct statements than the stores use; past it the cache is dropped.
constexpr size_t kMaxCachedStatements = 512;

struct SqliteFree {
  void operator()(char* p) const noexcept { sqlite3_free(p); }
};

// Resets a statement after use so it can be reused and holds no read lock.
class StmtReset {
 public:
  explicit StmtReset(sqlite3_stmt* s) : s_(s) {}
  ~StmtReset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StmtReset(const StmtReset&) = delete;
  StmtReset& operator=(const StmtReset&) = delete;

 private:
  sqlite3_stmt* s_;
};

bool OnlyWhitespace(const char* p, const char* end) {
  for (; p < end; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') return false;
  }
  return true;
}

}  // namespace

core::Error SqliteError(int rc, std::string_view message, std::string_view where) {
  std::string msg = "sqlite: " + std::string(message);
  core::Error e;
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT: e = core::Error::Conflict(std::move(msg)); break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: e = core::Error::Unavailable(std::move(msg)); break;
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE: e = core::Error::InvalidArgument(std::move(msg)); break;
    default: e = core::Error::Internal(std::move(msg)); break;
  }
  e.where = std::string(where);
  return e;
}

core::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const SqliteOptions& options,
                                                                       Role role) {
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (role == Role::kWriter) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags, nullptr);
  SqliteHandle db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) {
    return SqliteError(rc, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc), options.path);
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), static_cast<int>(options.busy_timeout.count()));
  auto conn = std::make_unique<SqliteConnection>(std::move(db), options.path);

  if (role == Role::kWriter) {
    // Switching to WAL needs a brief exclusive lock; another process opening
    // the same new file at this moment can make it fail with BUSY.
    core::Result<Rows> mode = Rows{};
    for (int attempt = 0; attempt < 50; ++attempt) {
      mode = conn->Query("PRAGMA journal_mode = WAL", {});
      if (mode || mode.error().code != core::ErrorCode::kUnavailable) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!mode) return mode.error();
    if (mode->empty() || TextOr(mode->front().at(0)) != "wal") {
      return core::Error::Unavailable("sqlite: could not switch to WAL journal mode");
    }
    // NORMAL for both: with kFull the writer (sqlite_writer.h) fsyncs the
    // WAL after each commit on a thread of its own before completing it,
    // rather than SQLite inside COMMIT. NORMAL still syncs the WAL before
    // and the database after each checkpoint.
    if (auto r = conn->ExecScript("PRAGMA synchronous = NORMAL"); !r) return r.error();
    // temp_store MEMORY: a transaction of several statements (results go in
    // as multi-row INSERTs of a few hundred rows each) needs a statement
    // journal from its second statement on; on disk that is a file created,
    // written and unlinked in /var/tmp per transaction (~1 a second per
    // 1,000 probes). It holds only pages an earlier statement of the same
    // transaction changed, so it stays small in memory.
    if (auto r = conn->ExecScript("PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY"); !r) {
      return r.error();
    }
  } else {
    if (auto r = conn->ExecScript("PRAGMA foreign_keys = ON; PRAGMA query_only = ON"); !r) {
      return r.error();
    }
  }
  return conn;
}

core::Error SqliteConnection::LastError(int rc) const {
  return SqliteError(rc, sqlite3_errmsg(db_.get()), path_);
}

core::Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql, const Params& params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = cache_.find(sql); it != cache_.end()) {
    stmt = it->second.get();
  } else {
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    SqliteStmt owned(stmt);
    if (rc != SQLITE_OK) return LastError(rc);
    if (stmt == nullptr) return core::Error::Internal("sqlite: empty statement");
    if (tail != nullptr && !OnlyWhitespace(tail, sql.data() + sql.size())) {
      return core::Error::Internal("sqlite: more than one statement; use ExecScript");
    }
    if (cache_.size() >= kMaxCachedStatements) cache_.clear();
    cache_.emplace(std::string(sql), std::move(owned));
  }
  if (auto ok = CheckTextParams(params); !ok) return ok.error();
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return core::Error::Internal("sqlite: statement takes " + std::to_string(expected) +
                                 " parameters, got " + std::to_string(params.size()));
  }
  for (int i = 0; i < expected; ++i) {
    const Value& v = params[static_cast<size_t>(i)];
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, i + 1, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, i + 1, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // SQLITE_STATIC: `params` outlives the statement's execution.
      rc = sqlite3_bind_text64(stmt, i + 1, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, i + 1);
    }
    if (rc != SQLITE_OK) {
      sqlite3_clear_bindings(stmt);
      return LastError(rc);
    }
  }
  return stmt;
}

core::Result<void> SqliteConnection::Step(sqlite3_stmt* stmt, Rows* rows) {
  StmtReset reset(stmt);
  while (true) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return core::Ok();
    if (rc != SQLITE_ROW) return LastError(rc);
    if (rows == nullptr) continue;
    const int n = sqlite3_column_count(stmt);
    Row row;
    row.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(stmt, c)); break;
        case SQLITE_TEXT:
          row.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          break;
        case SQLITE_BLOB: {
          const void* p = sqlite3_column_blob(stmt, c);
          const int len = sqlite3_column_bytes(stmt, c);
          row.emplace_back(p ? std::string(static_cast<const char*>(p), static_cast<size_t>(len))
                             : std::string());
          break;
        }
        default: row.emplace_back(std::monostate{}); break;
      }
    }
    rows->push_back(std::move(row));
  }
}

core::Result<int64_t> SqliteConnection::Exec(std::string_view sql, const Params& params) {
  auto stmt = Prepare(sql, params);
  if (!stmt) return stmt.error();
  if (auto r = Step(*stmt, nullptr); !r) return r.error();
  return static_cast<int64_t>(sqlite3_changes64(db_.get()));
}

core::Result<Rows> SqliteConnection::Query(std::string_view sql, const Params& params) {
  auto stmt = Prepare(sql, params);
  if (!stmt) return stmt.error();
  Rows rows;
  if (auto r = Step(*stmt, &rows); !r) return r.error();
  return rows;
}

core::Result<void> SqliteConnection::ExecScript(std::string_view sql) {
  const std::string text(sql);
  char* raw_err = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &raw_err);
  std::unique_ptr<char, SqliteFree> err(raw_err);
  if (rc != SQLITE_OK) {
    return SqliteError(rc, err ? err.get() : sqlite3_errmsg(db_.get()), path_);
  }
  return core::Ok();
}

const Dialect& SqliteTx::dialect() const { return SqliteDialect(); }

}  // namespace opsdeck::store
