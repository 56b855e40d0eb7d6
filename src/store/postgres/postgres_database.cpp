#include "store/postgres/postgres_database.h"

#include <exception>

#include "store/postgres/postgres_dialect.h"

namespace opsdeck::store {
namespace {

// Deadlocks and serialization failures between instances are retried this
// many times before the error is returned.
constexpr int kMaxRetries = 3;

core::Result<void> RunGuarded(const TxFn& fn, Tx& tx) {
  try {
    return fn(tx);
  } catch (const std::exception& e) {
    return core::Error::Internal(std::string("store: job threw: ") + e.what());
  } catch (...) {
    return core::Error::Internal("store: job threw");
  }
}

}  // namespace

core::Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const PostgresOptions& options) {
  if (options.pool_size < 1) return core::Error::InvalidArgument("postgres: pool_size must be >= 1");
  if (options.connect_timeout.count() <= 0 || options.acquire_timeout.count() <= 0) {
    return core::Error::InvalidArgument("postgres: timeouts must be positive");
  }
  auto params = PgConnectParams::Create(options);
  if (!params) return params.error();
  return std::make_unique<PostgresDatabase>(std::make_unique<PgConnectParams>(std::move(*params)), options);
}

PostgresDatabase::PostgresDatabase(std::unique_ptr<PgConnectParams> params, const PostgresOptions& options)
    : params_(std::move(params)), pool_(*params_, options.pool_size, options.acquire_timeout) {}

PostgresDatabase::~PostgresDatabase() { Close(); }

const Dialect& PostgresDatabase::dialect() const { return PostgresDialect(); }

core::Result<void> PostgresDatabase::Read(const TxFn& fn) {
  return RunTx("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", fn, /*write=*/false);
}

core::Result<void> PostgresDatabase::Write(TxFn fn) {
  core::Result<void> r = RunTx("BEGIN", fn, /*write=*/true);
  jobs_.fetch_add(1);
  if (!r) failures_.fetch_add(1);
  return r;
}

core::Result<void> PostgresDatabase::RunTx(std::string_view begin, const TxFn& fn, bool write) {
  int stale_retries = 0;
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_.Acquire();
    if (!lease) return lease.error();
    PgConnection& conn = lease->conn();
    if (auto b = conn.Exec(begin, {}); !b) {
      // A pooled connection from before a server restart fails here, before
      // anything ran: drop it and its idle siblings and go again.
      if (conn.Bad() && !lease->fresh() && stale_retries++ < kMaxRetries) {
        pool_.DiscardIdle();
        --attempt;
        continue;
      }
      return b.error();
    }
    PgTx tx(conn);
    core::Result<void> r = RunGuarded(fn, tx);
    if (r && conn.TransactionFailed()) {
      r = core::Error::Internal("postgres: a statement failed but the job did not return its error");
    }
    if (!r) {
      const bool retry = PgRetryable(conn.last_sqlstate()) && attempt < kMaxRetries;
      if (!conn.Bad()) (void)conn.ExecScript("ROLLBACK");
      if (retry) continue;
      return r;
    }
    if (auto c = conn.Exec("COMMIT", {}); !c) {
      if (PgRetryable(conn.last_sqlstate()) && attempt < kMaxRetries) continue;
      if (conn.Bad()) {
        core::Error e = c.error();
        e.message = "postgres: connection lost during COMMIT; the outcome is unknown (" + e.message + ")";
        return e;
      }
      return c.error();
    }
    if (write) commits_.fetch_add(1);
    return core::Ok();
  }
}

core::Result<void> PostgresDatabase::Ping() {
  if (closed_) return core::Error::Unavailable("postgres: store is closed");
  std::lock_guard lock(ping_mu_);
  for (int round = 0; round < 2; ++round) {
    const bool reused = ping_conn_ != nullptr && !ping_conn_->Broken();
    if (!reused) {
      ping_conn_.reset();
      auto conn = PgConnection::Connect(*params_);
      if (!conn) return conn.error();
      ping_conn_ = std::move(*conn);
    }
    core::Result<void> r = ping_conn_->PingWithin(params_->connect_timeout());
    if (r) return r;
    const bool lost = ping_conn_->Bad();
    ping_conn_.reset();  // never reuse a connection whose ping failed
    // A reused connection that turned out closed may be stale from before a
    // restart: one more try on a new one. A timeout is not retried (bounded).
    if (!reused || !lost) return r;
  }
  return core::Error::Unavailable("postgres: ping failed");
}

StoreStats PostgresDatabase::Stats() const {
  const int64_t commits = commits_.load();
  return StoreStats{jobs_.load(), failures_.load(), commits, commits > 0 ? 1 : 0};
}

void PostgresDatabase::Close() {
  closed_ = true;
  pool_.Close();
  std::lock_guard lock(ping_mu_);
  ping_conn_.reset();
}

}  // namespace opsdeck::store
