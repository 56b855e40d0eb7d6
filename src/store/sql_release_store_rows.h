// Internal to the release store (sql_release_store*.cpp): how releases (with
// their environments, items and dependencies), bookings, freeze overrides
// and rollbacks map to rows and back, their audit snapshots, and the keyset
// cursors of the lists. Not part of the store interface.
// Thread-safety: free functions over values and a caller's transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/release.h"
#include "store/database.h"
#include "store/release_store.h"
#include "store/sql_run_rows.h"

namespace opsdeck::store::releases_sql {

inline constexpr int kMaxListLimit = 500;
inline constexpr int64_t kMaxBookings = 1'000;

// Lock names for LockForWrite: serialise read-modify-write changes of one
// row, and the "at most one live" checks, across instances on PostgreSQL.
std::string ReleaseLock(int64_t id);
std::string RollbackLock(int64_t id);
std::string EnvironmentRollbackLock(std::string_view environment);
inline constexpr std::string_view kBookingsLock = "opsdeck.release.bookings";
inline constexpr std::string_view kOverridesLock = "opsdeck.release.overrides";

using runs_sql::AddCursor;
using runs_sql::DecodeCursor;
using runs_sql::EncodeCursor;
using runs_sql::OptTime;
using runs_sql::TextOrNull;
using runs_sql::TimeOrNull;
inline Value Millis(core::TimePoint t) { return Value(core::ToUnixMillis(t)); }
inline core::TimePoint TimeOf(const Value& v) { return core::FromUnixMillis(IntOr(v, 0)); }

// "?, ?, ?" for an IN list.
std::string Placeholders(size_t n);
std::string JsonArray(const std::vector<std::string>& items);
// RFC 3339 text, or null.
std::string JsonTime(const std::optional<core::TimePoint>& t);

// Releases. `where` follows "FROM releases r" (conditions, ORDER BY, LIMIT);
// the environments, items and dependencies of the rows found are read with
// one query each, whatever the number of releases.
core::Result<std::vector<core::Release>> LoadReleases(Tx& tx, std::string_view where,
                                                      const Params& params);
core::Result<std::optional<core::Release>> LoadRelease(Tx& tx, int64_t id);
// Inserts `release` (id 0) with its children; returns the new id.
core::Result<int64_t> InsertRelease(Tx& tx, const core::Release& release);
// The create audit snapshot: the release with its item ids.
std::string ReleaseJson(const core::Release& r);
// One item's changeable fields, for the update audit snapshot.
std::string ItemJson(const core::ChecklistItem& item);

// The columns the *FromRow functions read, in order, from their table.
inline constexpr std::string_view kBookingColumns =
    "id, release_id, window_name, starts_at, ends_at, state, requested_by, requested_at, "
    "decided_by, decided_at, note, reminded";
Booking BookingFromRow(const Row& r);
std::string BookingJson(const Booking& b);
core::Result<std::optional<Booking>> LoadBooking(Tx& tx, int64_t id);

inline constexpr std::string_view kOverrideColumns =
    "id, window_name, starts_at, ends_at, reason, overridden_by, overridden_at";
FreezeOverride OverrideFromRow(const Row& r);
std::string OverrideJson(const FreezeOverride& o);

inline constexpr std::string_view kRollbackColumns =
    "id, environment, version, deployment_id, release_id, status, started_by, started_at, "
    "finished_at, action, action_result, run_id, error";
Rollback RollbackFromRow(const Row& r);
std::string RollbackJson(const Rollback& r);
core::Result<std::optional<Rollback>> LoadRollback(Tx& tx, int64_t id);

}  // namespace opsdeck::store::releases_sql
