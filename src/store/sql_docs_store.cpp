#include "store/sql_docs_store.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_run_rows.h"

namespace opsdeck::store {
namespace {

constexpr std::string_view kEntity = "docs_gap";
constexpr std::string_view kCursorKind = "gap";
constexpr int kMaxListLimit = 500;
// Fingerprints per IN list: well under both backends' parameter limits.
constexpr size_t kChunk = 200;
// Longer than any Jira issue key (project keys are at most 255 characters in
// Jira's own limit; real ones are a handful), short enough for a UI column.
constexpr size_t kMaxTicketKeyBytes = 255;

constexpr std::string_view kColumns =
    "id, fingerprint, kind, subject_kind, subject, environment, summary, first_seen, last_seen, "
    "fixed_at, ticket_key, filed_at, commented_at";

Value TextOrNull(const std::string& s) { return s.empty() ? Value() : Value(s); }

GapRecord FromRow(const Row& r) {
  GapRecord g;
  g.id = IntOr(r[0], 0);
  g.fingerprint = TextOr(r[1]);
  g.kind = TextOr(r[2]);
  g.subject_kind = TextOr(r[3]);
  g.subject = TextOr(r[4]);
  g.environment = TextOr(r[5]);
  g.summary = TextOr(r[6]);
  g.first_seen = core::FromUnixMillis(IntOr(r[7], 0));
  g.last_seen = core::FromUnixMillis(IntOr(r[8], 0));
  g.fixed_at = runs_sql::OptTime(r[9]);
  g.ticket_key = TextOr(r[10]);
  g.filed_at = runs_sql::OptTime(r[11]);
  g.commented_at = runs_sql::OptTime(r[12]);
  return g;
}

std::string GapJson(const GapRecord& g) {
  JsonObjectText j;
  j.Add("fingerprint", g.fingerprint).Add("kind", g.kind).Add("subject_kind", g.subject_kind);
  j.Add("subject", g.subject).Add("environment", g.environment).Add("summary", g.summary);
  j.Add("fixed", !g.open()).Add("ticket_key", g.ticket_key);
  j.Add("commented", g.commented_at.has_value());
  return j.Finish();
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

core::Result<std::optional<GapRecord>> LoadGap(Tx& tx, std::string_view fingerprint) {
  static const std::string sql =
      "SELECT " + std::string(kColumns) + " FROM docs_gaps WHERE fingerprint = ?";
  auto rows = tx.Query(sql, {std::string(fingerprint)});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<GapRecord>();
  return std::optional(FromRow(rows->front()));
}

// The stored rows among `fingerprints`, by fingerprint, in chunks.
core::Result<std::unordered_map<std::string, GapRecord>> LoadGaps(
    Tx& tx, const std::vector<const GapSighting*>& seen) {
  std::unordered_map<std::string, GapRecord> out;
  for (size_t at = 0; at < seen.size(); at += kChunk) {
    const size_t n = std::min(kChunk, seen.size() - at);
    Params p;
    for (size_t i = 0; i < n; ++i) p.emplace_back(seen[at + i]->fingerprint);
    auto rows = tx.Query("SELECT " + std::string(kColumns) +
                             " FROM docs_gaps WHERE fingerprint IN (" + Placeholders(n) + ")",
                         p);
    if (!rows) return rows.error();
    for (const Row& r : *rows) {
      GapRecord g = FromRow(r);
      out.emplace(g.fingerprint, std::move(g));
    }
  }
  return out;
}

core::Result<void> CheckSighting(const GapSighting& s) {
  if (s.fingerprint.empty())
    return core::Error::InvalidArgument("gap without a fingerprint", "fingerprint");
  if (s.kind.empty())
    return core::Error::InvalidArgument("gap " + s.fingerprint + " has no kind", "kind");
  return core::Ok();
}

core::Result<void> Insert(Mutation& m, const GapSighting& s) {
  const int64_t now = m.now_ms();
  auto r = m.tx().Exec(
      "INSERT INTO docs_gaps (fingerprint, kind, subject_kind, subject, environment, summary, "
      "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {s.fingerprint, s.kind, s.subject_kind, s.subject, TextOrNull(s.environment), s.summary, now,
       now});
  if (!r) return r.error();
  GapRecord after{0, s.fingerprint, s.kind, s.subject_kind, s.subject, s.environment, s.summary};
  return m.Record(kEntity, s.fingerprint, "open", kJsonNull, GapJson(after));
}

// Reopens a fixed gap (keeping its ticket) or refreshes an open one.
core::Result<bool> Refresh(Mutation& m, const GapSighting& s, const GapRecord& stored) {
  auto r = m.tx().Exec(
      "UPDATE docs_gaps SET kind = ?, subject_kind = ?, subject = ?, environment = ?, summary = ?, "
      "last_seen = ?, fixed_at = NULL, commented_at = NULL WHERE id = ?",
      {s.kind, s.subject_kind, s.subject, TextOrNull(s.environment), s.summary, m.now_ms(),
       stored.id});
  if (!r) return r.error();
  if (stored.open()) return false;
  GapRecord after = stored;
  after.summary = s.summary;
  after.fixed_at.reset();
  after.commented_at.reset();
  if (auto a = m.Record(kEntity, s.fingerprint, "reopen", GapJson(stored), GapJson(after)); !a)
    return a.error();
  return true;
}

core::Result<GapChanges> RecordIn(Mutation& m, const std::vector<const GapSighting*>& seen,
                                  const std::vector<std::string>& gone) {
  // Two instances recording at once would both insert a new gap; the lock
  // makes the second see the first's row (a no-op on SQLite).
  if (auto r = LockForWrite(m.tx(), "opsdeck.docs"); !r) return r.error();
  auto stored = LoadGaps(m.tx(), seen);
  if (!stored) return stored.error();
  GapChanges changes;
  std::unordered_set<std::string_view> seen_set;
  for (const GapSighting* s : seen) {
    seen_set.insert(s->fingerprint);
    auto it = stored->find(s->fingerprint);
    if (it == stored->end()) {
      if (auto r = Insert(m, *s); !r) return r.error();
      changes.opened.push_back(s->fingerprint);
      continue;
    }
    auto reopened = Refresh(m, *s, it->second);
    if (!reopened) return reopened.error();
    if (*reopened) changes.reopened.push_back(s->fingerprint);
  }
  std::unordered_set<std::string_view> done;
  for (const std::string& fp : gone) {
    if (seen_set.contains(fp) || !done.insert(fp).second) continue;
    auto before = LoadGap(m.tx(), fp);
    if (!before) return before.error();
    if (!*before || !(*before)->open()) continue;
    auto r = m.tx().Exec("UPDATE docs_gaps SET fixed_at = ? WHERE id = ? AND fixed_at IS NULL",
                         {m.now_ms(), (*before)->id});
    if (!r) return r.error();
    GapRecord after = **before;
    after.fixed_at = m.now();
    if (auto a = m.Record(kEntity, fp, "fix", GapJson(**before), GapJson(after)); !a)
      return a.error();
    changes.fixed.push_back(fp);
  }
  return changes;
}

}  // namespace

core::Result<GapChanges> SqlDocsStore::RecordGaps(const std::vector<GapSighting>& seen,
                                                  const std::vector<std::string>& gone,
                                                  const core::Actor& actor,
                                                  std::string_view request_id) {
  return RecordGapsAnnounced(seen, gone, GapAnnouncer(), actor, request_id);
}

core::Result<GapChanges> SqlDocsStore::RecordGapsAnnounced(const std::vector<GapSighting>& seen,
                                                           const std::vector<std::string>& gone,
                                                           const GapAnnouncer& announce,
                                                           const core::Actor& actor,
                                                           std::string_view request_id) {
  std::vector<const GapSighting*> unique;
  std::unordered_set<std::string_view> fingerprints;
  for (const GapSighting& s : seen) {
    if (auto r = CheckSighting(s); !r) return r.error();
    if (fingerprints.insert(s.fingerprint).second) unique.push_back(&s);
  }
  Params texts;  // checked up front, so a bad string fails before any write
  for (const GapSighting* s : unique) {
    for (const std::string* t :
         {&s->fingerprint, &s->kind, &s->subject_kind, &s->subject, &s->environment, &s->summary}) {
      texts.emplace_back(*t);
    }
  }
  if (auto r = CheckTextParams(texts); !r) return r.error();
  return AuditedWrite<GapChanges>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<GapChanges> {
        auto changes = RecordIn(m, unique, gone);
        if (!changes || !announce) return changes;
        const std::vector<OutboxEntry> entries = announce(*changes);
        if (!entries.empty()) {
          if (auto r = AppendOutbox(m.tx(), entries, m.now()); !r) return r.error();
        }
        return changes;
      });
}

