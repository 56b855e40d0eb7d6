// SqlRunStore: pipelines synced from the config, and the reads over runs,
// deployments and unmatched events. Ingest lives in sql_run_intake.cpp.
#include "store/sql_run_store.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_run_rows.h"

namespace opsdeck::store {
namespace {

using namespace runs_sql;

constexpr std::string_view kEntity = "pipeline";
constexpr int kMaxLimit = 500;
constexpr std::string_view kRunCursor = "run";
constexpr std::string_view kDeploymentCursor = "deployment";
constexpr std::string_view kUnmatchedCursor = "unmatched";

// ---- pipelines ----

struct StoredPipeline {
  int64_t id = 0;
  PipelineDef def;
  std::optional<int64_t> retired_at;
};

std::string_view KindName(bool is_deploy) { return is_deploy ? "deploy" : "build"; }

std::string ToJson(const PipelineDef& p, std::optional<int64_t> retired_at) {
  JsonObjectText j;
  j.Add("name", p.name).Add("environment", p.environment).Add("kind", KindName(p.is_deploy));
  j.Add("owner", p.owner).Add("docs_url", p.docs_url);
  if (retired_at) {
    j.Add("retired_at", core::FormatRfc3339(core::FromUnixMillis(*retired_at)));
  } else {
    j.AddNull("retired_at");
  }
  return j.Finish();
}

bool SameDef(const PipelineDef& a, const PipelineDef& b) {
  return std::tie(a.environment, a.is_deploy, a.owner, a.docs_url) ==
         std::tie(b.environment, b.is_deploy, b.owner, b.docs_url);
}

core::Result<void> Validate(const std::vector<PipelineDef>& wanted) {
  std::set<std::string> seen;
  for (const auto& p : wanted) {
    if (p.name.empty()) return core::Error::InvalidArgument("pipeline name is empty");
    if (!seen.insert(p.name).second) {
      return core::Error::InvalidArgument("pipeline '" + p.name + "' is listed twice");
    }
    if (p.is_deploy && p.environment.empty()) {
      return core::Error::InvalidArgument("deploy pipeline '" + p.name + "' names no environment");
    }
  }
  return core::Ok();
}

core::Result<std::map<std::string, StoredPipeline>> LoadPipelines(Tx& tx) {
  auto rows = tx.Query(
      "SELECT p.id, p.name, e.name, p.kind, p.owner, p.docs_url, p.retired_at FROM pipelines p "
      "LEFT JOIN environments e ON e.id = p.environment_id");
  if (!rows) return rows.error();
  std::map<std::string, StoredPipeline> out;
  for (const Row& r : *rows) {
    StoredPipeline p{IntOr(r[0], 0),
                     PipelineDef{TextOr(r[1]), TextOr(r[2]), TextOr(r[3]) == "deploy", TextOr(r[4]),
                                 TextOr(r[5])},
                     OptInt(r[6])};
    out.emplace(p.def.name, std::move(p));
  }
  return out;
}

// The active environments by name.
core::Result<std::map<std::string, int64_t>> ActiveEnvironments(Tx& tx) {
  auto rows = tx.Query("SELECT name, id FROM environments WHERE retired_at IS NULL");
  if (!rows) return rows.error();
  std::map<std::string, int64_t> out;
  for (const Row& r : *rows) out.emplace(TextOr(r[0]), IntOr(r[1], 0));
  return out;
}

core::Result<PipelineSyncReport> SyncIn(Mutation& m, const std::vector<PipelineDef>& wanted) {
  if (auto r = LockForWrite(m.tx(), "opsdeck.pipelines"); !r) return r.error();
  auto stored = LoadPipelines(m.tx());
  if (!stored) return stored.error();
  auto envs = ActiveEnvironments(m.tx());
  if (!envs) return envs.error();
  PipelineSyncReport report;
  const int64_t now = m.now_ms();

  for (const PipelineDef& w : wanted) {
    Value env_id;
    if (!w.environment.empty()) {
      auto e = envs->find(w.environment);
      if (e == envs->end()) {
        return core::Error::NotFound("pipeline '" + w.name + "': environment '" + w.environment +
                                     "' is not stored");
      }
      env_id = e->second;
    }
    const std::string after = ToJson(w, std::nullopt);
    auto it = stored->find(w.name);
    if (it == stored->end()) {
      auto r = m.tx().Exec(
          "INSERT INTO pipelines (name, environment_id, kind, owner, docs_url, created_at, "
          "updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)",
          {w.name, env_id, std::string(KindName(w.is_deploy)), TextOrNull(w.owner),
           TextOrNull(w.docs_url), now, now});
      if (!r) return r.error();
      if (auto a = m.Record(kEntity, w.name, "create", kJsonNull, after); !a) return a.error();
      report.added.push_back(w.name);
      continue;
    }
    const StoredPipeline& s = it->second;
    const bool retired = s.retired_at.has_value();
    if (!retired && SameDef(s.def, w)) continue;
    auto r = m.tx().Exec(
        "UPDATE pipelines SET environment_id = ?, kind = ?, owner = ?, docs_url = ?, retired_at = "
        "NULL, "
        "updated_at = ? WHERE id = ?",
        {env_id, std::string(KindName(w.is_deploy)), TextOrNull(w.owner), TextOrNull(w.docs_url),
         now, s.id});
    if (!r) return r.error();
    if (auto a = m.Record(kEntity, w.name, retired ? "restore" : "update",
                          ToJson(s.def, s.retired_at), after);
        !a) {
      return a.error();
    }
    (retired ? report.added : report.updated).push_back(w.name);
  }

  std::set<std::string> wanted_names;
  for (const auto& w : wanted) wanted_names.insert(w.name);
  for (const auto& [name, s] : *stored) {
    if (s.retired_at || wanted_names.count(name) != 0) continue;
    auto r = m.tx().Exec("UPDATE pipelines SET retired_at = ?, updated_at = ? WHERE id = ?",
                         {now, now, s.id});
    if (!r) return r.error();
    if (auto a = m.Record(kEntity, name, "retire", ToJson(s.def, std::nullopt), ToJson(s.def, now));
        !a) {
      return a.error();
    }
    report.retired.push_back(name);
  }
  return report;
}

// Environment position (none last), then name as bytes: the same order on
// both backends whatever PostgreSQL's collation.
template <typename T, typename NameFn>
void SortByEnvironment(std::vector<T>& items, const std::vector<std::optional<int64_t>>& positions,
                       NameFn name) {
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::make_tuple(!positions[a].has_value(), positions[a].value_or(0),
                           std::string_view(name(items[a]))) <
           std::make_tuple(!positions[b].has_value(), positions[b].value_or(0),
                           std::string_view(name(items[b])));
  });
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (size_t i : order) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

// ---- keyset pages ----


// Reads up to limit+1 rows; the extra one only says a next page exists.
template <typename T, typename MapFn, typename KeyFn>
core::Result<Page<T>> ReadPage(Database& db, const std::string& sql, const Params& params,
                               int limit, MapFn map, KeyFn key, std::string_view kind) {
  return ReadValue<Page<T>>(db, [&](Tx& tx) -> core::Result<Page<T>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    Page<T> page;
    const size_t n = std::min(rows->size(), static_cast<size_t>(limit));
    page.items.reserve(n);
    for (size_t i = 0; i < n; ++i) page.items.push_back(map((*rows)[i]));
    if (rows->size() > n) {
      const auto [at, id] = key((*rows)[n - 1]);
      page.next = EncodeCursor(kind, at, id);
    }
    return page;
  });
}

