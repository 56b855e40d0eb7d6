#include "store/postgres/pg_connection.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "store/postgres/postgres_dialect.h"

namespace opsdeck::store {
namespace {

// Type OIDs from PostgreSQL's catalog/pg_type.dat (stable across versions).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

struct PgFree {
  void operator()(void* p) const noexcept { PQfreemem(p); }
};
struct ConninfoFree {
  void operator()(PQconninfoOption* o) const noexcept { PQconninfoFree(o); }
};

// libpq messages end in newlines and may span lines; one line reads better in logs.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

bool ValidSearchPath(std::string_view s) {
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ',')) return false;
  }
  return true;
}

Value ConvertField(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return std::monostate{};
  const char* text = PQgetvalue(r, row, col);
  const int len = PQgetlength(r, row, col);
  switch (PQftype(r, col)) {
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid: return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kBoolOid: return int64_t{text[0] == 't' ? 1 : 0};
    case kFloat4Oid:
    case kFloat8Oid: return std::strtod(text, nullptr);
    case kNumericOid: {  // SUM(bigint) is numeric: an integer when it has no fraction
      const std::string_view v(text, static_cast<size_t>(len));
      if (v.find_first_of(".eEN") == std::string_view::npos) {
        return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      }
      return std::strtod(text, nullptr);
    }
    case kByteaOid: {
      size_t n = 0;
      std::unique_ptr<unsigned char, PgFree> bytes(
          PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n));
      if (!bytes) return std::string();
      return std::string(reinterpret_cast<const char*>(bytes.get()), n);
    }
    default: return std::string(text, static_cast<size_t>(len));
  }
}

}  // namespace

core::ErrorCode PgErrorCode(std::string_view sqlstate) {
  const std::string_view cls = sqlstate.substr(0, std::min<size_t>(2, sqlstate.size()));
  if (cls == "23") return core::ErrorCode::kConflict;          // integrity constraint violation
  if (cls == "22") return core::ErrorCode::kInvalidArgument;   // data exception
  if (sqlstate == "57014") return core::ErrorCode::kTimeout;   // query_canceled (statement_timeout)
  if (cls == "08" || cls == "53" || cls == "57") return core::ErrorCode::kUnavailable;
  if (PgRetryable(sqlstate)) return core::ErrorCode::kUnavailable;  // after retries ran out
  return core::ErrorCode::kInternal;
}

bool PgRetryable(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

core::Result<PgConnectParams> PgConnectParams::Create(const PostgresOptions& options) {
  const std::string& dsn = options.dsn.Reveal();
  if (dsn.empty()) return core::Error::InvalidArgument("postgres: dsn is empty", "storage.dsn");
  if (!ValidSearchPath(options.search_path)) {
    return core::Error::InvalidArgument("postgres: search_path may hold only letters, digits, '_' and ','");
  }
  char* raw_err = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> parsed(PQconninfoParse(dsn.c_str(), &raw_err));
  std::unique_ptr<char, PgFree> err(raw_err);
  // libpq's message may quote part of the DSN (a password), so it is not passed on.
  if (!parsed) return core::Error::InvalidArgument("postgres: dsn is not a valid libpq connection string", "storage.dsn");

  PgConnectParams p;
  std::string host, port, dbname, user, options_kw;
  for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view k = o->keyword;
    if (k == "host" || (k == "hostaddr" && host.empty())) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") dbname = o->val;
    if (k == "user") user = o->val;
    if (k == "password") p.password_ = o->val;
    if (k == "options") options_kw = o->val;
  }
  p.target_ = "host=" + (host.empty() ? std::string("default") : host) +
              " port=" + (port.empty() ? std::string("default") : port) +
              " dbname=" + (dbname.empty() ? std::string("default") : dbname) +
              " user=" + (user.empty() ? std::string("default") : user);

  const auto secs = (options.connect_timeout.count() + 999) / 1000;
  p.connect_timeout_ = options.connect_timeout;
  // Order matters: keys before "dbname" are defaults the DSN may override;
  // keys after it override the DSN (PQconnectdbParams with expand_dbname).
  p.keys_ = {"application_name", "keepalives", "keepalives_idle", "keepalives_interval",
             "keepalives_count", "dbname", "connect_timeout", "client_encoding"};
  p.values_ = {"opsdeck", "1", "30", "10", "3", dsn, std::to_string(secs < 1 ? 1 : secs), "UTF8"};
  if (!options.search_path.empty()) {
    p.keys_.emplace_back("options");
    p.values_.push_back((options_kw.empty() ? "" : options_kw + " ") + "-c search_path=" + options.search_path);
  }
  return p;
}

std::string PgConnectParams::Redact(std::string message) const {
  if (password_.empty()) return message;
  for (size_t at = message.find(password_); at != std::string::npos; at = message.find(password_, at)) {
    message.replace(at, password_.size(), "<redacted>");
    at += 10;
  }
  return message;
}

