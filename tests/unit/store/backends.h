// Test backends for the store conformance suite: each TestBackend is an
// isolated, empty database (SQLite: a temp file; PostgreSQL: a fresh schema
// in OPSDECK_TEST_PG_DSN's database, via search_path) that can open any
// number of SqlStore instances on it. Thread-safety: one per test.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/postgres/postgres_store.h"
#include "store/sql_store.h"
#include "store/sqlite/sqlite_store.h"

namespace opsdeck::store::testing {

inline constexpr std::string_view kSqlite = "sqlite";
inline constexpr std::string_view kPostgres = "postgres";

// Why the PostgreSQL cases cannot run, or nullopt when they can. Tests call
// FAIL() with it, or GTEST_SKIP() when OPSDECK_ALLOW_NO_PG=1.
std::optional<std::string> PostgresUnavailableReason();
bool AllowNoPostgres();
std::string SourceDir();

class TestBackend {
 public:
  virtual ~TestBackend() = default;
  // Opens one more store instance on this backend's database.
  virtual core::Result<std::unique_ptr<SqlStore>> Open(const core::Clock& clock) = 0;

  // Creates the isolated database for `backend` ("sqlite" | "postgres").
  static core::Result<std::unique_ptr<TestBackend>> Create(std::string_view backend);
};

// A temp directory removed (recursively) on destruction; readable by the
// postgres user when the tests run as root.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace opsdeck::store::testing