std::string RunSelect() {
  return "SELECT " + std::string(kRunColumns) + std::string(kRunFrom) + " WHERE 1 = 1";
}

}  // namespace

core::Result<PipelineSyncReport> SqlRunStore::SyncPipelines(const std::vector<PipelineDef>& wanted,
                                                            const core::Actor& actor,
                                                            std::string_view request_id) {
  if (auto v = Validate(wanted); !v) return v.error();
  return AuditedWrite<PipelineSyncReport>(db_, clock_, actor, request_id,
                                          [&](Mutation& m) { return SyncIn(m, wanted); });
}

core::Result<std::vector<PipelineDef>> SqlRunStore::ListPipelines() {
  return ReadValue<std::vector<PipelineDef>>(
      db_, [](Tx& tx) -> core::Result<std::vector<PipelineDef>> {
        auto rows = tx.Query(
            "SELECT p.name, e.name, p.kind, p.owner, p.docs_url, e.position FROM pipelines p "
            "LEFT JOIN environments e ON e.id = p.environment_id WHERE p.retired_at IS NULL");
        if (!rows) return rows.error();
        std::vector<PipelineDef> out;
        std::vector<std::optional<int64_t>> positions;
        for (const Row& r : *rows) {
          out.push_back(PipelineDef{TextOr(r[0]), TextOr(r[1]), TextOr(r[2]) == "deploy",
                                    TextOr(r[3]), TextOr(r[4])});
          positions.push_back(OptInt(r[5]));
        }
        SortByEnvironment(out, positions,
                          [](const PipelineDef& p) -> const std::string& { return p.name; });
        return out;
      });
}

