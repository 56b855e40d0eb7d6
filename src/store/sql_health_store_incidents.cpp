// SqlHealthStore: ApplyHealth (the monitor's state changes with the
// incidents they open, close and link, and their announcements, in one
// transaction), the incident reads, and people's acknowledgements and notes
// (audited).
#include <algorithm>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

constexpr std::string_view kEntity = "incident";
constexpr std::string_view kIncidentCursor = "incident";
constexpr size_t kMaxNoteBytes = 10'000;
constexpr size_t kStateColumns = 6;

const std::string& IncidentSelect() {
  static const std::string sql =
      "SELECT " + std::string(kIncidentColumns) + std::string(kIncidentFrom);
  return sql;
}

core::Result<std::optional<int64_t>> OpenIncidentOf(Tx& tx, int64_t target_id) {
  auto rows =
      tx.Query("SELECT id FROM incidents WHERE target_id = ? AND ended_at IS NULL", {target_id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<int64_t>();
  return std::optional(IntOr(rows->front()[0], 0));
}

// Makes `incident` a dependent of `root_target`'s open incident (of that
// one's root when it is linked itself), and moves `incident`'s own open
// dependents along, so roots stay flat whatever order links arrive in. No
// open incident there, or a link that would loop: nothing changes.
core::Result<void> Link(Tx& tx, int64_t incident, const std::string& root_target) {
  auto rows = tx.Query(
      "SELECT i.id, i.root_id FROM incidents i JOIN targets t ON t.id = i.target_id "
      "WHERE t.name = ? AND i.ended_at IS NULL",
      {root_target});
  if (!rows) return rows.error();
  if (rows->empty()) return core::Ok();
  const int64_t root = OptInt(rows->front()[1]).value_or(IntOr(rows->front()[0], 0));
  if (root == incident) return core::Ok();
  if (auto r = tx.Exec("UPDATE incidents SET root_id = ? WHERE id = ?", {root, incident}); !r)
    return r.error();
  auto moved = tx.Exec("UPDATE incidents SET root_id = ? WHERE root_id = ? AND ended_at IS NULL",
                       {root, incident});
  if (!moved) return moved.error();
  return core::Ok();
}

core::Result<void> UpsertStates(Tx& tx, const std::vector<StateUpdate>& states,
                                const std::unordered_map<std::string, int64_t>& ids,
                                int64_t now) {
  size_t next = 0;
  for (const size_t n : ChunkSizes(states.size())) {
    Params p;
    p.reserve(n * kStateColumns);
    for (size_t i = 0; i < n; ++i, ++next) {
      const TargetStatus& s = states[next].status;
      p.emplace_back(ids.at(s.target));
      p.emplace_back(std::string(core::TargetStateName(s.state)));
      p.push_back(Millis(s.since));
      p.push_back(Bool(s.flapping));
      p.push_back(TextOrNull(s.reason));
      p.emplace_back(now);
    }
    auto r = tx.Exec(
        "INSERT INTO target_state (target_id, state, since, flapping, reason, updated_at) "
        "VALUES " +
            ValuesList(n, kStateColumns) +
            " ON CONFLICT (target_id) DO UPDATE SET state = excluded.state, since = "
            "excluded.since, flapping = excluded.flapping, reason = excluded.reason, "
            "updated_at = excluded.updated_at",
        p);
    if (!r) return r.error();
  }
  return core::Ok();
}

core::Result<HealthApplied> ApplyIn(Tx& tx, const HealthBatch& batch, core::TimePoint now,
                                    const std::unordered_map<std::string, int64_t>& ids) {
  // Serialises ApplyHealth across instances on PostgreSQL, so the open
  // incident checks below cannot race.
  if (auto r = LockForWrite(tx, "opsdeck.health"); !r) return r.error();
  const int64_t now_ms = core::ToUnixMillis(now);
  for (const IncidentClose& c : batch.closes) {
    auto r = tx.Exec("UPDATE incidents SET ended_at = ? WHERE target_id = ? AND ended_at IS NULL",
                     {Millis(c.ended_at), ids.at(c.target)});
    if (!r) return r.error();
  }
  HealthApplied applied;
  for (const IncidentOpen& o : batch.opens) {
    const int64_t target_id = ids.at(o.target);
    auto open = OpenIncidentOf(tx, target_id);
    if (!open) return open.error();
    if (*open) {
      return core::Error::Conflict("target '" + o.target + "' already has open incident " +
                                   std::to_string(**open));
    }
    auto rows = tx.Query(
        "INSERT INTO incidents (target_id, environment, started_at, cause, subject) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        {target_id, TextOrNull(o.environment), Millis(o.started_at), TextOrNull(o.cause),
         o.subject});
    if (!rows) return rows.error();
    if (rows->empty()) return core::Error::Internal("incidents: INSERT returned no id");
    applied.opened[o.target] = IntOr(rows->front()[0], 0);
  }
  // After every open, so a dependent may name a root opened in this batch.
  for (const IncidentOpen& o : batch.opens) {
    if (o.root_target.empty()) continue;
    if (auto r = Link(tx, applied.opened.at(o.target), o.root_target); !r) return r.error();
  }
  for (const IncidentLink& l : batch.links) {
    auto open = OpenIncidentOf(tx, ids.at(l.target));
    if (!open) return open.error();
    if (!*open) continue;  // resolved meanwhile: nothing to link
    if (auto r = Link(tx, **open, l.root_target); !r) return r.error();
  }
  if (auto r = UpsertStates(tx, batch.states, ids, now_ms); !r) return r.error();
  if (auto r = AppendOutbox(tx, batch.outbox, now); !r) return r.error();
  return applied;
}

core::Result<std::optional<Incident>> LoadIncident(Tx& tx, int64_t id) {
  static const std::string sql = IncidentSelect() + " WHERE i.id = ?";
  auto rows = tx.Query(sql, {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Incident>();
  Incident inc = IncidentFromRow(rows->front());
  auto notes = tx.Query(
      "SELECT id, author, at, body FROM incident_notes WHERE incident_id = ? ORDER BY id", {id});
  if (!notes) return notes.error();
  for (const Row& r : *notes) {
    inc.notes.push_back(IncidentNote{IntOr(r[0], 0), TextOr(r[1]), TimeOf(r[2]), TextOr(r[3])});
  }
  auto deps = tx.Query("SELECT id FROM incidents WHERE root_id = ? ORDER BY id", {id});
  if (!deps) return deps.error();
  for (const Row& r : *deps) inc.dependents.push_back(IntOr(r[0], 0));
  return std::optional(std::move(inc));
}

core::Result<Incident> AcknowledgeIn(Mutation& m, int64_t id, const core::Actor& actor,
                                     const IncidentAnnouncer& announce) {
  auto before = LoadIncident(m.tx(), id);
  if (!before) return before.error();
  if (!*before) return core::Error::NotFound("incident " + std::to_string(id) + " not found");
  if ((*before)->ended_at) {
    return core::Error::Conflict("incident " + std::to_string(id) + " is already resolved");
  }
  if ((*before)->acknowledged_at) {
    return core::Error::Conflict("incident " + std::to_string(id) + " was already acknowledged by " +
                                 (*before)->acknowledged_by);
  }
  auto r = m.tx().Exec(
      "UPDATE incidents SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND "
      "acknowledged_at IS NULL AND ended_at IS NULL",
      {actor.name, m.now_ms(), id});
  if (!r) return r.error();
  auto after = LoadIncident(m.tx(), id);
  if (!after) return after.error();
  if (!*after) return core::Error::Internal("incident vanished");
  const std::string key = std::to_string(id);
  if (auto a = m.Record(kEntity, key, "acknowledge", IncidentJson(**before), IncidentJson(**after));
      !a) {
    return a.error();
  }
  if (announce) {
    if (auto o = AppendOutbox(m.tx(), announce(**after), m.now()); !o) return o.error();
  }
  return std::move(**after);
}

}  // namespace

core::Result<HealthApplied> SqlHealthStore::ApplyHealth(const HealthBatch& batch,
                                                        core::TimePoint now) {
  if (batch.Empty()) return HealthApplied{};
  std::vector<std::string_view> names;
  for (const StateUpdate& s : batch.states) names.push_back(s.status.target);
  for (const IncidentClose& c : batch.closes) names.push_back(c.target);
  for (const IncidentOpen& o : batch.opens) names.push_back(o.target);
  for (const IncidentLink& l : batch.links) names.push_back(l.target);
  std::unordered_map<std::string, int64_t> ids;
  if (!names.empty()) {
    auto found = TargetIds(names);
    if (!found) return found.error();
    ids = std::move(*found);
  }
  return WriteValue<HealthApplied>(db_, [&](Tx& tx) { return ApplyIn(tx, batch, now, ids); });
}

core::Result<Page<Incident>> SqlHealthStore::ListIncidents(const IncidentQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  std::string sql = IncidentSelect() + " WHERE 1 = 1";
  Params params;
  if (auto c = AddCursor(sql, params, query.cursor, kIncidentCursor, "i.started_at", "i.id"); !c)
    return c.error();
  if (query.open) sql += *query.open ? " AND i.ended_at IS NULL" : " AND i.ended_at IS NOT NULL";
  if (query.environment) {
    sql += " AND i.environment = ?";
    params.emplace_back(*query.environment);
  }
  if (query.target) {
    sql += " AND i.target_id = (SELECT id FROM targets WHERE name = ?)";
    params.emplace_back(*query.target);
  }
  if (query.from) {
    sql += " AND i.started_at >= ?";
    params.push_back(Millis(*query.from));
  }
  if (query.to) {
    sql += " AND i.started_at < ?";
    params.push_back(Millis(*query.to));
  }
  sql += " ORDER BY i.started_at DESC, i.id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadValue<Page<Incident>>(db_, [&](Tx& tx) -> core::Result<Page<Incident>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    Page<Incident> page;
    const size_t n = std::min(rows->size(), static_cast<size_t>(limit));
    for (size_t i = 0; i < n; ++i) page.items.push_back(IncidentFromRow((*rows)[i]));
    if (rows->size() > n) {
      const Incident& last = page.items.back();
      page.next = EncodeCursor(kIncidentCursor, core::ToUnixMillis(last.started_at), last.id);
    }
    return page;
  });
}