core::Result<GapRecord> SqlDocsStore::SetTicket(std::string_view fingerprint, std::string_view key,
                                                const core::Actor& actor,
                                                std::string_view request_id) {
  if (key.empty()) return core::Error::InvalidArgument("empty ticket key", "ticket_key");
  if (key.size() > kMaxTicketKeyBytes) {
    return core::Error::InvalidArgument("ticket key longer than 255 bytes", "ticket_key");
  }
  if (auto r = CheckTextParams({std::string(key)}); !r) return r.error();
  return AuditedWrite<GapRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<GapRecord> {
        auto before = LoadGap(m.tx(), fingerprint);
        if (!before) return before.error();
        if (!*before) return core::Error::NotFound("no gap " + std::string(fingerprint));
        GapRecord after = **before;
        if (after.ticket_key == key) return after;
        if (!after.ticket_key.empty()) {
          return core::Error::Conflict("gap " + std::string(fingerprint) + " already has ticket " +
                                       after.ticket_key);
        }
        auto r = m.tx().Exec(
            "UPDATE docs_gaps SET ticket_key = ?, filed_at = ? WHERE id = ? AND ticket_key IS NULL",
            {std::string(key), m.now_ms(), after.id});
        if (!r) return r.error();
        after.ticket_key = std::string(key);
        after.filed_at = core::FromUnixMillis(m.now_ms());
        if (auto a =
                m.Record(kEntity, after.fingerprint, "file", GapJson(**before), GapJson(after));
            !a) {
          return a.error();
        }
        return after;
      });
}