core::Result<Page<core::Run>> SqlRunStore::ListRuns(const RunQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxLimit);
  std::string sql = RunSelect();
  Params params;
  if (auto c = AddCursor(sql, params, query.cursor, kRunCursor, "r.run_at", "r.id"); !c)
    return c.error();
  if (query.pipeline) {
    sql += " AND r.pipeline_id = (SELECT id FROM pipelines WHERE name = ?)";
    params.emplace_back(*query.pipeline);
  }
  if (query.environment) {
    sql += " AND r.environment_id = (SELECT id FROM environments WHERE name = ?)";
    params.emplace_back(*query.environment);
  }
  if (query.status) {
    sql += " AND r.status = ?";
    params.emplace_back(std::string(core::RunStatusName(*query.status)));
  }
  if (query.version) {
    sql += " AND r.version = ?";
    params.emplace_back(*query.version);
  }
  if (query.from) {
    sql += " AND r.run_at >= ?";
    params.emplace_back(core::ToUnixMillis(*query.from));
  }
  if (query.to) {
    sql += " AND r.run_at < ?";
    params.emplace_back(core::ToUnixMillis(*query.to));
  }
  sql += " ORDER BY r.run_at DESC, r.id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadPage<core::Run>(
      db_, sql, params, limit, [](const Row& r) { return FromRunRow(r); },
      [](const Row& r) { return std::pair(IntOr(r[17], 0), IntOr(r[0], 0)); }, kRunCursor);
}

core::Result<std::optional<core::Run>> SqlRunStore::GetRun(int64_t id) {
  return ReadValue<std::optional<core::Run>>(
      db_, [&](Tx& tx) -> core::Result<std::optional<core::Run>> {
        static const std::string sql = RunSelect() + " AND r.id = ?";
        auto rows = tx.Query(sql, {id});
        if (!rows) return rows.error();
        if (rows->empty()) return std::optional<core::Run>();
        core::Run run = FromRunRow(rows->front());
        static const std::string stages_sql =
            "SELECT " + std::string(kStageColumns) + " FROM stages s WHERE s.run_id = ?";
        auto stages = tx.Query(stages_sql, {id});
        if (!stages) return stages.error();
        run.stages = StagesFromRows(*stages, 0);
        return std::optional(std::move(run));
      });
}

core::Result<std::vector<core::Run>> SqlRunStore::LastRuns() {
  return ReadValue<std::vector<core::Run>>(db_, [](Tx& tx) -> core::Result<std::vector<core::Run>> {
    static const std::string sql =
        "SELECT " + std::string(kRunColumns) + ", pe.position FROM pipelines lp" +
        " JOIN runs r ON r.id = (SELECT r2.id FROM runs r2 WHERE r2.pipeline_id = lp.id"
        " ORDER BY r2.run_at DESC, r2.id DESC LIMIT 1)"
        " JOIN pipelines p ON p.id = r.pipeline_id LEFT JOIN environments e ON e.id = "
        "r.environment_id"
        " LEFT JOIN environments pe ON pe.id = lp.environment_id WHERE lp.retired_at IS NULL";
    auto rows = tx.Query(sql);
    if (!rows) return rows.error();
    std::vector<core::Run> out;
    std::vector<std::optional<int64_t>> positions;
    for (const Row& r : *rows) {
      out.push_back(FromRunRow(r));
      positions.push_back(OptInt(r[kRunColumnCount]));
    }
    SortByEnvironment(out, positions,
                      [](const core::Run& r) -> const std::string& { return r.pipeline; });
    return out;
  });
}

