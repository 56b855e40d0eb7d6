// The PostgreSQL backend's factory: a pool of libpq connections to a database
// that several opsdeck instances may share. Opening does not connect (the
// server may be down; connections are made on first use and remade after
// they break); call Ping() or Migrate() to find out.
// Thread-safety: the returned Store is safe from any thread. Only app/ (the
// composition root) and tests include this.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "core/secret.h"
#include "store/store.h"

namespace opsdeck::store {

struct PostgresOptions {
  // A libpq connection string or URI
  // (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING).
  // Its password never appears in errors.
  core::SecretString dsn;
  int pool_size = 4;  // connections per instance (plus one for Ping)
  // Bounds connecting and Ping. libpq counts whole seconds and treats values
  // below 2 s as 2 s (libpq-connect.html#LIBPQ-CONNECT-CONNECT-TIMEOUT).
  core::Duration connect_timeout = std::chrono::seconds(2);
  // Waiting for a free pooled connection; past it a call fails kTimeout.
  core::Duration acquire_timeout = std::chrono::seconds(30);
  // Optional: a schema (or comma-separated list) set as search_path on every
  // connection, so several deployments or tests can share one database.
  // Letters, digits, '_' and ',' only.
  std::string search_path;
};

// Validates the options and the DSN's syntax (kInvalidArgument); does not
// connect and does not run migrations.
core::Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options, const core::Clock& clock);

}  // namespace opsdeck::store
