#include "backends.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "store/postgres/pg_connection.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace opsdeck::store::testing {
namespace {

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

class SqliteBackend final : public TestBackend {
 public:
  core::Result<std::unique_ptr<SqlStore>> Open(const core::Clock& clock) override {
    SqliteOptions options;
    options.path = dir_.path() + "/opsdeck.db";
    auto db = SqliteDatabase::Open(options);
    if (!db) return db.error();
    return std::make_unique<SqlStore>(std::move(*db), clock);
  }

 private:
  TempDir dir_;
};

class PostgresBackend final : public TestBackend {
 public:
  static core::Result<std::unique_ptr<PostgresBackend>> Create() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    const std::string schema = "opsdeck_test_" + std::to_string(::getpid()) + "_" +
                               std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
    PostgresOptions admin;
    admin.dsn = core::SecretString(Env("OPSDECK_TEST_PG_DSN"));
    auto params = PgConnectParams::Create(admin);
    if (!params) return params.error();
    auto conn = PgConnection::Connect(*params);
    if (!conn) return conn.error();
    if (auto r = (*conn)->ExecScript("CREATE SCHEMA " + schema); !r) return r.error();
    return std::make_unique<PostgresBackend>(std::move(*params), std::move(*conn), schema);
  }

  PostgresBackend(PgConnectParams params, std::unique_ptr<PgConnection> admin, std::string schema)
      : params_(std::make_unique<PgConnectParams>(std::move(params))),
        admin_(std::move(admin)),
        schema_(std::move(schema)) {}

  ~PostgresBackend() override {
    // Best effort: the store instances are closed by now.
    (void)admin_->ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  core::Result<std::unique_ptr<SqlStore>> Open(const core::Clock& clock) override {
    PostgresOptions options;
    options.dsn = core::SecretString(Env("OPSDECK_TEST_PG_DSN"));
    options.search_path = schema_;
    auto db = PostgresDatabase::Open(options);
    if (!db) return db.error();
    return std::make_unique<SqlStore>(std::move(*db), clock);
  }

 private:
  std::unique_ptr<PgConnectParams> params_;  // admin_ refers to it
  std::unique_ptr<PgConnection> admin_;
  std::string schema_;
};

}  // namespace

bool AllowNoPostgres() {
  const char* v = Env("OPSDECK_ALLOW_NO_PG");
  return v != nullptr && std::string_view(v) == "1";
}

std::optional<std::string> PostgresUnavailableReason() {
  if (Env("OPSDECK_TEST_PG_DSN") == nullptr) {
    return "OPSDECK_TEST_PG_DSN is not set: run the tests under scripts/with-postgres.sh "
           "(or set OPSDECK_ALLOW_NO_PG=1 to skip the PostgreSQL cases)";
  }
  return std::nullopt;
}

std::string SourceDir() {
  if (const char* v = Env("OPSDECK_SOURCE_DIR")) return v;
  return OPSDECK_SOURCE_DIR;
}

core::Result<std::unique_ptr<TestBackend>> TestBackend::Create(std::string_view backend) {
  if (backend == kSqlite) return std::unique_ptr<TestBackend>(std::make_unique<SqliteBackend>());
  auto pg = PostgresBackend::Create();
  if (!pg) return pg.error();
  return std::unique_ptr<TestBackend>(std::move(*pg));
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "opsdeck-store-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
  ::chmod(tmpl.c_str(), 0755);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace opsdeck::store::testing
