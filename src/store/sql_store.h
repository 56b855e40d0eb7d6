// SqlStore: the Store aggregate over any Database. Both backends' factories
// (OpenSqlite, OpenPostgres) build their Database and wrap it in this, so the
// narrow stores and migrations exist once.
// Thread-safety: safe from any thread (the Database and narrow stores are).
// The Clock must outlive the store.
#pragma once

#include <memory>

#include "core/clock.h"
#include "store/database.h"
#include "store/sql_audit_store.h"
#include "store/sql_docs_store.h"
#include "store/sql_environment_store.h"
#include "store/sql_health_store.h"
#include "store/sql_outbox_store.h"
#include "store/sql_release_store.h"
#include "store/sql_run_store.h"
#include "store/sql_session_store.h"
#include "store/sql_throttle_store.h"
#include "store/sql_token_store.h"
#include "store/sql_user_store.h"
#include "store/store.h"

namespace opsdeck::store {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Database> db, const core::Clock& clock);
  ~SqlStore() override;

  std::string_view Backend() const override { return db_->Backend(); }
  core::Result<void> Ping() override { return db_->Ping(); }
  core::Result<int> Migrate() override;
  core::Result<int> SchemaVersion() override;
  EnvironmentStore& environments() override { return environments_; }
  AuditStore& audit() override { return audit_; }
  UserStore& users() override { return users_; }
  TokenStore& tokens() override { return tokens_; }
  SessionStore& sessions() override { return sessions_; }
  ThrottleStore& throttle() override { return throttle_; }
  RunStore& runs() override { return runs_; }
  OutboxStore& outbox() override { return outbox_; }
  HealthStore& health() override { return health_; }
  ReleaseStore& releases() override { return releases_; }
  DocsStore& docs() override { return docs_; }
  void Close() override { db_->Close(); }
  StoreStats Stats() const override { return db_->Stats(); }

  // The underlying database, for the stores added later and for tests.
  Database& database() { return *db_; }

 private:
  std::unique_ptr<Database> db_;
  const core::Clock& clock_;
  SqlEnvironmentStore environments_;
  SqlAuditStore audit_;
  SqlUserStore users_;
  SqlTokenStore tokens_;
  SqlSessionStore sessions_;
  SqlThrottleStore throttle_;
  SqlRunStore runs_;
  SqlOutboxStore outbox_;
  SqlHealthStore health_;
  SqlReleaseStore releases_;
  SqlDocsStore docs_;
};

}  // namespace opsdeck::store
