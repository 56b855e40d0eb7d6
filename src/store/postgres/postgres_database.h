// PostgresDatabase: the Database over a PgPool. Each Write is one
// transaction on a pooled connection (retried on deadlock/serialization
// failure, and once on a fresh connection when a stale pooled one fails at
// BEGIN); Reads are REPEATABLE READ, READ ONLY. Ping uses its own connection
// so a busy pool cannot delay /readyz, and is bounded by connect_timeout.
// Thread-safety: every method is safe from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string_view>

#include "store/database.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_pool.h"
#include "store/postgres/postgres_store.h"

namespace opsdeck::store {

class PostgresDatabase final : public Database {
 public:
  static core::Result<std::unique_ptr<PostgresDatabase>> Open(const PostgresOptions& options);
  PostgresDatabase(std::unique_ptr<PgConnectParams> params, const PostgresOptions& options);
  ~PostgresDatabase() override;

  std::string_view Backend() const override { return "postgres"; }
  const Dialect& dialect() const override;
  core::Result<void> Read(const TxFn& fn) override;
  core::Result<void> Write(TxFn fn) override;
  core::Result<void> Ping() override;
  StoreStats Stats() const override;
  void Close() override;

 private:
  core::Result<void> RunTx(std::string_view begin, const TxFn& fn, bool write);

  std::unique_ptr<PgConnectParams> params_;  // stable address: connections refer to it
  PgPool pool_;
  std::mutex ping_mu_;
  std::unique_ptr<PgConnection> ping_conn_;  // guarded by ping_mu_
  std::atomic<bool> closed_{false};
  std::atomic<int64_t> jobs_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> commits_{0};
};

}  // namespace opsdeck::store
