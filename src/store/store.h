// The storage interfaces. A Store aggregates narrow per-concern stores
// (EnvironmentStore, AuditStore, ... ) over one database, SQLite or PostgreSQL.
//
// Failure rule (as Boost.MySQL's repository states it): every call returns a
// core::Result; kUnavailable means the database could not be reached (the
// caller may retry later), kConflict a constraint violation, kNotFound a
// missing row; nothing throws.
//
// Thread-safety: every method may be called from any thread. Calls block on
// database I/O, so callers on I/O threads hop to a database executor first.
// Designed for several opsdeck processes sharing one PostgreSQL: no method
// relies on state held only in this process.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/environment.h"
#include "core/result.h"
#include "store/auth_stores.h"
#include "store/docs_store.h"
#include "store/health_store.h"
#include "store/outbox_store.h"
#include "store/page.h"
#include "store/release_store.h"
#include "store/run_store.h"

namespace opsdeck::store {


struct AuditQuery {
  int limit = 50;                      // clamped to [1, 500]
  std::optional<std::string> cursor;   // from a previous Page::next
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id;
  // Added by the store layer: more filters, all optional and ANDed.
  std::optional<core::TimePoint> from;  // at >= from
  std::optional<core::TimePoint> to;    // at < to
  std::optional<std::string> action;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Newest first (by insertion order). A cursor is only valid with the same
  // filters; a malformed cursor is kInvalidArgument.
  virtual core::Result<Page<core::AuditEvent>> List(const AuditQuery& query) = 0;
  // Records an action that changes running state but no stored entity (a
  // config reload, say), through the same audited write path as every other
  // mutation. before/after are JSON text ("null" when absent).
  virtual core::Result<void> Record(const core::Actor& actor, std::string_view request_id,
                                    std::string_view entity_type, std::string_view entity_id,
                                    std::string_view action, std::string_view before_json,
                                    std::string_view after_json) = 0;
};

// What Sync changed, for logs and the caller.
struct EnvironmentSyncReport {
  std::vector<std::string> added;
  std::vector<std::string> updated;  // order or protection changed
  std::vector<std::string> retired;  // no longer in config (kept, with their history)
};

class EnvironmentStore {
 public:
  virtual ~EnvironmentStore() = default;
  // The active environments in promotion order.
  virtual core::Result<std::vector<core::Environment>> List() = 0;
  // Makes the stored environments match `wanted` (the config's list, in order).
  // Every change is one audited mutation by `actor`. Idempotent; safe when two
  // instances run it at once.
  virtual core::Result<EnvironmentSyncReport> Sync(const std::vector<core::Environment>& wanted,
                                                   const core::Actor& actor,
                                                   std::string_view request_id) = 0;
};

// Write-path counters since the store was opened, for /metrics and tests.
// `commits` < `write_jobs` shows group commit at work (SQLite).
struct StoreStats {
  int64_t write_jobs = 0;      // Write() calls that reached the database
  int64_t write_failures = 0;  // of those, how many returned an error
  int64_t commits = 0;         // transactions committed (one per batch on SQLite)
  int64_t max_batch = 0;       // most jobs in one commit
  int64_t wal_syncs = 0;       // fdatasyncs of the WAL by the writer's syncer (SQLite)
  int64_t batch_reruns = 0;    // batches run again job by job after a job failed (SQLite)
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::string_view Backend() const = 0;  // "sqlite" | "postgres"
  // A cheap round trip to the database, bounded in time (for /readyz).
  virtual core::Result<void> Ping() = 0;
  // Applies pending numbered migrations; returns how many were applied.
  virtual core::Result<int> Migrate() = 0;
  // The highest applied migration number (0 for an empty database).
  virtual core::Result<int> SchemaVersion() = 0;

  virtual EnvironmentStore& environments() = 0;
  virtual AuditStore& audit() = 0;
  virtual UserStore& users() = 0;
  virtual TokenStore& tokens() = 0;
  virtual SessionStore& sessions() = 0;
  virtual ThrottleStore& throttle() = 0;
  virtual RunStore& runs() = 0;
  virtual OutboxStore& outbox() = 0;
  virtual HealthStore& health() = 0;
  virtual ReleaseStore& releases() = 0;
  virtual DocsStore& docs() = 0;

  // Waits for queued writes, then closes every connection. Idempotent.
  virtual void Close() = 0;

  // Added by the store layer (non-pure so existing fakes keep compiling).
  virtual StoreStats Stats() const { return {}; }
};

}  // namespace opsdeck::store
