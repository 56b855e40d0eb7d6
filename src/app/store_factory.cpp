#include "app/store_factory.h"

#include "net/log.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace opsdeck::app {

core::Result<std::unique_ptr<store::Store>> OpenStore(const config::StorageConfig& storage,
                                                      const core::Clock& clock) {
  if (storage.type == config::StorageType::kPostgres) {
    store::PostgresOptions options;
    options.dsn = storage.dsn;
    options.pool_size = storage.pool_size;
    return store::OpenPostgres(options, clock);
  }
  store::SqliteOptions options;
  options.path = storage.path;
  options.busy_timeout = storage.busy_timeout;
  return store::OpenSqlite(options, clock);
}

core::Result<std::unique_ptr<store::Store>> OpenAndMigrate(const config::StorageConfig& storage,
                                                           const core::Clock& clock) {
  auto store = OpenStore(storage, clock);
  if (!store) return store;
  auto applied = (*store)->Migrate();
  if (!applied) {
    (*store)->Close();
    return applied.error();
  }
  auto version = (*store)->SchemaVersion();
  net::LogInfo("storage ready", {{"backend", std::string((*store)->Backend())},
                                 {"migrations_applied", *applied},
                                 {"schema_version", version.value_or(0)}});
  return store;
}

}  // namespace opsdeck::app
