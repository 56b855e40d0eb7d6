// Applies the embedded numbered migrations to a Database: each one in its own
// write transaction that also records it in schema_migrations, under a lock
// (PostgreSQL advisory lock; SQLite's BEGIN IMMEDIATE), so two processes
// migrating at once apply each migration exactly once.
// Thread-safety: stateless functions; safe from any thread and any process.
#pragma once

#include <span>

#include "core/clock.h"
#include "core/result.h"
#include "store/database.h"
#include "store/migrations.h"

namespace opsdeck::store {

// Applies pending migrations in order; returns how many this call applied.
// A database newer than `migrations` is left alone (returns 0): migrations
// are additive, so the previous release keeps working during a rolling upgrade.
core::Result<int> ApplyMigrations(Database& db, std::span<const Migration> migrations,
                                  const core::Clock& clock);

// The highest applied version; 0 when schema_migrations does not exist.
core::Result<int> ReadSchemaVersion(Database& db);

}  // namespace opsdeck::store
