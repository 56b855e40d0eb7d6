#include "store/sql_release_store_rows.h"

#include <unordered_map>

#include "store/audited_write.h"
#include "store/json_text.h"

namespace opsdeck::store {

std::string_view BookingStateName(BookingState s) {
  switch (s) {
    case BookingState::kRequested:
      return "requested";
    case BookingState::kAccepted:
      return "accepted";
    case BookingState::kDeclined:
      return "declined";
    case BookingState::kCanceled:
      return "canceled";
  }
  return "requested";
}

std::optional<BookingState> ParseBookingState(std::string_view name) {
  for (BookingState s : {BookingState::kRequested, BookingState::kAccepted, BookingState::kDeclined,
                         BookingState::kCanceled}) {
    if (BookingStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view RollbackStatusName(RollbackStatus s) {
  switch (s) {
    case RollbackStatus::kStarted:
      return "started";
    case RollbackStatus::kRunning:
      return "running";
    case RollbackStatus::kSucceeded:
      return "succeeded";
    case RollbackStatus::kFailed:
      return "failed";
  }
  return "started";
}

std::optional<RollbackStatus> ParseRollbackStatus(std::string_view name) {
  for (RollbackStatus s : {RollbackStatus::kStarted, RollbackStatus::kRunning,
                           RollbackStatus::kSucceeded, RollbackStatus::kFailed}) {
    if (RollbackStatusName(s) == name) return s;
  }
  return std::nullopt;
}

namespace releases_sql {
namespace {

constexpr std::string_view kReleaseSelect =
    "SELECT r.id, r.version, r.template, r.window_name, r.window_start, r.state, r.created_by, "
    "r.created_at, r.updated_at FROM releases r ";

core::Release ReleaseFromRow(const Row& r) {
  core::Release out;
  out.id = IntOr(r[0], 0);
  out.version = TextOr(r[1]);
  out.template_name = TextOr(r[2]);
  out.window = TextOr(r[3]);
  out.window_start = OptTime(r[4]);
  // The CHECK constraint admits only known names.
  out.state = core::ParseReleaseState(TextOr(r[5])).value_or(core::ReleaseState::kPlanned);
  out.created_by = TextOr(r[6]);
  out.created_at = TimeOf(r[7]);
  out.updated_at = TimeOf(r[8]);
  return out;
}

core::ChecklistItem ItemFromRow(const Row& r) {
  core::ChecklistItem item;
  item.id = TextOr(r[2]);
  item.title = TextOr(r[3]);
  item.description = TextOr(r[4]);
  item.phase = TextOr(r[5]);
  item.role = core::ParseRole(TextOr(r[6])).value_or(core::Role::kReleaseManager);
  item.required = IntOr(r[7], 1) != 0;
  item.auto_check = TextOr(r[8]);
  item.state = TextOr(r[9]) == core::ItemStateName(core::ItemState::kDone) ? core::ItemState::kDone
                                                                           : core::ItemState::kOpen;
  item.done_by = TextOr(r[10]);
  item.done_at = OptTime(r[11]);
  item.note = TextOr(r[12]);
  return item;
}

}  // namespace

std::string ReleaseLock(int64_t id) { return "opsdeck.release." + std::to_string(id); }
std::string RollbackLock(int64_t id) { return "opsdeck.rollback." + std::to_string(id); }
std::string EnvironmentRollbackLock(std::string_view environment) {
  return "opsdeck.rollback.environment." + std::string(environment);
}

std::string Placeholders(size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonQuote(items[i]);
  return out + "]";
}

std::string JsonTime(const std::optional<core::TimePoint>& t) {
  return t ? JsonQuote(core::FormatRfc3339(*t)) : std::string(kJsonNull);
}

core::Result<std::vector<core::Release>> LoadReleases(Tx& tx, std::string_view where,
                                                      const Params& params) {
  auto rows = tx.Query(std::string(kReleaseSelect) + std::string(where), params);
  if (!rows) return rows.error();
  std::vector<core::Release> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) out.push_back(ReleaseFromRow(r));
  if (out.empty()) return out;

  std::unordered_map<int64_t, core::Release*> by_id;
  Params ids;
  for (core::Release& r : out) {
    by_id.emplace(r.id, &r);
    ids.emplace_back(r.id);
  }
  const std::string in = " WHERE release_id IN (" + Placeholders(ids.size()) + ")";
  auto envs = tx.Query("SELECT release_id, environment FROM release_environments" + in +
                           " ORDER BY release_id, position",
                       ids);
  if (!envs) return envs.error();
  for (const Row& r : *envs) by_id.at(IntOr(r[0], 0))->environments.push_back(TextOr(r[1]));

  auto items = tx.Query(
      "SELECT release_id, position, item_id, title, description, phase, role, required, "
      "auto_check, state, done_by, done_at, note FROM checklist_items" +
          in + " ORDER BY release_id, position",
      ids);
  if (!items) return items.error();
  // Positions are 0..n-1 as inserted, so an item's position is its index.
  for (const Row& r : *items) by_id.at(IntOr(r[0], 0))->items.push_back(ItemFromRow(r));

  auto deps =
      tx.Query("SELECT release_id, item_position, depends_on FROM checklist_item_dependencies" +
                   in + " ORDER BY release_id, item_position, position",
               ids);
  if (!deps) return deps.error();
  for (const Row& r : *deps) {
    std::vector<core::ChecklistItem>& list = by_id.at(IntOr(r[0], 0))->items;
    const int64_t at = IntOr(r[1], -1);
    if (at < 0 || static_cast<size_t>(at) >= list.size()) {
      return core::Error::Internal("checklist dependency of a missing item");
    }
    list[static_cast<size_t>(at)].depends_on.push_back(TextOr(r[2]));
  }
  return out;
}

core::Result<std::optional<core::Release>> LoadRelease(Tx& tx, int64_t id) {
  auto found = LoadReleases(tx, "WHERE r.id = ?", {id});
  if (!found) return found.error();
  if (found->empty()) return std::optional<core::Release>();
  return std::optional(std::move(found->front()));
}

core::Result<int64_t> InsertRelease(Tx& tx, const core::Release& release) {
  auto rows = tx.Query(
      "INSERT INTO releases (version, template, window_name, window_start, state, created_by, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {release.version, release.template_name, TextOrNull(release.window),
       TimeOrNull(release.window_start), std::string(core::ReleaseStateName(release.state)),
       release.created_by, Millis(release.created_at), Millis(release.updated_at)});
  if (!rows) return rows.error();
  if (rows->empty()) return core::Error::Internal("releases: INSERT returned no id");
  const int64_t id = IntOr(rows->front()[0], 0);
  for (size_t i = 0; i < release.environments.size(); ++i) {
    auto r = tx.Exec(
        "INSERT INTO release_environments (release_id, position, environment) VALUES (?, ?, ?)",
        {id, static_cast<int64_t>(i), release.environments[i]});
    if (!r) return r.error();
  }
  for (size_t i = 0; i < release.items.size(); ++i) {
    const core::ChecklistItem& item = release.items[i];
    auto r = tx.Exec(
        "INSERT INTO checklist_items (release_id, position, item_id, title, description, phase, "
        "role, required, auto_check, state, done_by, done_at, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, static_cast<int64_t>(i), item.id, item.title, TextOrNull(item.description), item.phase,
         std::string(core::RoleName(item.role)), Bool(item.required), TextOrNull(item.auto_check),
         std::string(core::ItemStateName(item.state)), TextOrNull(item.done_by),
         TimeOrNull(item.done_at), TextOrNull(item.note)});
    if (!r) return r.error();
    for (size_t d = 0; d < item.depends_on.size(); ++d) {
      auto dep = tx.Exec(
          "INSERT INTO checklist_item_dependencies (release_id, item_position, position, "
          "depends_on) VALUES (?, ?, ?, ?)",
          {id, static_cast<int64_t>(i), static_cast<int64_t>(d), item.depends_on[d]});
      if (!dep) return dep.error();
    }
  }
  return id;
}

std::string ReleaseJson(const core::Release& r) {
  std::vector<std::string> item_ids;
  item_ids.reserve(r.items.size());
  for (const core::ChecklistItem& item : r.items) item_ids.push_back(item.id);
  JsonObjectText j;
  j.Add("id", r.id).Add("version", r.version).Add("template", r.template_name);
  j.AddRaw("environments", JsonArray(r.environments));
  if (r.window.empty()) {
    j.AddNull("window");
  } else {
    j.Add("window", r.window);
  }
  j.AddRaw("window_start", JsonTime(r.window_start));
  j.Add("state", core::ReleaseStateName(r.state));
  j.AddRaw("items", JsonArray(item_ids));
  return j.Finish();
}

std::string ItemJson(const core::ChecklistItem& item) {
  JsonObjectText j;
  j.Add("state", core::ItemStateName(item.state)).Add("done_by", item.done_by);
  j.AddRaw("done_at", JsonTime(item.done_at)).Add("note", item.note);
  return j.Finish();
}

Booking BookingFromRow(const Row& r) {
  Booking b;
  b.id = IntOr(r[0], 0);
  b.release_id = IntOr(r[1], 0);
  b.window = TextOr(r[2]);
  b.starts_at = TimeOf(r[3]);
  b.ends_at = TimeOf(r[4]);
  b.state = ParseBookingState(TextOr(r[5])).value_or(BookingState::kRequested);
  b.requested_by = TextOr(r[6]);
  b.requested_at = TimeOf(r[7]);
  b.decided_by = TextOr(r[8]);
  b.decided_at = OptTime(r[9]);
  b.note = TextOr(r[10]);
  b.reminded = IntOr(r[11], 0) != 0;
  return b;
}

std::string BookingJson(const Booking& b) {
  JsonObjectText j;
  j.Add("id", b.id).Add("release_id", b.release_id).Add("window", b.window);
  j.AddRaw("starts_at", JsonTime(b.starts_at)).AddRaw("ends_at", JsonTime(b.ends_at));
  j.Add("state", BookingStateName(b.state)).Add("requested_by", b.requested_by);
  j.Add("decided_by", b.decided_by).Add("note", b.note).Add("reminded", b.reminded);
  return j.Finish();
}

core::Result<std::optional<Booking>> LoadBooking(Tx& tx, int64_t id) {
  auto rows = tx.Query(
      "SELECT " + std::string(kBookingColumns) + " FROM window_bookings WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Booking>();
  return std::optional(BookingFromRow(rows->front()));
}

FreezeOverride OverrideFromRow(const Row& r) {
  FreezeOverride o;
  o.id = IntOr(r[0], 0);
  o.window = TextOr(r[1]);
  o.starts_at = TimeOf(r[2]);
  o.ends_at = TimeOf(r[3]);
  o.reason = TextOr(r[4]);
  o.by = TextOr(r[5]);
  o.at = TimeOf(r[6]);
  return o;
}

std::string OverrideJson(const FreezeOverride& o) {
  JsonObjectText j;
  j.Add("id", o.id).Add("window", o.window);
  j.AddRaw("starts_at", JsonTime(o.starts_at)).AddRaw("ends_at", JsonTime(o.ends_at));
  j.Add("reason", o.reason).Add("by", o.by);
  return j.Finish();
}

Rollback RollbackFromRow(const Row& r) {
  Rollback out;
  out.id = IntOr(r[0], 0);
  out.environment = TextOr(r[1]);
  out.version = TextOr(r[2]);
  out.deployment_id = IntOr(r[3], 0);
  out.release_id = OptInt(r[4]);
  out.status = ParseRollbackStatus(TextOr(r[5])).value_or(RollbackStatus::kStarted);
  out.started_by = TextOr(r[6]);
  out.started_at = TimeOf(r[7]);
  out.finished_at = OptTime(r[8]);
  out.action = TextOr(r[9]);
  out.action_result = TextOr(r[10]);
  out.run_id = OptInt(r[11]);
  out.error = TextOr(r[12]);
  return out;
}

std::string RollbackJson(const Rollback& r) {
  JsonObjectText j;
  j.Add("id", r.id).Add("environment", r.environment).Add("version", r.version);
  j.Add("deployment_id", r.deployment_id);
  if (r.release_id) {
    j.Add("release_id", *r.release_id);
  } else {
    j.AddNull("release_id");
  }
  j.Add("status", RollbackStatusName(r.status)).Add("started_by", r.started_by);
  j.AddRaw("finished_at", JsonTime(r.finished_at));
  j.Add("action", r.action).Add("action_result", r.action_result);
  if (r.run_id) {
    j.Add("run_id", *r.run_id);
  } else {
    j.AddNull("run_id");
  }
  j.Add("error", r.error);
  return j.Finish();
}

core::Result<std::optional<Rollback>> LoadRollback(Tx& tx, int64_t id) {
  auto rows =
      tx.Query("SELECT " + std::string(kRollbackColumns) + " FROM rollbacks WHERE id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Rollback>();
  return std::optional(RollbackFromRow(rows->front()));
}

}  // namespace releases_sql
}  // namespace opsdeck::store
