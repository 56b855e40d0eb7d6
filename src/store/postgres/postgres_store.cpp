#include "store/postgres/postgres_store.h"

#include "store/postgres/postgres_database.h"
#include "store/sql_store.h"

namespace opsdeck::store {

core::Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options, const core::Clock& clock) {
  auto db = PostgresDatabase::Open(options);
  if (!db) return db.error();
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(std::move(*db), clock));
}

}  // namespace opsdeck::store
