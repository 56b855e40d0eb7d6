// Everything SQLite-specific about the shared SQL lives here.
#include "store/sqlite/sqlite_dialect.h"

namespace opsdeck::store {
namespace {

class SqliteDialectImpl final : public Dialect {
 public:
  std::string_view Name() const override { return "sqlite"; }

  core::Result<std::string> RenderMigration(std::string_view sql) const override {
    // AUTOINCREMENT: ids are never reused, so id cursors stay monotonic after deletes.
    return RenderTemplate(sql, {{"id", "INTEGER PRIMARY KEY AUTOINCREMENT"}, {"blob", "BLOB"}});
  }

  // Write transactions start with BEGIN IMMEDIATE, which already excludes
  // every other writer (this process's and other processes').
  std::string_view TxLockSql() const override { return {}; }

  std::string_view TableExistsSql() const override {
    return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
  }
};

}  // namespace

const Dialect& SqliteDialect() {
  static const SqliteDialectImpl kDialect;
  return kDialect;
}

}  // namespace opsdeck::store
