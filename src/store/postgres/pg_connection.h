// One libpq connection (RAII over PGconn* and PGresult*), the parameters it
// is made from (with the DSN's password kept only for redacting messages),
// and the Tx that runs statements on it. Statements use PQexecParams with
// `?` translated once per connection and SQL text.
// Thread-safety: PgConnectParams is immutable and shareable; a PgConnection
// is used by one thread at a time (leased from PgPool).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/database.h"
#include "store/postgres/postgres_store.h"

namespace opsdeck::store {

struct PgConnCloser {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct PgResultClear {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using PgConnHandle = std::unique_ptr<PGconn, PgConnCloser>;
using PgResultHandle = std::unique_ptr<PGresult, PgResultClear>;

class PgConnectParams {
 public:
  // Parses the DSN (kInvalidArgument, without echoing it, if malformed).
  static core::Result<PgConnectParams> Create(const PostgresOptions& options);

  const std::vector<std::string>& keys() const { return keys_; }
  const std::vector<std::string>& values() const { return values_; }
  // "host=... port=... dbname=... user=...": where errors happened, no secrets.
  const std::string& target() const { return target_; }
  core::Duration connect_timeout() const { return connect_timeout_; }
  // `message` with the password (if any) replaced by <redacted>.
  std::string Redact(std::string message) const;

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  std::string target_;
  std::string password_;
  core::Duration connect_timeout_{};
};

class PgConnection {
 public:
  // Connects, bounded by the connect timeout; kUnavailable when it cannot.
  static core::Result<std::unique_ptr<PgConnection>> Connect(const PgConnectParams& params);
  PgConnection(PgConnHandle conn, const PgConnectParams& params) : conn_(std::move(conn)), params_(params) {}

  core::Result<int64_t> Exec(std::string_view sql, const Params& params);
  core::Result<Rows> Query(std::string_view sql, const Params& params);
  core::Result<void> ExecScript(std::string_view sql);
  // SELECT 1 with a deadline; on failure the connection must be dropped.
  core::Result<void> PingWithin(core::Duration timeout);

  // True when the connection is unusable: libpq says so, or the server has
  // closed it while it sat idle (e.g. the server restarted).
  bool Broken();
  bool Bad() const { return PQstatus(conn_.get()) != CONNECTION_OK; }
  bool IdleOutsideTransaction() const { return PQtransactionStatus(conn_.get()) == PQTRANS_IDLE; }
  bool TransactionFailed() const { return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR; }
  // SQLSTATE of the last failed statement ("" if none or not from the server).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  core::Result<PgResultHandle> Run(std::string_view sql, const Params& params);
  core::Result<PgResultHandle> Check(PGresult* raw);
  core::Error ConnectionError(std::string_view what) const;

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  PgConnHandle conn_;
  const PgConnectParams& params_;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> translated_;
  std::string last_sqlstate_;
};

class PgTx final : public Tx {
 public:
  explicit PgTx(PgConnection& conn) : conn_(conn) {}
  core::Result<int64_t> Exec(std::string_view sql, const Params& params) override {
    return conn_.Exec(sql, params);
  }
  core::Result<Rows> Query(std::string_view sql, const Params& params) override {
    return conn_.Query(sql, params);
  }
  core::Result<void> ExecScript(std::string_view sql) override { return conn_.ExecScript(sql); }
  const Dialect& dialect() const override;

 private:
  PgConnection& conn_;
};

// Maps a SQLSTATE to the store's error codes
// (https://www.postgresql.org/docs/15/errcodes-appendix.html).
core::ErrorCode PgErrorCode(std::string_view sqlstate);
// Deadlock or serialization failure: the whole transaction may be retried.
bool PgRetryable(std::string_view sqlstate);

}  // namespace opsdeck::store
