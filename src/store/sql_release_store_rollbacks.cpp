// SqlReleaseStore: rollbacks. At most one per environment is in flight
// (started or running): checked under a per-environment transaction lock for
// a clear kConflict, and held by the rollbacks_one_open partial unique index.
// UpdateRollback may move the rolled-back release in the same transaction.
#include <algorithm>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_release_store.h"
#include "store/sql_release_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace releases_sql;

constexpr std::string_view kEntity = "rollback";
constexpr std::string_view kRollbackCursor = "rollback";
constexpr std::string_view kOpen = "(status = 'started' OR status = 'running')";

bool IsOpen(RollbackStatus s) {
  return s == RollbackStatus::kStarted || s == RollbackStatus::kRunning;
}

core::Result<void> ValidateNew(const Rollback& r) {
  if (r.environment.empty()) {
    return core::Error::InvalidArgument("environment is empty", "environment");
  }
  if (r.version.empty()) return core::Error::InvalidArgument("version is empty", "version");
  if (r.action != "http" && r.action != "command") {
    return core::Error::InvalidArgument("action must be http or command", "action");
  }
  if (r.status != RollbackStatus::kStarted) {
    return core::Error::InvalidArgument("a rollback is recorded as started", "status");
  }
  return core::Ok();
}

// kConflict naming the environment's rollback in flight, other than `self`.
core::Result<void> CheckNoneInFlight(Tx& tx, const std::string& environment, int64_t self) {
  if (auto r = LockForWrite(tx, EnvironmentRollbackLock(environment)); !r) return r.error();
  auto open = tx.Query("SELECT id, status FROM rollbacks WHERE environment = ? AND id <> ? AND " +
                           std::string(kOpen),
                       {environment, self});
  if (!open) return open.error();
  if (open->empty()) return core::Ok();
  return core::Error::Conflict("environment '" + environment + "' already has rollback " +
                               TextOr(open->front()[0]) + " " + TextOr(open->front()[1]));
}

Value OptIntOrNull(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(); }

// The changed fields of a rollback, for its audit row.
void Diff(const Rollback& before, const Rollback& after, JsonObjectText& b, JsonObjectText& a) {
  if (before.status != after.status) {
    b.Add("status", RollbackStatusName(before.status));
    a.Add("status", RollbackStatusName(after.status));
  }
  if (before.finished_at != after.finished_at) {
    b.AddRaw("finished_at", JsonTime(before.finished_at));
    a.AddRaw("finished_at", JsonTime(after.finished_at));
  }
  if (before.action_result != after.action_result) {
    b.Add("action_result", before.action_result);
    a.Add("action_result", after.action_result);
  }
  if (before.run_id != after.run_id) {
    for (auto [json, value] : {std::pair{&b, before.run_id}, std::pair{&a, after.run_id}}) {
      if (value) {
        json->Add("run_id", *value);
      } else {
        json->AddNull("run_id");
      }
    }
  }
  if (before.error != after.error) {
    b.Add("error", before.error);
    a.Add("error", after.error);
  }
}

// Moves release `id` to `to` unless it is there already (audited).
core::Result<void> MoveRelease(Mutation& m, int64_t id, core::ReleaseState to) {
  if (auto r = LockForWrite(m.tx(), ReleaseLock(id)); !r) return r.error();
  auto rows = m.tx().Query("SELECT state FROM releases WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return core::Error::NotFound("release " + std::to_string(id) + " not found");
  const std::string from = TextOr(rows->front()[0]);
  const std::string_view target = core::ReleaseStateName(to);
  if (from == target) return core::Ok();
  auto r = m.tx().Exec("UPDATE releases SET state = ?, updated_at = ? WHERE id = ?",
                       {std::string(target), m.now_ms(), id});
  if (!r) return r.error();
  JsonObjectText before;
  JsonObjectText after;
  before.Add("state", from);
  after.Add("state", target);
  return m.Record("release", std::to_string(id), "state", before.Finish(), after.Finish());
}

core::Result<Rollback> CreateIn(Mutation& m, const Rollback& wanted, const core::Actor& actor,
                                const AnnouncePlan<Rollback>& announce) {
  if (auto c = CheckNoneInFlight(m.tx(), wanted.environment, 0); !c) return c.error();
  if (wanted.release_id) {
    auto found = m.tx().Query("SELECT id FROM releases WHERE id = ?", {*wanted.release_id});
    if (!found) return found.error();
    if (found->empty()) {
      return core::Error::NotFound("release " + std::to_string(*wanted.release_id) + " not found");
    }
  }
  Rollback r = wanted;
  r.started_by = actor.ToString();
  r.started_at = m.now();
  auto rows = m.tx().Query(
      "INSERT INTO rollbacks (environment, version, deployment_id, release_id, status, "
      "started_by, started_at, finished_at, action, action_result, run_id, error) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {r.environment, r.version, r.deployment_id > 0 ? Value(r.deployment_id) : Value(),
       OptIntOrNull(r.release_id), std::string(RollbackStatusName(r.status)), r.started_by,
       m.now_ms(), TimeOrNull(r.finished_at), r.action, TextOrNull(r.action_result),
       OptIntOrNull(r.run_id), TextOrNull(r.error)});
  if (!rows) return rows.error();
  if (rows->empty()) return core::Error::Internal("rollbacks: INSERT returned no id");
  r.id = IntOr(rows->front()[0], 0);
  if (auto a = m.Record(kEntity, std::to_string(r.id), "start", kJsonNull, RollbackJson(r)); !a)
    return a.error();
  if (announce) {
    if (auto o = AppendOutbox(m.tx(), announce(r), m.now()); !o) return o.error();
  }
  return r;
}