core::Result<GapRecord> SqlDocsStore::MarkCommented(std::string_view fingerprint,
                                                    const core::Actor& actor,
                                                    std::string_view request_id) {
  return AuditedWrite<GapRecord>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<GapRecord> {
        auto before = LoadGap(m.tx(), fingerprint);
        if (!before) return before.error();
        if (!*before) return core::Error::NotFound("no gap " + std::string(fingerprint));
        GapRecord after = **before;
        const std::string fp(fingerprint);
        if (after.open()) return core::Error::Conflict("gap " + fp + " is open again");
        if (after.ticket_key.empty()) return core::Error::Conflict("gap " + fp + " has no ticket");
        if (after.commented_at) {
          return core::Error::Conflict("ticket " + after.ticket_key + " was already commented on");
        }
        auto r = m.tx().Exec("UPDATE docs_gaps SET commented_at = ? WHERE id = ?",
                             {m.now_ms(), after.id});
        if (!r) return r.error();
        after.commented_at = core::FromUnixMillis(m.now_ms());
        if (auto a = m.Record(kEntity, fp, "comment", GapJson(**before), GapJson(after)); !a)
          return a.error();
        return after;
      });
}

core::Result<std::optional<GapRecord>> SqlDocsStore::GetGap(std::string_view fingerprint) {
  return ReadValue<std::optional<GapRecord>>(db_, [&](Tx& tx) { return LoadGap(tx, fingerprint); });
}

core::Result<std::vector<GapRecord>> SqlDocsStore::OpenGaps() {
  return ReadValue<std::vector<GapRecord>>(db_, [](Tx& tx) -> core::Result<std::vector<GapRecord>> {
    static const std::string sql = "SELECT " + std::string(kColumns) +
                                   " FROM docs_gaps WHERE fixed_at IS NULL ORDER BY first_seen, id";
    auto rows = tx.Query(sql);
    if (!rows) return rows.error();
    std::vector<GapRecord> out;
    out.reserve(rows->size());
    for (const Row& r : *rows) out.push_back(FromRow(r));
    return out;
  });
}

core::Result<std::vector<GapRecord>> SqlDocsStore::PendingComments() {
  return ReadValue<std::vector<GapRecord>>(db_, [](Tx& tx) -> core::Result<std::vector<GapRecord>> {
    static const std::string sql =
        "SELECT " + std::string(kColumns) +
        " FROM docs_gaps WHERE fixed_at IS NOT NULL AND ticket_key IS NOT NULL AND "
        "commented_at IS NULL ORDER BY fixed_at, id";
    auto rows = tx.Query(sql);
    if (!rows) return rows.error();
    std::vector<GapRecord> out;
    for (const Row& r : *rows) out.push_back(FromRow(r));
    return out;
  });
}

core::Result<Page<GapRecord>> SqlDocsStore::ListGaps(const GapQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  std::string sql = "SELECT " + std::string(kColumns) + " FROM docs_gaps WHERE 1 = 1";
  Params params;
  if (auto c = runs_sql::AddCursor(sql, params, query.cursor, kCursorKind, "first_seen", "id"); !c)
    return c.error();
  if (query.open) sql += *query.open ? " AND fixed_at IS NULL" : " AND fixed_at IS NOT NULL";
  if (query.filed) sql += *query.filed ? " AND ticket_key IS NOT NULL" : " AND ticket_key IS NULL";
  if (query.environment) {
    sql += " AND environment = ?";
    params.emplace_back(*query.environment);
  }
  if (query.kind) {
    sql += " AND kind = ?";
    params.emplace_back(*query.kind);
  }
  sql += " ORDER BY first_seen DESC, id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadValue<Page<GapRecord>>(db_, [&](Tx& tx) -> core::Result<Page<GapRecord>> {
    auto rows = tx.Query(sql, params);
    if (!rows) return rows.error();
    Page<GapRecord> page;
    const size_t n = std::min(rows->size(), static_cast<size_t>(limit));
    for (size_t i = 0; i < n; ++i) page.items.push_back(FromRow((*rows)[i]));
    if (rows->size() > n) {
      const GapRecord& last = page.items.back();
      page.next = runs_sql::EncodeCursor(kCursorKind, core::ToUnixMillis(last.first_seen), last.id);
    }
    return page;
  });
}

}  // namespace opsdeck::store