core::Result<Page<DeploymentRecord>> SqlRunStore::ListDeployments(const DeploymentQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxLimit);
  std::string sql =
      "SELECT " + std::string(kDeploymentColumns) + std::string(kDeploymentFrom) + " WHERE 1 = 1";
  Params params;
  if (auto c = AddCursor(sql, params, query.cursor, kDeploymentCursor, "d.deployed_at", "d.id");
      !c) {
    return c.error();
  }
  if (query.environment) {
    sql += " AND d.environment_id = (SELECT id FROM environments WHERE name = ?)";
    params.emplace_back(*query.environment);
  }
  if (query.pipeline) {
    sql += " AND d.pipeline_id = (SELECT id FROM pipelines WHERE name = ?)";
    params.emplace_back(*query.pipeline);
  }
  sql += " ORDER BY d.deployed_at DESC, d.id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadPage<DeploymentRecord>(
      db_, sql, params, limit, [](const Row& r) { return FromDeploymentRow(r); },
      [](const Row& r) { return std::pair(IntOr(r[9], 0), IntOr(r[0], 0)); }, kDeploymentCursor);
}

core::Result<std::vector<DeploymentRecord>> SqlRunStore::LiveDeployments() {
  return ReadValue<std::vector<
      DeploymentRecord>>(db_, [](Tx& tx) -> core::Result<std::vector<DeploymentRecord>> {
    static const std::string sql =
        "SELECT " + std::string(kDeploymentColumns) + ", le.position FROM environments le" +
        " JOIN deployments d ON d.id = (SELECT d2.id FROM deployments d2 WHERE d2.environment_id = "
        "le.id"
        " ORDER BY d2.deployed_at DESC, d2.id DESC LIMIT 1)"
        " JOIN pipelines p ON p.id = d.pipeline_id JOIN environments e ON e.id = d.environment_id"
        " JOIN runs r ON r.id = d.run_id WHERE le.retired_at IS NULL";
    auto rows = tx.Query(sql);
    if (!rows) return rows.error();
    std::vector<DeploymentRecord> out;
    std::vector<std::optional<int64_t>> positions;
    for (const Row& r : *rows) {
      out.push_back(FromDeploymentRow(r));
      positions.push_back(OptInt(r[10]));
    }
    SortByEnvironment(out, positions, [](const DeploymentRecord& d) -> const std::string& {
      return d.deployment.environment;
    });
    return out;
  });
}

core::Result<Page<UnmatchedRecord>> SqlRunStore::ListUnmatched(const UnmatchedQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxLimit);
  std::string sql =
      "SELECT u.id, u.source, u.event_type, u.external_id, u.reason, u.summary, u.received_at "
      "FROM unmatched_events u WHERE 1 = 1";
  Params params;
  if (auto c = AddCursor(sql, params, query.cursor, kUnmatchedCursor, "u.received_at", "u.id");
      !c) {
    return c.error();
  }
  if (query.source) {
    sql += " AND u.source = ?";
    params.emplace_back(*query.source);
  }
  sql += " ORDER BY u.received_at DESC, u.id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadPage<UnmatchedRecord>(
      db_, sql, params, limit,
      [](const Row& r) {
        return UnmatchedRecord{
            IntOr(r[0], 0),
            UnmatchedInput{TextOr(r[1]), TextOr(r[2]), TextOr(r[3]), TextOr(r[4]), TextOr(r[5])},
            core::FromUnixMillis(IntOr(r[6], 0))};
      },
      [](const Row& r) { return std::pair(IntOr(r[6], 0), IntOr(r[0], 0)); }, kUnmatchedCursor);
}

core::Result<int64_t> SqlRunStore::Prune(core::TimePoint before) {
  const int64_t ms = core::ToUnixMillis(before);
  return WriteValue<int64_t>(db_, [&](Tx& tx) -> core::Result<int64_t> {
    auto deliveries = tx.Exec("DELETE FROM webhook_deliveries WHERE received_at < ?", {ms});
    if (!deliveries) return deliveries.error();
    auto unmatched = tx.Exec("DELETE FROM unmatched_events WHERE received_at < ?", {ms});
    if (!unmatched) return unmatched.error();
    return *deliveries + *unmatched;
  });
}

}  // namespace opsdeck::store
