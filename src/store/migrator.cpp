#include "store/migrator.h"

#include <string>

namespace opsdeck::store {
namespace {

constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

core::Result<int> CurrentVersion(Tx& tx) {
  auto rows = tx.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!rows) return rows.error();
  if (rows->empty() || rows->front().empty()) return 0;
  return static_cast<int>(IntOr(rows->front()[0], 0));
}

// One step: applies the next pending migration; false when there is none.
core::Result<bool> ApplyNext(Tx& tx, std::span<const Migration> migrations, const core::Clock& clock) {
  if (auto r = LockForWrite(tx, "opsdeck.migrate"); !r) return r.error();
  if (auto r = tx.ExecScript(kCreateSchemaMigrations); !r) return r.error();
  auto current = CurrentVersion(tx);
  if (!current) return current.error();
  for (const Migration& m : migrations) {
    if (m.version != *current + 1) continue;
    auto sql = tx.dialect().RenderMigration(m.sql);
    if (!sql) return sql.error();
    if (auto r = tx.ExecScript(*sql); !r) {
      core::Error e = r.error();
      e.message = "migration " + std::to_string(m.version) + "_" + std::string(m.name) + ": " + e.message;
      return e;
    }
    auto ins = tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                       {int64_t{m.version}, std::string(m.name), core::ToUnixMillis(clock.Now())});
    if (!ins) return ins.error();
    return true;
  }
  return false;
}

}  // namespace

core::Result<int> ApplyMigrations(Database& db, std::span<const Migration> migrations,
                                  const core::Clock& clock) {
  int applied = 0;
  while (true) {
    auto step = WriteValue<bool>(db, [&](Tx& tx) { return ApplyNext(tx, migrations, clock); });
    if (!step) return step.error();
    if (!*step) return applied;
    ++applied;
  }
}

core::Result<int> ReadSchemaVersion(Database& db) {
  return ReadValue<int>(db, [](Tx& tx) -> core::Result<int> {
    auto exists = tx.Query(tx.dialect().TableExistsSql(), {std::string("schema_migrations")});
    if (!exists) return exists.error();
    if (exists->empty()) return 0;
    return CurrentVersion(tx);
  });
}

}  // namespace opsdeck::store
