#include "store/sql_environment_store.h"

#include <map>
#include <optional>
#include <set>

#include "store/audited_write.h"
#include "store/json_text.h"

namespace opsdeck::store {
namespace {

constexpr std::string_view kEntity = "environment";

struct StoredEnvironment {
  int64_t id = 0;
  std::string name;
  int position = 0;
  bool is_protected = false;
  std::optional<int64_t> retired_at;
};

std::string ToJson(const std::string& name, int position, bool is_protected,
                   std::optional<int64_t> retired_at) {
  JsonObjectText j;
  j.Add("name", name).Add("position", position).Add("protected", is_protected);
  if (retired_at) {
    j.Add("retired_at", core::FormatRfc3339(core::FromUnixMillis(*retired_at)));
  } else {
    j.AddNull("retired_at");
  }
  return j.Finish();
}

std::string ToJson(const StoredEnvironment& e) {
  return ToJson(e.name, e.position, e.is_protected, e.retired_at);
}

core::Result<void> Validate(const std::vector<core::Environment>& wanted) {
  std::set<std::string> seen;
  for (const auto& e : wanted) {
    if (e.name.empty()) return core::Error::InvalidArgument("environment name is empty");
    if (!seen.insert(e.name).second) {
      return core::Error::InvalidArgument("environment '" + e.name + "' is listed twice");
    }
  }
  return core::Ok();
}

core::Result<std::map<std::string, StoredEnvironment>> LoadAll(Tx& tx) {
  auto rows = tx.Query("SELECT id, name, position, protected, retired_at FROM environments");
  if (!rows) return rows.error();
  std::map<std::string, StoredEnvironment> out;
  for (const Row& r : *rows) {
    StoredEnvironment e{IntOr(r[0], 0), TextOr(r[1]), static_cast<int>(IntOr(r[2], 0)),
                        IntOr(r[3], 0) != 0, OptInt(r[4])};
    out.emplace(e.name, std::move(e));
  }
  return out;
}

core::Result<EnvironmentSyncReport> SyncIn(Mutation& m, const std::vector<core::Environment>& wanted) {
  if (auto r = LockForWrite(m.tx(), "opsdeck.environments"); !r) return r.error();
  auto stored = LoadAll(m.tx());
  if (!stored) return stored.error();
  EnvironmentSyncReport report;
  const int64_t now = m.now_ms();

  for (size_t i = 0; i < wanted.size(); ++i) {
    const core::Environment& w = wanted[i];
    const int position = static_cast<int>(i);  // the config's order is the promotion path
    const std::string after = ToJson(w.name, position, w.is_protected, std::nullopt);
    auto it = stored->find(w.name);
    if (it == stored->end()) {
      auto r = m.tx().Exec(
          "INSERT INTO environments (name, position, protected, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?)",
          {w.name, int64_t{position}, Bool(w.is_protected), now, now});
      if (!r) return r.error();
      if (auto a = m.Record(kEntity, w.name, "create", kJsonNull, after); !a) return a.error();
      report.added.push_back(w.name);
      continue;
    }
    const StoredEnvironment& s = it->second;
    const bool retired = s.retired_at.has_value();
    if (!retired && s.position == position && s.is_protected == w.is_protected) continue;
    auto r = m.tx().Exec(
        "UPDATE environments SET position = ?, protected = ?, retired_at = NULL, updated_at = ? "
        "WHERE id = ?",
        {int64_t{position}, Bool(w.is_protected), now, s.id});
    if (!r) return r.error();
    if (auto a = m.Record(kEntity, w.name, retired ? "restore" : "update", ToJson(s), after); !a) {
      return a.error();
    }
    (retired ? report.added : report.updated).push_back(w.name);
  }

  std::set<std::string> wanted_names;
  for (const auto& w : wanted) wanted_names.insert(w.name);
  for (const auto& [name, s] : *stored) {
    if (s.retired_at || wanted_names.count(name) != 0) continue;
    auto r = m.tx().Exec("UPDATE environments SET retired_at = ?, updated_at = ? WHERE id = ?",
                         {now, now, s.id});
    if (!r) return r.error();
    StoredEnvironment after = s;
    after.retired_at = now;
    if (auto a = m.Record(kEntity, name, "retire", ToJson(s), ToJson(after)); !a) return a.error();
    report.retired.push_back(name);
  }
  return report;
}

}  // namespace

core::Result<std::vector<core::Environment>> SqlEnvironmentStore::List() {
  return ReadValue<std::vector<core::Environment>>(
      db_, [](Tx& tx) -> core::Result<std::vector<core::Environment>> {
        auto rows = tx.Query(
            "SELECT name, protected, position FROM environments WHERE retired_at IS NULL "
            "ORDER BY position, name");
        if (!rows) return rows.error();
        std::vector<core::Environment> out;
        out.reserve(rows->size());
        for (const Row& r : *rows) {
          out.push_back(core::Environment{TextOr(r[0]), IntOr(r[1], 0) != 0,
                                          static_cast<int>(IntOr(r[2], 0))});
        }
        return out;
      });
}

core::Result<EnvironmentSyncReport> SqlEnvironmentStore::Sync(
    const std::vector<core::Environment>& wanted, const core::Actor& actor,
    std::string_view request_id) {
  if (auto v = Validate(wanted); !v) return v.error();
  return AuditedWrite<EnvironmentSyncReport>(db_, clock_, actor, request_id,
                                             [&](Mutation& m) { return SyncIn(m, wanted); });
}

}  // namespace opsdeck::store
