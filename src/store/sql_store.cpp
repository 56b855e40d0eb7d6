#include "store/sql_store.h"

#include "store/migrations.h"
#include "store/migrator.h"

namespace opsdeck::store {

SqlStore::SqlStore(std::unique_ptr<Database> db, const core::Clock& clock)
    : db_(std::move(db)),
      clock_(clock),
      environments_(*db_, clock),
      audit_(*db_, clock),
      users_(*db_, clock),
      tokens_(*db_, clock),
      sessions_(*db_, clock),
      throttle_(*db_),
      runs_(*db_, clock),
      outbox_(*db_),
      health_(*db_, clock),
      releases_(*db_, clock),
      docs_(*db_, clock) {}

SqlStore::~SqlStore() { db_->Close(); }

core::Result<int> SqlStore::Migrate() { return ApplyMigrations(*db_, EmbeddedMigrations(), clock_); }

core::Result<int> SqlStore::SchemaVersion() { return ReadSchemaVersion(*db_); }

}  // namespace opsdeck::store
