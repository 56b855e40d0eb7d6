// SqlHealthStore: targets synced from the catalog (audited), their lists and
// statuses, heartbeat tokens, and the name -> id cache of the write path.
#include <algorithm>
#include <map>
#include <set>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

constexpr std::string_view kEntity = "target";

struct StoredTarget {
  int64_t id = 0;
  int64_t position = 0;
  std::optional<int64_t> retired_at;
  TargetRecord record;
};

// The targets selected by `where` (over `targets t` and `target_state s`)
// with their checks, tags and dependencies, in config order: four queries
// whatever the number of targets.
core::Result<std::vector<StoredTarget>> LoadTargets(Tx& tx, const std::string& where,
                                                    const Params& params) {
  const std::string filtered =
      " FROM targets t LEFT JOIN target_state s ON s.target_id = t.id WHERE " + where;
  auto rows = tx.Query(
      "SELECT t.id, t.position, t.retired_at, t.name, t.kind, t.environment, t.component, "
      "t.owner, t.docs, t.runbook, t.aws, t.created_at, s.state, s.since, s.flapping, s.reason, "
      "oi.id FROM targets t LEFT JOIN target_state s ON s.target_id = t.id "
      "LEFT JOIN incidents oi ON oi.target_id = t.id AND oi.ended_at IS NULL WHERE " +
          where + " ORDER BY t.position, t.id",
      params);
  if (!rows) return rows.error();
  std::vector<StoredTarget> out;
  std::map<int64_t, size_t> by_id;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    StoredTarget st;
    st.id = IntOr(r[0], 0);
    st.position = IntOr(r[1], 0);
    st.retired_at = OptInt(r[2]);
    TargetDef& d = st.record.def;
    d.name = TextOr(r[3]);
    d.kind = TextOr(r[4]);
    d.environment = TextOr(r[5]);
    d.component = TextOr(r[6]);
    d.owner = TextOr(r[7]);
    d.docs = TextOr(r[8]);
    d.runbook = TextOr(r[9]);
    d.aws_json = TextOr(r[10], "null");
    TargetStatus& s = st.record.status;
    s.target = d.name;
    s.state = IsNull(r[12]) ? core::TargetState::kUnknown
                            : core::ParseTargetState(TextOr(r[12])).value_or(
                                  core::TargetState::kUnknown);
    s.since = IsNull(r[13]) ? TimeOf(r[11]) : TimeOf(r[13]);
    s.flapping = IntOr(r[14], 0) != 0;
    s.reason = TextOr(r[15]);
    s.incident_id = OptInt(r[16]);
    by_id.emplace(st.id, out.size());
    out.push_back(std::move(st));
  }
  if (out.empty()) return out;

  const std::string ids = " IN (SELECT t.id" + filtered + ")";
  auto checks = tx.Query("SELECT target_id, idx, type, summary, interval_ms FROM target_checks "
                         "WHERE target_id" + ids + " ORDER BY target_id, idx",
                         params);
  if (!checks) return checks.error();
  for (const Row& r : *checks) {
    auto it = by_id.find(IntOr(r[0], 0));
    if (it == by_id.end()) continue;  // a target added between the queries
    out[it->second].record.def.checks.push_back(CheckDef{static_cast<int>(IntOr(r[1], 0)),
                                                         TextOr(r[2]), TextOr(r[3]),
                                                         IntOr(r[4], 0)});
  }
  auto tags = tx.Query("SELECT target_id, tag FROM target_tags WHERE target_id" + ids +
                           " ORDER BY target_id, position",
                       params);
  if (!tags) return tags.error();
  for (const Row& r : *tags) {
    if (auto it = by_id.find(IntOr(r[0], 0)); it != by_id.end())
      out[it->second].record.def.tags.push_back(TextOr(r[1]));
  }
  auto deps = tx.Query("SELECT target_id, depends_on FROM target_dependencies WHERE target_id" +
                           ids + " ORDER BY target_id, position",
                       params);
  if (!deps) return deps.error();
  for (const Row& r : *deps) {
    if (auto it = by_id.find(IntOr(r[0], 0)); it != by_id.end())
      out[it->second].record.def.depends_on.push_back(TextOr(r[1]));
  }
  return out;
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonQuote(items[i]);
  return out + "]";
}

