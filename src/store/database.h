// Database: the small SQL seam the narrow stores are written against once
// (sql_*.cpp), implemented by SQLite (single writer thread with group commit)
// and PostgreSQL (connection pool). SQL uses `?` placeholders; PostgreSQL
// translates them to $1..$n. Values are NULL, int64, double or text.
//
// Thread-safety: Database is safe to call from any thread; Read() and Write()
// block the caller until their function has run and its transaction ended.
// A Tx is only valid inside the function it was handed to, on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "store/dialect.h"
#include "store/store.h"

namespace opsdeck::store {

// One SQL value. Booleans are stored as 0/1 integers, times as unix
// milliseconds, JSON as text (docs/storage.md).
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Row = std::vector<Value>;
using Rows = std::vector<Row>;
using Params = std::vector<Value>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
// An integer column; NULL or a non-number gives `fallback`. A double is truncated.
int64_t IntOr(const Value& v, int64_t fallback);
std::optional<int64_t> OptInt(const Value& v);
// A text column; NULL gives `fallback`, numbers are formatted.
std::string TextOr(const Value& v, std::string fallback = {});
inline Value Bool(bool b) { return Value(int64_t{b ? 1 : 0}); }
inline Value OptText(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }

// A transaction. A failed statement may abort the whole transaction
// (PostgreSQL does), so a function that sees an error must return it rather
// than carry on; use INSERT ... ON CONFLICT instead of catching a conflict.
class Tx {
 public:
  virtual ~Tx() = default;
  // One statement; returns the number of rows changed.
  virtual core::Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
  // One statement that returns rows (SELECT, or INSERT ... RETURNING).
  virtual core::Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Several statements, no parameters (migrations).
  virtual core::Result<void> ExecScript(std::string_view sql) = 0;
  // The id of the row the last successful INSERT in this transaction added,
  // where the backend keeps it for free (SQLite's rowid, which an INTEGER
  // PRIMARY KEY is); nullopt elsewhere: use RETURNING or a lookup.
  virtual std::optional<int64_t> LastInsertId() const { return std::nullopt; }
  virtual const Dialect& dialect() const = 0;
};

using TxFn = std::function<core::Result<void>(Tx&)>;

class Database {
 public:
  virtual ~Database() = default;
  virtual std::string_view Backend() const = 0;
  virtual const Dialect& dialect() const = 0;

  // Runs `fn` in a read-only transaction with a consistent snapshot.
  virtual core::Result<void> Read(const TxFn& fn) = 0;
  // Runs `fn` in a write transaction and returns once it committed (the
  // result is fn's error, or the commit's). `fn` may be re-run from the start
  // after a transient failure (PostgreSQL deadlock), so it must not have side
  // effects outside the transaction. It must not call Read/Write itself.
  virtual core::Result<void> Write(TxFn fn) = 0;
  // Write without blocking the caller: `done` gets Write's result once the
  // transaction committed (or failed), on a thread of the database's choosing
  // (SQLite: the writer thread), so it must be quick and must not call the
  // database itself; hand real work to an executor. The default runs Write on
  // the calling thread.
  using WriteDone = std::function<void(core::Result<void>)>;
  virtual void WriteAsync(TxFn fn, WriteDone done) { done(Write(std::move(fn))); }
  // A bounded round trip (for /readyz).
  virtual core::Result<void> Ping() = 0;
  virtual StoreStats Stats() const = 0;
  // Drains queued writes, closes connections; later calls fail kUnavailable.
  virtual void Close() = 0;
};

// Write/Read returning a value: `WriteValue<int64_t>(db, [&](Tx& tx) -> Result<int64_t> {...})`.
template <typename T, typename Fn>
core::Result<T> WriteValue(Database& db, Fn&& fn) {
  std::optional<T> out;
  core::Result<void> r = db.Write([&](Tx& tx) -> core::Result<void> {
    out.reset();  // a re-run starts clean
    core::Result<T> v = fn(tx);
    if (!v) return v.error();
    out.emplace(std::move(v).value());
    return core::Ok();
  });
  if (!r) return r.error();
  return std::move(*out);
}

template <typename T, typename Fn>
core::Result<T> ReadValue(Database& db, Fn&& fn) {
  std::optional<T> out;
  core::Result<void> r = db.Read([&](Tx& tx) -> core::Result<void> {
    core::Result<T> v = fn(tx);
    if (!v) return v.error();
    out.emplace(std::move(v).value());
    return core::Ok();
  });
  if (!r) return r.error();
  return std::move(*out);
}

// Text parameters must be UTF-8 without NUL bytes on every backend
// (PostgreSQL cannot store anything else), so both check the same way:
// kInvalidArgument naming the parameter.
core::Result<void> CheckTextParams(const Params& params);

// Takes the transaction-scoped lock `name` (PostgreSQL advisory lock, per
// schema); a no-op where write transactions are already exclusive (SQLite).
core::Result<void> LockForWrite(Tx& tx, std::string_view name);

}  // namespace opsdeck::store
