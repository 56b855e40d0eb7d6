// SqlHealthStore::HealthOverview: the overview's health in four grouped
// queries (state counts, the worst targets, open incident counts, the newest
// open incidents), each one statement whatever the number of targets, none
// reading check results; and SummarizeHealth, the same answer computed over
// values (the definition the fakes use and the conformance tests compare).
#include <algorithm>
#include <map>

#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

// core::TargetStateRank in SQL, so the database sorts worst first.
constexpr std::string_view kRankSql =
    "CASE COALESCE(s.state, 'unknown') WHEN 'down' THEN 0 WHEN 'degraded' THEN 1 "
    "WHEN 'unknown' THEN 2 WHEN 'maintenance' THEN 3 ELSE 4 END";

EnvironmentHealth& Slot(std::map<std::string, EnvironmentHealth>& by_env, const std::string& env) {
  auto [it, inserted] = by_env.try_emplace(env);
  if (inserted) it->second.environment = env;
  return it->second;
}

std::vector<EnvironmentHealth> Flatten(std::map<std::string, EnvironmentHealth> by_env) {
  std::vector<EnvironmentHealth> out;
  out.reserve(by_env.size());
  for (auto& [name, health] : by_env) out.push_back(std::move(health));
  return out;
}

core::Result<void> AddCounts(Tx& tx, std::map<std::string, EnvironmentHealth>& by_env) {
  auto rows = tx.Query(
      "SELECT t.environment, COALESCE(s.state, 'unknown'), COUNT(*) FROM targets t "
      "LEFT JOIN target_state s ON s.target_id = t.id WHERE t.retired_at IS NULL "
      "GROUP BY t.environment, COALESCE(s.state, 'unknown')");
  if (!rows) return rows.error();
  for (const Row& r : *rows) {
    const auto state = core::ParseTargetState(TextOr(r[1])).value_or(core::TargetState::kUnknown);
    Slot(by_env, TextOr(r[0])).counts.Of(state) += IntOr(r[2], 0);
  }
  return core::Ok();
}

core::Result<void> AddWorst(Tx& tx, std::map<std::string, EnvironmentHealth>& by_env, int limit) {
  if (limit <= 0) return core::Ok();
  static const std::string sql =
      "SELECT w.env, w.name, w.state, w.since, w.flapping, w.reason, w.incident FROM ("
      "SELECT t.environment AS env, t.name AS name, COALESCE(s.state, 'unknown') AS state, "
      "COALESCE(s.since, t.created_at) AS since, s.flapping AS flapping, s.reason AS reason, "
      "oi.id AS incident, ROW_NUMBER() OVER (PARTITION BY t.environment ORDER BY " +
      std::string(kRankSql) +
      ", COALESCE(s.since, t.created_at), t.position, t.id) AS rn "
      "FROM targets t LEFT JOIN target_state s ON s.target_id = t.id "
      "LEFT JOIN incidents oi ON oi.target_id = t.id AND oi.ended_at IS NULL "
      "WHERE t.retired_at IS NULL AND COALESCE(s.state, 'unknown') <> 'up') w "
      "WHERE w.rn <= ? ORDER BY w.env, w.rn";
  auto rows = tx.Query(sql, {int64_t{limit}});
  if (!rows) return rows.error();
  for (const Row& r : *rows) {
    TargetStatus s;
    s.target = TextOr(r[1]);
    s.state = core::ParseTargetState(TextOr(r[2])).value_or(core::TargetState::kUnknown);
    s.since = TimeOf(r[3]);
    s.flapping = IntOr(r[4], 0) != 0;
    s.reason = TextOr(r[5]);
    s.incident_id = OptInt(r[6]);
    Slot(by_env, TextOr(r[0])).worst.push_back(std::move(s));
  }
  return core::Ok();
}

