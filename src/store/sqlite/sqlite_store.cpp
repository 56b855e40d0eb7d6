#include "store/sqlite/sqlite_store.h"

#include "store/sql_store.h"
#include "store/sqlite/sqlite_database.h"

namespace opsdeck::store {

core::Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options, const core::Clock& clock) {
  auto db = SqliteDatabase::Open(options);
  if (!db) return db.error();
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(*db), clock));
}

}  // namespace opsdeck::store
