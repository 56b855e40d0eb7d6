// SqlHealthStore: one-off maintenance windows set at run time (audited).
// A window's selector lists are rows of maintenance_selectors.
#include <algorithm>
#include <map>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_health_store.h"
#include "store/sql_health_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace health_sql;

constexpr std::string_view kEntity = "maintenance";
constexpr std::string_view kWindowColumns =
    "SELECT id, name, starts_at, ends_at, created_by, created_at FROM maintenance_windows";

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonQuote(items[i]);
  return out + "]";
}

std::string ToJson(const MaintenanceWindow& w) {
  JsonObjectText j;
  j.Add("id", w.id).Add("name", w.name);
  j.AddRaw("environments", JsonArray(w.environments)).AddRaw("targets", JsonArray(w.targets));
  j.AddRaw("tags", JsonArray(w.tags));
  j.Add("starts_at", core::FormatRfc3339(w.starts_at));
  j.Add("ends_at", core::FormatRfc3339(w.ends_at));
  j.Add("created_by", w.created_by);
  return j.Finish();
}

MaintenanceWindow WindowFromRow(const Row& r) {
  MaintenanceWindow w;
  w.id = IntOr(r[0], 0);
  w.name = TextOr(r[1]);
  w.starts_at = TimeOf(r[2]);
  w.ends_at = TimeOf(r[3]);
  w.created_by = TextOr(r[4]);
  w.created_at = TimeOf(r[5]);
  return w;
}

// Fills the selector lists of `windows` from the rows of the windows that
// `where` (over maintenance_windows) selects.
core::Result<void> LoadSelectors(Tx& tx, std::vector<MaintenanceWindow>& windows,
                                 const std::string& where, const Params& params) {
  if (windows.empty()) return core::Ok();
  std::map<int64_t, MaintenanceWindow*> by_id;
  for (MaintenanceWindow& w : windows) by_id.emplace(w.id, &w);
  auto rows = tx.Query(
      "SELECT window_id, kind, value FROM maintenance_selectors WHERE window_id IN (SELECT id "
      "FROM maintenance_windows WHERE " +
          where + ") ORDER BY window_id, kind, position",
      params);
  if (!rows) return rows.error();
  for (const Row& r : *rows) {
    auto it = by_id.find(IntOr(r[0], 0));
    if (it == by_id.end()) continue;
    const std::string kind = TextOr(r[1]);
    auto& list = kind == "environment" ? it->second->environments
                 : kind == "target"    ? it->second->targets
                                       : it->second->tags;
    list.push_back(TextOr(r[2]));
  }
  return core::Ok();
}

core::Result<std::optional<MaintenanceWindow>> LoadWindow(Tx& tx, int64_t id) {
  auto rows = tx.Query(std::string(kWindowColumns) + " WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<MaintenanceWindow>();
  std::vector<MaintenanceWindow> one{WindowFromRow(rows->front())};
  if (auto s = LoadSelectors(tx, one, "id = ?", {id}); !s) return s.error();
  return std::optional(std::move(one.front()));
}

core::Result<void> InsertSelectors(Tx& tx, int64_t id, std::string_view kind,
                                   const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    auto r = tx.Exec(
        "INSERT INTO maintenance_selectors (window_id, kind, position, value) VALUES (?, ?, ?, ?)",
        {id, std::string(kind), static_cast<int64_t>(i), values[i]});
    if (!r) return r.error();
  }
  return core::Ok();
}

}  // namespace

core::Result<MaintenanceWindow> SqlHealthStore::CreateMaintenance(const MaintenanceWindow& window,
                                                                  const core::Actor& actor,
                                                                  std::string_view request_id) {
  if (window.ends_at <= window.starts_at) {
    return core::Error::InvalidArgument("maintenance must end after it starts", "ends_at");
  }
  if (window.environments.empty() && window.targets.empty() && window.tags.empty()) {
    return core::Error::InvalidArgument(
        "maintenance selects nothing: set environments, targets or tags");
  }
  return AuditedWrite<MaintenanceWindow>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<MaintenanceWindow> {
        MaintenanceWindow w = window;
        w.created_by = actor.name;
        w.created_at = core::FromUnixMillis(m.now_ms());
        // Stored in milliseconds; return what a later read returns.
        w.starts_at = core::FromUnixMillis(core::ToUnixMillis(w.starts_at));
        w.ends_at = core::FromUnixMillis(core::ToUnixMillis(w.ends_at));
        auto rows = m.tx().Query(
            "INSERT INTO maintenance_windows (name, starts_at, ends_at, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            {TextOrNull(w.name), Millis(w.starts_at), Millis(w.ends_at), w.created_by,
             m.now_ms()});
        if (!rows) return rows.error();
        if (rows->empty()) return core::Error::Internal("maintenance: INSERT returned no id");
        w.id = IntOr(rows->front()[0], 0);
        for (const auto& [kind, list] : {std::pair{"environment", &w.environments},
                                         std::pair{"target", &w.targets},
                                         std::pair{"tag", &w.tags}}) {
          if (auto r = InsertSelectors(m.tx(), w.id, kind, *list); !r) return r.error();
        }
        if (auto a = m.Record(kEntity, std::to_string(w.id), "create", kJsonNull, ToJson(w)); !a)
          return a.error();
        return w;
      });
}

core::Result<std::vector<MaintenanceWindow>> SqlHealthStore::ListMaintenance(core::TimePoint now) {
  const Params params{core::ToUnixMillis(now)};
  return ReadValue<std::vector<MaintenanceWindow>>(
      db_, [&](Tx& tx) -> core::Result<std::vector<MaintenanceWindow>> {
        auto rows = tx.Query(std::string(kWindowColumns) +
                                 " WHERE ends_at > ? ORDER BY starts_at, id",
                             params);
        if (!rows) return rows.error();
        std::vector<MaintenanceWindow> out;
        out.reserve(rows->size());
        for (const Row& r : *rows) out.push_back(WindowFromRow(r));
        if (auto s = LoadSelectors(tx, out, "ends_at > ?", params); !s) return s.error();
        return out;
      });
}

core::Result<void> SqlHealthStore::EndMaintenance(int64_t id, core::TimePoint now,
                                                  const core::Actor& actor,
                                                  std::string_view request_id) {
  const int64_t now_ms = core::ToUnixMillis(now);
  auto done = AuditedWrite<bool>(db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<bool> {
    auto before = LoadWindow(m.tx(), id);
    if (!before) return before.error();
    if (!*before || core::ToUnixMillis((*before)->ends_at) <= now_ms) {
      return core::Error::NotFound("maintenance " + std::to_string(id) + " not found or over");
    }
    // A window that has not started yet is cancelled: it becomes empty at
    // `now` rather than ending before it starts.
    MaintenanceWindow after = **before;
    after.ends_at = core::FromUnixMillis(now_ms);
    after.starts_at = std::min(after.starts_at, after.ends_at);
    auto r = m.tx().Exec("UPDATE maintenance_windows SET starts_at = ?, ends_at = ? WHERE id = ?",
                         {Millis(after.starts_at), now_ms, id});
    if (!r) return r.error();
    if (auto a = m.Record(kEntity, std::to_string(id), "end", ToJson(**before), ToJson(after)); !a)
      return a.error();
    return true;
  });
  if (!done) return done.error();
  return core::Ok();
}

}  // namespace opsdeck::store