core::Result<std::unique_ptr<PgConnection>> PgConnection::Connect(const PgConnectParams& params) {
  std::vector<const char*> keys, values;
  for (size_t i = 0; i < params.keys().size(); ++i) {
    keys.push_back(params.keys()[i].c_str());
    values.push_back(params.values()[i].c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnHandle conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn) return core::Error::Unavailable("postgres: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    core::Error e = core::Error::Unavailable(
        params.Redact(OneLine("postgres: cannot connect: " + std::string(PQerrorMessage(conn.get())))));
    e.where = params.target();
    return e;
  }
  // Notices ("relation already exists, skipping") must not reach stderr.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return std::make_unique<PgConnection>(std::move(conn), params);
}

core::Error PgConnection::ConnectionError(std::string_view what) const {
  core::Error e = core::Error::Unavailable(
      params_.Redact(OneLine("postgres: " + std::string(what) + ": " + PQerrorMessage(conn_.get()))));
  e.where = params_.target();
  return e;
}

core::Result<PgResultHandle> PgConnection::Check(PGresult* raw) {
  PgResultHandle r(raw);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  if (Bad()) return ConnectionError("connection lost");
  if (last_sqlstate_.empty()) {
    core::Error e = core::Error::Internal(params_.Redact(OneLine(
        "postgres: " + std::string(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get())))));
    e.where = params_.target();
    return e;
  }
  const char* primary = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
  core::Error e{PgErrorCode(last_sqlstate_),
                params_.Redact("postgres: " + std::string(primary ? primary : "error") + " (SQLSTATE " +
                               last_sqlstate_ + ")"),
                params_.target(),
                {}};
  return e;
}

core::Result<PgResultHandle> PgConnection::Run(std::string_view sql, const Params& params) {
  last_sqlstate_.clear();
  if (auto ok = CheckTextParams(params); !ok) return ok.error();
  auto it = translated_.find(sql);
  if (it == translated_.end()) it = translated_.emplace(std::string(sql), TranslatePlaceholders(sql)).first;
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<Oid> types(params.size(), 0);  // 0: the server infers from context
  for (size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (const auto* n = std::get_if<int64_t>(&v)) {
      texts[i] = std::to_string(*n);
      types[i] = kInt8Oid;
    } else if (const auto* d = std::get_if<double>(&v)) {
      char buf[40];
      if (std::isnan(*d)) {
        std::snprintf(buf, sizeof buf, "NaN");
      } else if (std::isinf(*d)) {
        std::snprintf(buf, sizeof buf, "%s", *d > 0 ? "Infinity" : "-Infinity");
      } else {
        std::snprintf(buf, sizeof buf, "%.17g", *d);
      }
      texts[i] = buf;
      types[i] = kFloat8Oid;
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      values[i] = s->c_str();
      continue;
    } else {
      continue;  // NULL
    }
    values[i] = texts[i].c_str();
  }
  return Check(PQexecParams(conn_.get(), it->second.c_str(), static_cast<int>(params.size()),
                            types.data(), values.data(), nullptr, nullptr, /*resultFormat=*/0));
}

core::Result<int64_t> PgConnection::Exec(std::string_view sql, const Params& params) {
  auto r = Run(sql, params);
  if (!r) return r.error();
  return static_cast<int64_t>(std::strtoll(PQcmdTuples(r->get()), nullptr, 10));
}

core::Result<Rows> PgConnection::Query(std::string_view sql, const Params& params) {
  auto r = Run(sql, params);
  if (!r) return r.error();
  const PGresult* res = r->get();
  const int nrows = PQntuples(res);
  const int ncols = PQnfields(res);
  Rows rows;
  rows.reserve(static_cast<size_t>(nrows));
  for (int i = 0; i < nrows; ++i) {
    Row row;
    row.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) row.push_back(ConvertField(res, i, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

core::Result<void> PgConnection::ExecScript(std::string_view sql) {
  last_sqlstate_.clear();
  auto r = Check(PQexec(conn_.get(), std::string(sql).c_str()));
  if (!r) return r.error();
  return core::Ok();
}

core::Result<void> PgConnection::PingWithin(core::Duration timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  if (Bad() || PQsendQuery(conn_.get(), "SELECT 1") == 0) return ConnectionError("ping failed");
  while (true) {
    if (PQconsumeInput(conn_.get()) == 0) return ConnectionError("ping failed");
    if (PQisBusy(conn_.get()) == 0) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd pfd{PQsocket(conn_.get()), POLLIN, 0};
    if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) == 0) {
      core::Error e = core::Error::Unavailable("postgres: no answer to ping within " +
                                               std::to_string(timeout.count()) + "ms");
      e.where = params_.target();
      return e;
    }
  }
  core::Result<void> result = core::Ok();
  while (PGresult* raw = PQgetResult(conn_.get())) {
    auto r = Check(raw);
    if (!r && result) result = r.error();
  }
  return result;
}

bool PgConnection::Broken() {
  if (Bad()) return true;
  // An idle connection has nothing to read unless the server sent a notice
  // or closed it; reading then tells which.
  pollfd pfd{PQsocket(conn_.get()), POLLIN, 0};
  if (::poll(&pfd, 1, 0) > 0 && PQconsumeInput(conn_.get()) == 0) return true;
  return Bad();
}

const Dialect& PgTx::dialect() const { return PostgresDialect(); }

}  // namespace opsdeck::store