core::Result<Rollback> UpdateIn(Mutation& m, int64_t id,
                                const std::function<core::Result<void>(Rollback&)>& change,
                                std::string_view action, const AnnouncePlan<Rollback>& announce,
                                std::optional<core::ReleaseState> release_state) {
  if (auto r = LockForWrite(m.tx(), RollbackLock(id)); !r) return r.error();
  auto loaded = LoadRollback(m.tx(), id);
  if (!loaded) return loaded.error();
  if (!*loaded) return core::Error::NotFound("rollback " + std::to_string(id) + " not found");
  const Rollback& before = **loaded;
  Rollback after = before;
  if (auto c = change(after); !c) return c.error();
  if (IsOpen(after.status) && !IsOpen(before.status)) {
    if (auto c = CheckNoneInFlight(m.tx(), before.environment, id); !c) return c.error();
  }
  auto r = m.tx().Exec(
      "UPDATE rollbacks SET status = ?, finished_at = ?, action_result = ?, run_id = ?, "
      "error = ? WHERE id = ?",
      {std::string(RollbackStatusName(after.status)), TimeOrNull(after.finished_at),
       TextOrNull(after.action_result), OptIntOrNull(after.run_id), TextOrNull(after.error), id});
  if (!r) return r.error();
  JsonObjectText before_json;
  JsonObjectText after_json;
  Diff(before, after, before_json, after_json);
  if (auto a =
          m.Record(kEntity, std::to_string(id), action, before_json.Finish(), after_json.Finish());
      !a) {
    return a.error();
  }
  if (release_state && before.release_id) {
    if (auto mv = MoveRelease(m, *before.release_id, *release_state); !mv) return mv.error();
  }
  auto stored = LoadRollback(m.tx(), id);
  if (!stored) return stored.error();
  if (!*stored) return core::Error::Internal("rollback vanished");
  if (announce) {
    if (auto o = AppendOutbox(m.tx(), announce(**stored), m.now()); !o) return o.error();
  }
  return std::move(**stored);
}

std::vector<Rollback> FromRows(const Rows& rows, size_t n) {
  std::vector<Rollback> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(RollbackFromRow(rows[i]));
  return out;
}

}  // namespace

core::Result<Rollback> SqlReleaseStore::CreateRollback(const Rollback& rollback,
                                                       const core::Actor& actor,
                                                       std::string_view request_id,
                                                       const AnnouncePlan<Rollback>& announce) {
  if (auto v = ValidateNew(rollback); !v) return v.error();
  return AuditedWrite<Rollback>(db_, clock_, actor, request_id, [&](Mutation& m) {
    return CreateIn(m, rollback, actor, announce);
  });
}

core::Result<Rollback> SqlReleaseStore::UpdateRollback(
    int64_t id, const std::function<core::Result<void>(Rollback&)>& change, std::string_view action,
    const core::Actor& actor, std::string_view request_id, const AnnouncePlan<Rollback>& announce,
    std::optional<core::ReleaseState> release_state) {
  return AuditedWrite<Rollback>(db_, clock_, actor, request_id, [&](Mutation& m) {
    return UpdateIn(m, id, change, action, announce, release_state);
  });
}

core::Result<Page<Rollback>> SqlReleaseStore::ListRollbacks(const RollbackQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  std::string sql = "SELECT " + std::string(kRollbackColumns) + " FROM rollbacks WHERE 1 = 1";
  Params params;
  if (auto c = AddCursor(sql, params, query.cursor, kRollbackCursor, "started_at", "id"); !c)
    return c.error();
  if (query.environment) {
    sql += " AND environment = ?";
    params.emplace_back(*query.environment);
  }
  if (query.status) {
    sql += " AND status = ?";
    params.emplace_back(std::string(RollbackStatusName(*query.status)));
  }
  sql += " ORDER BY started_at DESC, id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadValue<Page<Rollback>>(db_, [&](Tx& tx) -> core::Result<Page<Rollback>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    Page<Rollback> page;
    page.items = FromRows(*rows, std::min(rows->size(), static_cast<size_t>(limit)));
    if (rows->size() > page.items.size()) {
      const Rollback& last = page.items.back();
      page.next = EncodeCursor(kRollbackCursor, core::ToUnixMillis(last.started_at), last.id);
    }
    return page;
  });
}

core::Result<std::optional<Rollback>> SqlReleaseStore::GetRollback(int64_t id) {
  return ReadValue<std::optional<Rollback>>(db_, [&](Tx& tx) { return LoadRollback(tx, id); });
}

core::Result<std::vector<Rollback>> SqlReleaseStore::OpenRollbacks() {
  return ReadValue<std::vector<Rollback>>(db_, [](Tx& tx) -> core::Result<std::vector<Rollback>> {
    auto rows = tx.Query("SELECT " + std::string(kRollbackColumns) + " FROM rollbacks WHERE " +
                         std::string(kOpen) + " ORDER BY started_at, id");
    if (!rows) return rows.error();
    return FromRows(*rows, rows->size());
  });
}

}  // namespace opsdeck::store