core::Result<void> AddIncidents(Tx& tx, std::map<std::string, EnvironmentHealth>& by_env,
                                int limit) {
  auto counts = tx.Query(
      "SELECT environment, COUNT(*) FROM incidents WHERE ended_at IS NULL GROUP BY environment");
  if (!counts) return counts.error();
  for (const Row& r : *counts) Slot(by_env, TextOr(r[0])).open_incidents = IntOr(r[1], 0);
  if (limit <= 0 || counts->empty()) return core::Ok();
  static const std::string sql =
      "SELECT " + std::string(kIncidentColumns) + std::string(kIncidentFrom) +
      " WHERE i.id IN (SELECT n.id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY "
      "environment ORDER BY started_at DESC, id DESC) AS rn FROM incidents "
      "WHERE ended_at IS NULL) n WHERE n.rn <= ?) "
      "ORDER BY i.environment, i.started_at DESC, i.id DESC";
  auto rows = tx.Query(sql, {int64_t{limit}});
  if (!rows) return rows.error();
  for (const Row& r : *rows) {
    Incident incident = IncidentFromRow(r);
    Slot(by_env, incident.environment).newest_incidents.push_back(std::move(incident));
  }
  return core::Ok();
}

}  // namespace

int64_t& StateCounts::Of(core::TargetState s) {
  switch (s) {
    case core::TargetState::kUp:
      return up;
    case core::TargetState::kDegraded:
      return degraded;
    case core::TargetState::kDown:
      return down;
    case core::TargetState::kMaintenance:
      return maintenance;
    case core::TargetState::kUnknown:
      break;
  }
  return unknown;
}

core::Result<std::vector<EnvironmentHealth>> SqlHealthStore::HealthOverview(
    int worst_per_environment, int incidents_per_environment) {
  return ReadValue<std::vector<EnvironmentHealth>>(
      db_, [&](Tx& tx) -> core::Result<std::vector<EnvironmentHealth>> {
        std::map<std::string, EnvironmentHealth> by_env;
        if (auto r = AddCounts(tx, by_env); !r) return r.error();
        if (auto r = AddWorst(tx, by_env, worst_per_environment); !r) return r.error();
        if (auto r = AddIncidents(tx, by_env, incidents_per_environment); !r) return r.error();
        return Flatten(std::move(by_env));
      });
}

std::vector<EnvironmentHealth> SummarizeHealth(const std::vector<TargetRecord>& targets,
                                               const std::vector<Incident>& incidents,
                                               int worst_per_environment,
                                               int incidents_per_environment) {
  std::map<std::string, EnvironmentHealth> by_env;
  std::map<std::string, std::vector<const TargetRecord*>> not_up;
  for (const TargetRecord& t : targets) {
    Slot(by_env, t.def.environment).counts.Of(t.status.state) += 1;
    if (t.status.state != core::TargetState::kUp) not_up[t.def.environment].push_back(&t);
  }
  for (auto& [env, list] : not_up) {
    // Stable: equal rank and since keep the given (config) order.
    std::stable_sort(list.begin(), list.end(), [](const TargetRecord* a, const TargetRecord* b) {
      const int ra = core::TargetStateRank(a->status.state);
      const int rb = core::TargetStateRank(b->status.state);
      if (ra != rb) return ra > rb;
      return a->status.since < b->status.since;
    });
    auto& worst = by_env[env].worst;
    for (const TargetRecord* t : list) {
      if (static_cast<int>(worst.size()) >= worst_per_environment) break;
      worst.push_back(t->status);
    }
  }
  std::vector<const Incident*> open;
  for (const Incident& i : incidents) {
    if (!i.ended_at) open.push_back(&i);
  }
  std::stable_sort(open.begin(), open.end(), [](const Incident* a, const Incident* b) {
    return a->started_at != b->started_at ? a->started_at > b->started_at : a->id > b->id;
  });
  for (const Incident* i : open) {
    EnvironmentHealth& env = Slot(by_env, i->environment);
    ++env.open_incidents;
    if (static_cast<int>(env.newest_incidents.size()) < incidents_per_environment) {
      Incident copy = *i;
      copy.notes.clear();
      copy.dependents.clear();
      env.newest_incidents.push_back(std::move(copy));
    }
  }
  return Flatten(std::move(by_env));
}

}  // namespace opsdeck::store