core::Result<std::vector<Incident>> SqlHealthStore::OpenIncidents() {
  return ReadValue<std::vector<Incident>>(db_, [](Tx& tx) -> core::Result<std::vector<Incident>> {
    static const std::string sql =
        IncidentSelect() + " WHERE i.ended_at IS NULL ORDER BY i.started_at, i.id";
    auto rows = tx.Query(sql);
    if (!rows) return rows.error();
    std::vector<Incident> out;
    out.reserve(rows->size());
    for (const Row& r : *rows) out.push_back(IncidentFromRow(r));
    return out;
  });
}

core::Result<std::optional<Incident>> SqlHealthStore::GetIncident(int64_t id) {
  return ReadValue<std::optional<Incident>>(db_, [&](Tx& tx) { return LoadIncident(tx, id); });
}

core::Result<Incident> SqlHealthStore::Acknowledge(int64_t id, const core::Actor& actor,
                                                   std::string_view request_id,
                                                   const IncidentAnnouncer& announce) {
  return AuditedWrite<Incident>(db_, clock_, actor, request_id, [&](Mutation& m) {
    return AcknowledgeIn(m, id, actor, announce);
  });
}

core::Result<IncidentNote> SqlHealthStore::AddNote(int64_t id, std::string_view text,
                                                   const core::Actor& actor,
                                                   std::string_view request_id) {
  if (text.empty()) return core::Error::InvalidArgument("note is empty", "text");
  if (text.size() > kMaxNoteBytes) {
    return core::Error::InvalidArgument(
        "note is longer than " + std::to_string(kMaxNoteBytes) + " bytes", "text");
  }
  return AuditedWrite<IncidentNote>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<IncidentNote> {
        auto exists = m.tx().Query("SELECT id FROM incidents WHERE id = ?", {id});
        if (!exists) return exists.error();
        if (exists->empty()) {
          return core::Error::NotFound("incident " + std::to_string(id) + " not found");
        }
        auto rows = m.tx().Query(
            "INSERT INTO incident_notes (incident_id, author, at, body) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            {id, actor.name, m.now_ms(), std::string(text)});
        if (!rows) return rows.error();
        if (rows->empty()) return core::Error::Internal("incident_notes: INSERT returned no id");
        IncidentNote note{IntOr(rows->front()[0], 0), actor.name,
                          core::FromUnixMillis(m.now_ms()), std::string(text)};
        JsonObjectText after;
        after.Add("note_id", note.id).Add("author", note.author).Add("text", note.text);
        if (auto a = m.Record(kEntity, std::to_string(id), "note", kJsonNull, after.Finish()); !a)
          return a.error();
        return note;
      });
}

}  // namespace opsdeck::store