std::string ToJson(const TargetDef& d, std::optional<int64_t> retired_at) {
  JsonObjectText j;
  j.Add("name", d.name).Add("kind", d.kind).Add("environment", d.environment);
  j.Add("component", d.component).Add("owner", d.owner).Add("docs", d.docs);
  j.Add("runbook", d.runbook).AddRaw("tags", JsonArray(d.tags));
  j.AddRaw("depends_on", JsonArray(d.depends_on)).AddRaw("aws", d.aws_json);
  std::string checks = "[";
  for (size_t i = 0; i < d.checks.size(); ++i) {
    JsonObjectText c;
    c.Add("type", d.checks[i].type).Add("summary", d.checks[i].summary);
    c.Add("interval_ms", d.checks[i].interval_ms);
    checks += (i ? "," : "") + c.Finish();
  }
  j.AddRaw("checks", checks + "]");
  if (retired_at) {
    j.Add("retired_at", core::FormatRfc3339(core::FromUnixMillis(*retired_at)));
  } else {
    j.AddNull("retired_at");
  }
  return j.Finish();
}

core::Result<void> Validate(const std::vector<TargetDef>& wanted) {
  std::set<std::string_view> seen;
  for (const TargetDef& t : wanted) {
    if (t.name.empty()) return core::Error::InvalidArgument("target name is empty");
    if (!seen.insert(t.name).second) {
      return core::Error::InvalidArgument("target '" + t.name + "' is listed twice");
    }
    if (t.kind != "service" && t.kind != "server") {
      return core::Error::InvalidArgument("target '" + t.name + "': kind must be service or server");
    }
    // The audit snapshot embeds it as JSON; the config layer produces it.
    if (t.aws_json.empty() || (t.aws_json != "null" && t.aws_json.front() != '{')) {
      return core::Error::InvalidArgument("target '" + t.name + "': aws is not a JSON object");
    }
    // The config's checks by position, then external signals (negative
    // indexes, core::ExternalCheck).
    size_t configured = 0;
    while (configured < t.checks.size() && t.checks[configured].index >= 0) ++configured;
    for (size_t i = configured; i < t.checks.size(); ++i) {
      if (!core::IsExternalCheck(t.checks[i].index)) {
        return core::Error::InvalidArgument("target '" + t.name + "': external check " +
                                            std::to_string(i) + " has index " +
                                            std::to_string(t.checks[i].index));
      }
    }
    for (size_t i = 0; i < configured; ++i) {
      if (t.checks[i].index != static_cast<int>(i)) {
        return core::Error::InvalidArgument("target '" + t.name + "': check " +
                                            std::to_string(i) + " has index " +
                                            std::to_string(t.checks[i].index));
      }
    }
  }
  return core::Ok();
}

// Replaces a target's checks, tags and dependencies by `d`'s.
core::Result<void> WriteChildren(Tx& tx, int64_t id, const TargetDef& d) {
  for (std::string_view table : {"target_checks", "target_tags", "target_dependencies"}) {
    if (auto r = tx.Exec("DELETE FROM " + std::string(table) + " WHERE target_id = ?", {id}); !r)
      return r.error();
  }
  for (const CheckDef& c : d.checks) {
    auto r = tx.Exec(
        "INSERT INTO target_checks (target_id, idx, type, summary, interval_ms) "
        "VALUES (?, ?, ?, ?, ?)",
        {id, int64_t{c.index}, c.type, c.summary, c.interval_ms});
    if (!r) return r.error();
  }
  for (size_t i = 0; i < d.tags.size(); ++i) {
    auto r = tx.Exec("INSERT INTO target_tags (target_id, position, tag) VALUES (?, ?, ?)",
                     {id, static_cast<int64_t>(i), d.tags[i]});
    if (!r) return r.error();
  }
  for (size_t i = 0; i < d.depends_on.size(); ++i) {
    auto r = tx.Exec(
        "INSERT INTO target_dependencies (target_id, position, depends_on) VALUES (?, ?, ?)",
        {id, static_cast<int64_t>(i), d.depends_on[i]});
    if (!r) return r.error();
  }
  return core::Ok();
}

Params DefParams(const TargetDef& d) {
  return {d.kind,        TextOrNull(d.environment), TextOrNull(d.component), TextOrNull(d.owner),
          TextOrNull(d.docs), TextOrNull(d.runbook), d.aws_json};
}

