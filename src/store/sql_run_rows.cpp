#include "store/sql_run_rows.h"

#include <algorithm>
#include <charconv>

namespace opsdeck::store::runs_sql {
namespace {

core::RunStatus StatusOf(const Value& v) {
  // The CHECK constraint admits only known names.
  return core::ParseRunStatus(TextOr(v)).value_or(core::RunStatus::kQueued);
}

bool ParseInt(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

}  // namespace

std::optional<core::SourceKind> ParseSourceKind(std::string_view name) {
  for (core::SourceKind k : {core::SourceKind::kGithub, core::SourceKind::kGitlab,
                             core::SourceKind::kCodePipeline, core::SourceKind::kGeneric}) {
    if (core::SourceKindName(k) == name) return k;
  }
  return std::nullopt;
}

core::Run FromRunRow(const Row& row, size_t at) {
  const Value* r = row.data() + at;
  core::Run run;
  run.id = IntOr(r[0], 0);
  run.pipeline = TextOr(r[1]);
  run.environment = TextOr(r[2]);
  run.source = ParseSourceKind(TextOr(r[3])).value_or(core::SourceKind::kGeneric);
  run.external_run_id = TextOr(r[4]);
  run.attempt = static_cast<int>(IntOr(r[5], 1));
  run.status = StatusOf(r[6]);
  run.source_status = TextOr(r[7]);
  run.title = TextOr(r[8]);
  run.version = TextOr(r[9]);
  run.commit = TextOr(r[10]);
  run.ref = TextOr(r[11]);
  run.url = TextOr(r[12]);
  run.trigger = TextOr(r[13]);
  run.created_at = OptTime(r[14]);
  run.started_at = OptTime(r[15]);
  run.finished_at = OptTime(r[16]);
  return run;
}

std::optional<core::Stage> FromStageColumns(const Row& r, size_t at) {
  if (IsNull(r[at])) return std::nullopt;
  core::Stage s;
  s.name = TextOr(r[at]);
  s.status = StatusOf(r[at + 1]);
  s.source_status = TextOr(r[at + 2]);
  s.url = TextOr(r[at + 3]);
  s.started_at = OptTime(r[at + 4]);
  s.finished_at = OptTime(r[at + 5]);
  return s;
}

std::vector<core::Stage> StagesFromRows(const Rows& rows, size_t at) {
  std::vector<std::pair<int64_t, core::Stage>> numbered;
  numbered.reserve(rows.size());
  for (const Row& r : rows) {
    if (auto st = FromStageColumns(r, at))
      numbered.emplace_back(IntOr(r[at + 6], 0), std::move(*st));
  }
  std::sort(numbered.begin(), numbered.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<core::Stage> out;
  out.reserve(numbered.size());
  for (auto& [pos, st] : numbered) out.push_back(std::move(st));
  return out;
}

DeploymentRecord FromDeploymentRow(const Row& r) {
  DeploymentRecord d;
  d.id = IntOr(r[0], 0);
  d.run_id = IntOr(r[1], 0);
  d.deployment.environment = TextOr(r[2]);
  d.deployment.pipeline = TextOr(r[3]);
  d.deployment.external_run_id = TextOr(r[4]);
  d.deployment.attempt = static_cast<int>(IntOr(r[5], 1));
  d.deployment.version = TextOr(r[6]);
  d.deployment.commit = TextOr(r[7]);
  d.deployment.url = TextOr(r[8]);
  d.deployment.deployed_at = core::FromUnixMillis(IntOr(r[9], 0));
  return d;
}

std::string EncodeCursor(std::string_view kind, int64_t at, int64_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string plain = std::string(kind) + ":" + std::to_string(at) + ":" + std::to_string(id);
  std::string out;
  out.reserve(plain.size() * 2);
  for (unsigned char c : plain) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::optional<std::pair<int64_t, int64_t>> DecodeCursor(std::string_view kind,
                                                        std::string_view cursor) {
  if (cursor.empty() || cursor.size() % 2 != 0 || cursor.size() > 128) return std::nullopt;
  std::string plain;
  plain.reserve(cursor.size() / 2);
  for (size_t i = 0; i < cursor.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, v, 16);
    if (ec != std::errc() || p != cursor.data() + i + 2) return std::nullopt;
    plain.push_back(static_cast<char>(v));
  }
  std::string_view rest(plain);
  if (rest.size() <= kind.size() || rest.substr(0, kind.size()) != kind ||
      rest[kind.size()] != ':') {
    return std::nullopt;
  }
  rest.remove_prefix(kind.size() + 1);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  int64_t at = 0;
  int64_t id = 0;
  if (!ParseInt(rest.substr(0, colon), at) || !ParseInt(rest.substr(colon + 1), id) || id <= 0) {
    return std::nullopt;
  }
  return std::pair{at, id};
}

core::Result<void> AddCursor(std::string& sql, Params& params,
                             const std::optional<std::string>& cursor, std::string_view kind,
                             std::string_view at_col, std::string_view id_col) {
  if (!cursor) return core::Ok();
  const auto key = DecodeCursor(kind, *cursor);
  if (!key) return core::Error::InvalidArgument("malformed cursor", "cursor");
  sql += " AND (" + std::string(at_col) + " < ? OR (" + std::string(at_col) + " = ? AND " +
         std::string(id_col) + " < ?))";
  params.emplace_back(key->first);
  params.emplace_back(key->first);
  params.emplace_back(key->second);
  return core::Ok();
}

}  // namespace opsdeck::store::runs_sql
