// Internal to the health store (sql_health_store*.cpp): multi-row statement
// shapes, value conversions, the incident row mapping and the keyset
// cursors of its lists. Not part of the store interface.
// Thread-safety: free functions over values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/health_store.h"
#include "store/sql_run_rows.h"

namespace opsdeck::store::health_sql {

inline constexpr int kMaxListLimit = 500;
// Rows per multi-row INSERT on the hot path: few enough statements, well
// under both backends' parameter limits (SQLite 32,766, PostgreSQL 65,535).
inline constexpr size_t kRowsPerStatement = 100;

// How to cut `n` rows into statements: full statements of kRowsPerStatement,
// then the rest in powers of two, so only a handful of distinct SQL texts
// exist and each backend's prepared-statement cache keeps them.
std::vector<size_t> ChunkSizes(size_t n);
// "(?, ?, ?), (?, ?, ?)": `rows` groups of `columns` placeholders.
std::string ValuesList(size_t rows, size_t columns);
// "?, ?, ?" for an IN list.
std::string Placeholders(size_t n);

inline Value TextOrNull(std::string_view s) { return s.empty() ? Value() : Value(std::string(s)); }
inline Value Millis(core::TimePoint t) { return Value(core::ToUnixMillis(t)); }
inline core::TimePoint TimeOf(const Value& v) { return core::FromUnixMillis(IntOr(v, 0)); }
std::optional<core::TimePoint> OptTimeOf(const Value& v);

// `s` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string CutUtf8(std::string_view s, size_t max_bytes);
// Lowercase hex SHA-256 (heartbeat tokens are looked up by it).
std::string Sha256Hex(std::string_view data);

// Aligned bucket starts, in unix ms.
int64_t FloorTo(int64_t ms, int64_t step);
int64_t CeilTo(int64_t ms, int64_t step);
inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 3'600'000;

// The columns IncidentFromRow reads, in order; FROM kIncidentFrom.
inline constexpr std::string_view kIncidentColumns =
    "i.id, t.name, i.environment, i.started_at, i.ended_at, i.cause, i.root_id, rt.name, "
    "i.acknowledged_by, i.acknowledged_at, i.subject";
inline constexpr std::string_view kIncidentFrom =
    " FROM incidents i JOIN targets t ON t.id = i.target_id"
    " LEFT JOIN incidents ri ON ri.id = i.root_id LEFT JOIN targets rt ON rt.id = ri.target_id";
Incident IncidentFromRow(const Row& r);
// The audit snapshot of an incident (no notes or dependents).
std::string IncidentJson(const Incident& i);

// Keyset cursors of the health lists: the run store's format and helpers.
using runs_sql::AddCursor;
using runs_sql::DecodeCursor;
using runs_sql::EncodeCursor;

}  // namespace opsdeck::store::health_sql