core::Result<TargetSyncReport> SyncIn(Mutation& m, const std::vector<TargetDef>& wanted) {
  if (auto r = LockForWrite(m.tx(), "opsdeck.targets"); !r) return r.error();
  auto loaded = LoadTargets(m.tx(), "1 = 1", {});
  if (!loaded) return loaded.error();
  std::map<std::string, StoredTarget*> stored;
  for (StoredTarget& s : *loaded) stored.emplace(s.record.def.name, &s);
  TargetSyncReport report;
  const int64_t now = m.now_ms();

  for (size_t pos = 0; pos < wanted.size(); ++pos) {
    const TargetDef& w = wanted[pos];
    const auto position = static_cast<int64_t>(pos);
    auto it = stored.find(w.name);
    if (it == stored.end()) {
      Params p{w.name, position};
      for (Value& v : DefParams(w)) p.push_back(std::move(v));
      p.insert(p.end(), {now, now});
      auto rows = m.tx().Query(
          "INSERT INTO targets (name, position, kind, environment, component, owner, docs, "
          "runbook, aws, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "RETURNING id",
          p);
      if (!rows) return rows.error();
      if (rows->empty()) return core::Error::Internal("targets: INSERT returned no id");
      if (auto c = WriteChildren(m.tx(), IntOr(rows->front()[0], 0), w); !c) return c.error();
      if (auto a = m.Record(kEntity, w.name, "create", kJsonNull, ToJson(w, std::nullopt)); !a)
        return a.error();
      report.added.push_back(w.name);
      continue;
    }
    const StoredTarget& s = *it->second;
    const bool retired = s.retired_at.has_value();
    if (!retired && s.record.def == w) {
      // The order alone changed: bookkeeping, not an audited change.
      if (s.position != position) {
        auto r = m.tx().Exec("UPDATE targets SET position = ? WHERE id = ?", {position, s.id});
        if (!r) return r.error();
      }
      continue;
    }
    Params p{position};
    for (Value& v : DefParams(w)) p.push_back(std::move(v));
    p.insert(p.end(), {now, s.id});
    auto r = m.tx().Exec(
        "UPDATE targets SET position = ?, kind = ?, environment = ?, component = ?, owner = ?, "
        "docs = ?, runbook = ?, aws = ?, retired_at = NULL, updated_at = ? WHERE id = ?",
        p);
    if (!r) return r.error();
    if (auto c = WriteChildren(m.tx(), s.id, w); !c) return c.error();
    if (auto a = m.Record(kEntity, w.name, retired ? "restore" : "update",
                          ToJson(s.record.def, s.retired_at), ToJson(w, std::nullopt));
        !a) {
      return a.error();
    }
    (retired ? report.added : report.updated).push_back(w.name);
  }

  std::set<std::string_view> wanted_names;
  for (const TargetDef& w : wanted) wanted_names.insert(w.name);
  for (const auto& [name, s] : stored) {
    if (s->retired_at || wanted_names.count(name) != 0) continue;
    auto r = m.tx().Exec("UPDATE targets SET retired_at = ?, updated_at = ? WHERE id = ?",
                         {now, now, s->id});
    if (!r) return r.error();
    if (auto a = m.Record(kEntity, name, "retire", ToJson(s->record.def, std::nullopt),
                          ToJson(s->record.def, now));
        !a) {
      return a.error();
    }
    report.retired.push_back(name);
  }
  return report;
}

}  // namespace

core::Result<TargetSyncReport> SqlHealthStore::SyncTargets(const std::vector<TargetDef>& wanted,
                                                           const core::Actor& actor,
                                                           std::string_view request_id) {
  if (auto v = Validate(wanted); !v) return v.error();
  return AuditedWrite<TargetSyncReport>(db_, clock_, actor, request_id,
                                        [&](Mutation& m) { return SyncIn(m, wanted); });
}

core::Result<std::vector<TargetRecord>> SqlHealthStore::ListTargets(const TargetQuery& query) {
  std::string where = "t.retired_at IS NULL";
  Params params;
  const auto add = [&](const std::optional<std::string>& v, std::string_view clause) {
    if (!v) return;
    where += clause;
    params.emplace_back(*v);
  };
  add(query.environment, " AND t.environment = ?");
  add(query.component, " AND t.component = ?");
  add(query.kind, " AND t.kind = ?");
  if (query.state) {
    where += " AND COALESCE(s.state, 'unknown') = ?";
    params.emplace_back(std::string(core::TargetStateName(*query.state)));
  }
  add(query.tag, " AND EXISTS (SELECT 1 FROM target_tags g WHERE g.target_id = t.id AND g.tag = ?)");
  return ReadValue<std::vector<TargetRecord>>(
      db_, [&](Tx& tx) -> core::Result<std::vector<TargetRecord>> {
        auto loaded = LoadTargets(tx, where, params);
        if (!loaded) return loaded.error();
        std::vector<TargetRecord> out;
        out.reserve(loaded->size());
        for (StoredTarget& s : *loaded) out.push_back(std::move(s.record));
        return out;
      });
}

core::Result<std::optional<TargetRecord>> SqlHealthStore::GetTarget(std::string_view name) {
  return ReadValue<std::optional<TargetRecord>>(
      db_, [&](Tx& tx) -> core::Result<std::optional<TargetRecord>> {
        auto loaded = LoadTargets(tx, "t.retired_at IS NULL AND t.name = ?", {std::string(name)});
        if (!loaded) return loaded.error();
        if (loaded->empty()) return std::optional<TargetRecord>();
        return std::optional(std::move(loaded->front().record));
      });
}

