#include "http/api/release_json.h"

#include "core/role.h"
#include "http/api/health_json.h"

namespace opsdeck::http {

namespace json = boost::json;

namespace {

json::value IdOrNull(const std::optional<int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

}  // namespace

json::object ChecklistItemJson(const core::ChecklistItem& item) {
  json::object o;
  o["id"] = item.id;
  o["title"] = item.title;
  o["description"] = TextOrNull(item.description);
  o["phase"] = item.phase;
  o["role"] = core::RoleName(item.role);
  o["required"] = item.required;
  o["depends_on"] = Strings(item.depends_on);
  o["auto"] = TextOrNull(item.auto_check);
  o["state"] = core::ItemStateName(item.state);
  o["done_by"] = TextOrNull(item.done_by);
  o["done_at"] = TimeOrNull(item.done_at);
  o["note"] = TextOrNull(item.note);
  return o;
}

json::array ProgressJson(const core::Release& release) {
  json::array out;
  for (const core::RoleProgress& p : core::Progress(release)) {
    json::object o;
    o["role"] = core::RoleName(p.role);
    o["done"] = p.done;
    o["total"] = p.total;
    o["required_done"] = p.required_done;
    o["required_total"] = p.required_total;
    out.push_back(std::move(o));
  }
  return out;
}

json::object ReleaseJson(const core::Release& release, bool detail) {
  json::object o;
  o["id"] = release.id;
  o["version"] = release.version;
  o["environments"] = Strings(release.environments);
  o["template"] = release.template_name;
  o["window"] = TextOrNull(release.window);
  o["window_start"] = TimeOrNull(release.window_start);
  o["state"] = core::ReleaseStateName(release.state);
  o["created_by"] = release.created_by;
  o["created_at"] = core::FormatRfc3339(release.created_at);
  o["updated_at"] = core::FormatRfc3339(release.updated_at);
  o["progress"] = ProgressJson(release);
  if (detail) {
    json::array items;
    items.reserve(release.items.size());
    for (const auto& item : release.items) items.push_back(ChecklistItemJson(item));
    o["items"] = std::move(items);
    o["open_required"] = Strings(core::OpenRequired(release));
  }
  return o;
}

json::object BookingJson(const store::Booking& b) {
  json::object o;
  o["id"] = b.id;
  o["release_id"] = b.release_id;
  o["window"] = b.window;
  o["starts_at"] = core::FormatRfc3339(b.starts_at);
  o["ends_at"] = core::FormatRfc3339(b.ends_at);
  o["state"] = store::BookingStateName(b.state);
  o["requested_by"] = b.requested_by;
  o["requested_at"] = core::FormatRfc3339(b.requested_at);
  o["decided_by"] = TextOrNull(b.decided_by);
  o["decided_at"] = TimeOrNull(b.decided_at);
  o["note"] = TextOrNull(b.note);
  o["reminded"] = b.reminded;
  return o;
}

json::object OverrideJson(const store::FreezeOverride& f) {
  json::object o;
  o["id"] = f.id;
  o["window"] = f.window;
  o["starts_at"] = core::FormatRfc3339(f.starts_at);
  o["ends_at"] = core::FormatRfc3339(f.ends_at);
  o["reason"] = f.reason;
  o["by"] = f.by;
  o["at"] = core::FormatRfc3339(f.at);
  return o;
}

json::object WindowOccurrenceJson(const release::WindowView& view, core::TimePoint now) {
  const core::WindowOccurrence& w = view.occurrence;
  json::object o;
  o["window"] = w.window;
  o["kind"] = w.deny ? "deny" : "allow";
  o["starts_at"] = core::FormatRfc3339(w.start);
  o["ends_at"] = core::FormatRfc3339(w.end);
  o["active"] = w.start <= now && now < w.end;
  o["devops"] = Strings(w.devops);
  json::array bookings;
  for (const auto& b : view.bookings) bookings.push_back(BookingJson(b));
  o["bookings"] = std::move(bookings);
  o["override"] = view.override_ ? json::value(OverrideJson(*view.override_)) : json::value(nullptr);
  return o;
}

json::object GateJson(const core::GateDecision& decision) {
  json::object o;
  o["allowed"] = decision.allowed;
  json::array reasons;
  for (const auto& r : decision.reasons) {
    json::object ro;
    ro["code"] = r.code;
    ro["message"] = r.message;
    reasons.push_back(std::move(ro));
  }
  o["reasons"] = std::move(reasons);
  return o;
}

json::object RollbackJson(const store::Rollback& r) {
  json::object o;
  o["id"] = r.id;
  o["environment"] = r.environment;
  o["version"] = r.version;
  o["deployment_id"] = r.deployment_id != 0 ? json::value(r.deployment_id) : json::value(nullptr);
  o["release_id"] = IdOrNull(r.release_id);
  o["status"] = store::RollbackStatusName(r.status);
  o["started_by"] = r.started_by;
  o["started_at"] = core::FormatRfc3339(r.started_at);
  o["finished_at"] = TimeOrNull(r.finished_at);
  o["action"] = r.action;
  o["action_result"] = TextOrNull(r.action_result);
  o["run_id"] = IdOrNull(r.run_id);
  o["error"] = TextOrNull(r.error);
  return o;
}

}  // namespace opsdeck::http
