// SqlReleaseStore: releases and their checklists (create, list, get, and the
// read-modify-write UpdateRelease). Bookings and freeze overrides are in
// sql_release_store_bookings.cpp, rollbacks in _rollbacks.cpp, row mapping
// in _rows.cpp.
#include "store/sql_release_store.h"

#include <algorithm>
#include <set>

#include "store/audited_write.h"
#include "store/json_text.h"
#include "store/sql_release_store_rows.h"

namespace opsdeck::store {
namespace {

using namespace releases_sql;

constexpr std::string_view kEntity = "release";
constexpr std::string_view kReleaseCursor = "release";

core::Result<void> ValidateNew(const NewRelease& r) {
  if (r.version.empty()) return core::Error::InvalidArgument("version is empty", "version");
  if (r.environments.empty()) {
    return core::Error::InvalidArgument("a release needs at least one environment", "environments");
  }
  if (r.items.empty()) {
    return core::Error::InvalidArgument("a release needs at least one checklist item", "items");
  }
  std::set<std::string_view> ids;
  for (const core::ChecklistItem& item : r.items) {
    if (item.id.empty()) return core::Error::InvalidArgument("a checklist item has no id", "items");
    if (!ids.insert(item.id).second) {
      return core::Error::InvalidArgument("duplicate checklist item id '" + item.id + "'", "items");
    }
    if (std::find(std::begin(core::kReleasePhases), std::end(core::kReleasePhases), item.phase) ==
        std::end(core::kReleasePhases)) {
      return core::Error::InvalidArgument(
          "checklist item '" + item.id + "' has unknown phase '" + item.phase + "'", "items");
    }
    if (item.role != core::Role::kReleaseManager && item.role != core::Role::kDevops) {
      return core::Error::InvalidArgument(
          "checklist item '" + item.id + "' must belong to release-manager or devops", "items");
    }
  }
  return core::Ok();
}

// What UpdateRelease writes and audits: the release fields and items whose
// changeable parts differ between `before` and `after`.
struct ReleaseDiff {
  JsonObjectText before;
  JsonObjectText after;
  JsonObjectText before_items;
  JsonObjectText after_items;
  bool any_item = false;
  std::vector<const core::ChecklistItem*> changed;  // items of `after`, to write
};

bool SameItemState(const core::ChecklistItem& a, const core::ChecklistItem& b) {
  return a.state == b.state && a.done_by == b.done_by && a.done_at == b.done_at && a.note == b.note;
}

void Diff(const core::Release& before, const core::Release& after, ReleaseDiff& d) {
  if (before.state != after.state) {
    d.before.Add("state", core::ReleaseStateName(before.state));
    d.after.Add("state", core::ReleaseStateName(after.state));
  }
  if (before.window != after.window) {
    d.before.Add("window", before.window);
    d.after.Add("window", after.window);
  }
  if (before.window_start != after.window_start) {
    d.before.AddRaw("window_start", JsonTime(before.window_start));
    d.after.AddRaw("window_start", JsonTime(after.window_start));
  }
  for (const core::ChecklistItem& old : before.items) {
    const core::ChecklistItem* now = after.Find(old.id);
    if (now == nullptr || SameItemState(old, *now)) continue;
    d.before_items.AddRaw(old.id, ItemJson(old));
    d.after_items.AddRaw(old.id, ItemJson(*now));
    d.any_item = true;
    d.changed.push_back(now);
  }
  if (d.any_item) {
    d.before.AddRaw("items", d.before_items.Finish());
    d.after.AddRaw("items", d.after_items.Finish());
  }
}

core::Result<core::Release> UpdateIn(
    Mutation& m, int64_t id, const std::function<core::Result<void>(core::Release&)>& change,
    std::string_view action, const AnnouncePlan<core::Release>& announce) {
  if (auto r = LockForWrite(m.tx(), ReleaseLock(id)); !r) return r.error();
  auto loaded = LoadRelease(m.tx(), id);
  if (!loaded) return loaded.error();
  if (!*loaded) return core::Error::NotFound("release " + std::to_string(id) + " not found");
  const core::Release& before = **loaded;
  core::Release after = before;
  if (auto c = change(after); !c) return c.error();

  ReleaseDiff diff;
  Diff(before, after, diff);
  for (const core::ChecklistItem* item : diff.changed) {
    auto r = m.tx().Exec(
        "UPDATE checklist_items SET state = ?, done_by = ?, done_at = ?, note = ? "
        "WHERE release_id = ? AND item_id = ?",
        {std::string(core::ItemStateName(item->state)), TextOrNull(item->done_by),
         TimeOrNull(item->done_at), TextOrNull(item->note), id, item->id});
    if (!r) return r.error();
  }
  auto r = m.tx().Exec(
      "UPDATE releases SET state = ?, window_name = ?, window_start = ?, updated_at = ? "
      "WHERE id = ?",
      {std::string(core::ReleaseStateName(after.state)), TextOrNull(after.window),
       TimeOrNull(after.window_start), m.now_ms(), id});
  if (!r) return r.error();
  if (auto a =
          m.Record(kEntity, std::to_string(id), action, diff.before.Finish(), diff.after.Finish());
      !a) {
    return a.error();
  }
  auto stored = LoadRelease(m.tx(), id);
  if (!stored) return stored.error();
  if (!*stored) return core::Error::Internal("release vanished");
  if (announce) {
    if (auto o = AppendOutbox(m.tx(), announce(**stored), m.now()); !o) return o.error();
  }
  return std::move(**stored);
}

}  // namespace

core::Result<core::Release> SqlReleaseStore::CreateRelease(
    const NewRelease& release, const core::Actor& actor, std::string_view request_id,
    const AnnouncePlan<core::Release>& announce) {
  if (auto v = ValidateNew(release); !v) return v.error();
  return AuditedWrite<core::Release>(
      db_, clock_, actor, request_id, [&](Mutation& m) -> core::Result<core::Release> {
        core::Release r;
        r.version = release.version;
        r.environments = release.environments;
        r.template_name = release.template_name;
        r.window = release.window;
        r.window_start = release.window_start;
        r.state = core::ReleaseState::kPlanned;
        r.created_by = actor.ToString();
        r.created_at = m.now();
        r.updated_at = m.now();
        r.items = release.items;
        auto id = InsertRelease(m.tx(), r);
        if (!id) return id.error();
        r.id = *id;
        if (auto a = m.Record(kEntity, std::to_string(r.id), "create", kJsonNull, ReleaseJson(r));
            !a) {
          return a.error();
        }
        if (announce) {
          if (auto o = AppendOutbox(m.tx(), announce(r), m.now()); !o) return o.error();
        }
        return r;
      });
}

core::Result<Page<core::Release>> SqlReleaseStore::ListReleases(const ReleaseQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  std::string where = "WHERE 1 = 1";
  Params params;
  if (auto c = AddCursor(where, params, query.cursor, kReleaseCursor, "r.created_at", "r.id"); !c)
    return c.error();
  if (query.state) {
    where += " AND r.state = ?";
    params.emplace_back(std::string(core::ReleaseStateName(*query.state)));
  }
  if (query.version) {
    where += " AND r.version = ?";
    params.emplace_back(*query.version);
  }
  if (query.environment) {
    where +=
        " AND EXISTS (SELECT 1 FROM release_environments re WHERE re.release_id = r.id AND "
        "re.environment = ?)";
    params.emplace_back(*query.environment);
  }
  where += " ORDER BY r.created_at DESC, r.id DESC LIMIT ?";
  params.emplace_back(int64_t{limit + 1});
  return ReadValue<Page<core::Release>>(db_, [&](Tx& tx) -> core::Result<Page<core::Release>> {
    auto found = LoadReleases(tx, where, params);
    if (!found) return found.error();
    Page<core::Release> page;
    const bool more = found->size() > static_cast<size_t>(limit);
    if (more) found->resize(static_cast<size_t>(limit));
    page.items = std::move(*found);
    if (more) {
      const core::Release& last = page.items.back();
      page.next = EncodeCursor(kReleaseCursor, core::ToUnixMillis(last.created_at), last.id);
    }
    return page;
  });
}

core::Result<std::optional<core::Release>> SqlReleaseStore::GetRelease(int64_t id) {
  return ReadValue<std::optional<core::Release>>(db_, [&](Tx& tx) { return LoadRelease(tx, id); });
}

core::Result<core::Release> SqlReleaseStore::UpdateRelease(
    int64_t id, const std::function<core::Result<void>(core::Release&)>& change,
    std::string_view action, const core::Actor& actor, std::string_view request_id,
    const AnnouncePlan<core::Release>& announce) {
  return AuditedWrite<core::Release>(db_, clock_, actor, request_id, [&](Mutation& m) {
    return UpdateIn(m, id, change, action, announce);
  });
}

}  // namespace opsdeck::store