core::Result<std::vector<TargetStatus>> SqlHealthStore::LoadStatuses() {
  return ReadValue<std::vector<TargetStatus>>(
      db_, [](Tx& tx) -> core::Result<std::vector<TargetStatus>> {
        auto loaded = LoadTargets(tx, "t.retired_at IS NULL", {});
        if (!loaded) return loaded.error();
        std::vector<TargetStatus> out;
        out.reserve(loaded->size());
        for (StoredTarget& s : *loaded) out.push_back(std::move(s.record.status));
        return out;
      });
}

core::Result<std::string> SqlHealthStore::HeartbeatToken(const core::CheckKey& key,
                                                         const std::string& fresh) {
  if (fresh.empty()) return core::Error::InvalidArgument("heartbeat token is empty");
  const std::string hash = Sha256Hex(fresh);
  const int64_t now = core::ToUnixMillis(clock_.Now());
  return WriteValue<std::string>(db_, [&](Tx& tx) -> core::Result<std::string> {
    auto check = tx.Query(
        "SELECT t.id FROM targets t JOIN target_checks c ON c.target_id = t.id AND c.idx = ? "
        "WHERE t.name = ? AND c.type = 'heartbeat'",
        {int64_t{key.check}, key.target});
    if (!check) return check.error();
    if (check->empty()) {
      return core::Error::NotFound("target '" + key.target + "' has no heartbeat check " +
                                   std::to_string(key.check));
    }
    const int64_t id = IntOr(check->front()[0], 0);
    auto ins = tx.Exec(
        "INSERT INTO heartbeat_tokens (target_id, check_index, token, token_sha256, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (target_id, check_index) DO NOTHING",
        {id, int64_t{key.check}, fresh, hash, now});
    if (!ins) return ins.error();
    auto token = tx.Query("SELECT token FROM heartbeat_tokens WHERE target_id = ? AND check_index = ?",
                          {id, int64_t{key.check}});
    if (!token) return token.error();
    if (token->empty()) return core::Error::Internal("heartbeat token vanished");
    return TextOr(token->front()[0]);
  });
}

core::Result<std::optional<core::CheckKey>> SqlHealthStore::FindHeartbeat(std::string_view token) {
  if (token.empty()) return std::optional<core::CheckKey>();
  const std::string hash = Sha256Hex(token);
  return ReadValue<std::optional<core::CheckKey>>(
      db_, [&](Tx& tx) -> core::Result<std::optional<core::CheckKey>> {
        // Still a heartbeat check of an active target: a token outlives a
        // config change only while its check stays what it was.
        auto rows = tx.Query(
            "SELECT t.name, h.check_index FROM heartbeat_tokens h "
            "JOIN targets t ON t.id = h.target_id "
            "JOIN target_checks c ON c.target_id = h.target_id AND c.idx = h.check_index "
            "WHERE h.token_sha256 = ? AND t.retired_at IS NULL AND c.type = 'heartbeat'",
            {hash});
        if (!rows) return rows.error();
        if (rows->empty()) return std::optional<core::CheckKey>();
        return std::optional(core::CheckKey{TextOr(rows->front()[0]),
                                            static_cast<int>(IntOr(rows->front()[1], 0))});
      });
}

core::Result<std::unordered_map<std::string, int64_t>> SqlHealthStore::TargetIds(
    const std::vector<std::string_view>& names) {
  std::unordered_map<std::string, int64_t> out;
  const auto fill = [&]() -> std::optional<std::string_view> {
    for (std::string_view n : names) {
      if (out.count(std::string(n)) != 0) continue;
      auto it = ids_.find(std::string(n));
      if (it == ids_.end()) return n;
      out.emplace(it->first, it->second);
    }
    return std::nullopt;
  };
  {
    std::lock_guard lock(ids_mu_);
    if (!fill()) return out;
  }
  // A miss: another instance (or SyncTargets) added targets. Ids never
  // change, so refilling the whole map is always safe.
  auto rows = ReadValue<Rows>(db_, [](Tx& tx) { return tx.Query("SELECT name, id FROM targets"); });
  if (!rows) return rows.error();
  std::lock_guard lock(ids_mu_);
  for (const Row& r : *rows) ids_[TextOr(r[0])] = IntOr(r[1], 0);
  if (auto missing = fill()) {
    return core::Error::NotFound("target '" + std::string(*missing) + "' is not stored");
  }
  return out;
}

}  // namespace opsdeck::store
