// Internal to the run store (sql_run_store.cpp, sql_run_intake.cpp): how a
// run, a stage and a deployment map to columns and back, and the keyset
// cursors of its lists. Not part of the store interface.
// Thread-safety: free functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/run.h"
#include "store/database.h"
#include "store/run_store.h"

namespace opsdeck::store::runs_sql {

// The columns FromRunRow reads, in order; FROM kRunFrom.
inline constexpr std::string_view kRunColumns =
    "r.id, p.name, e.name, r.source, r.external_id, r.attempt, r.status, r.source_status, r.title, "
    "r.version, r.commit_sha, r.ref, r.url, r.triggered_by, r.created_at, r.started_at, "
    "r.finished_at, "
    "r.run_at, r.environment_id";
inline constexpr size_t kRunColumnCount = 19;
inline constexpr std::string_view kRunFrom =
    " FROM runs r JOIN pipelines p ON p.id = r.pipeline_id"
    " LEFT JOIN environments e ON e.id = r.environment_id";
// The stage columns that follow kRunColumns in a LEFT JOIN stages s.
inline constexpr std::string_view kStageColumns =
    "s.name, s.status, s.source_status, s.url, s.started_at, s.finished_at, s.position";

// The columns FromDeploymentRow reads, in order; FROM kDeploymentFrom.
inline constexpr std::string_view kDeploymentColumns =
    "d.id, d.run_id, e.name, p.name, r.external_id, d.attempt, d.version, d.commit_sha, d.url, "
    "d.deployed_at";
inline constexpr std::string_view kDeploymentFrom =
    " FROM deployments d JOIN pipelines p ON p.id = d.pipeline_id"
    " JOIN environments e ON e.id = d.environment_id JOIN runs r ON r.id = d.run_id";

inline Value TextOrNull(const std::string& s) { return s.empty() ? Value() : Value(s); }
inline Value TimeOrNull(const std::optional<core::TimePoint>& t) {
  return t ? Value(core::ToUnixMillis(*t)) : Value();
}
inline std::optional<core::TimePoint> OptTime(const Value& v) {
  const auto ms = OptInt(v);
  return ms ? std::optional(core::FromUnixMillis(*ms)) : std::nullopt;
}
std::optional<core::SourceKind> ParseSourceKind(std::string_view name);

// A run without stages from kRunColumns starting at row[at].
core::Run FromRunRow(const Row& r, size_t at = 0);
// A stage from kStageColumns starting at row[at]; nullopt when the LEFT JOIN found none.
std::optional<core::Stage> FromStageColumns(const Row& r, size_t at);
// The stages of kStageColumns rows starting at row[at], in stored order
// (sorted here: an ORDER BY over the join would cost a temp b-tree per read).
std::vector<core::Stage> StagesFromRows(const Rows& rows, size_t at);
DeploymentRecord FromDeploymentRow(const Row& r);

// Opaque keyset cursors "kind:at:id" (newest first by `at`, then id), hex so
// they survive URLs unescaped. Decode is nullopt for anything malformed or of
// another kind.
std::string EncodeCursor(std::string_view kind, int64_t at, int64_t id);
std::optional<std::pair<int64_t, int64_t>> DecodeCursor(std::string_view kind,
                                                        std::string_view cursor);
// Appends " AND (at < ? OR (at = ? AND id < ?))" for the cursor (the rows
// after it, newest first); kInvalidArgument for a malformed one.
core::Result<void> AddCursor(std::string& sql, Params& params,
                             const std::optional<std::string>& cursor, std::string_view kind,
                             std::string_view at_col, std::string_view id_col);

}  // namespace opsdeck::store::runs_sql
