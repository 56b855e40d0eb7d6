// The audit log page: model -> mustache data -> HTML. Row keys are prefixed
// (a_) like the other list pages, so a missing key never resolves to an outer
// one of the same name. The JSON of before/after is outside text: it is shown
// in <pre> and escaped like every other value.
#include "http/ui/audit_log_page.h"

#include <cstddef>

#include "http/ui/list_frame.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::Page;
using internal::RenderPage;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;   // an actor, action or entity in a cell
constexpr std::size_t kMaxJson = 4000;  // before/after; longer ones are cut with "…"
constexpr std::size_t kMaxChanged = 8;  // changed keys named in the summary

// "null" (absent) is shown as an empty side, not as the word null.
std::string JsonSide(const std::string& json) {
  if (json.empty() || json == "null") return {};
  return Shorten(json, kMaxJson);
}

std::string ChangedSummary(const std::vector<std::string>& keys) {
  std::string out;
  for (std::size_t i = 0; i < keys.size() && i < kMaxChanged; ++i) {
    if (i > 0) out += ", ";
    out += Shorten(keys[i], kMaxLabel);
  }
  if (keys.size() > kMaxChanged) out += ", +" + std::to_string(keys.size() - kMaxChanged) + " more";
  return out;
}

data Row(const AuditRow& row) {
  data item{data::type::object};
  item.set("a_id", std::to_string(row.id));
  SetTime(item, "a_at", row.at);
  item.set("a_actor_kind", Shorten(row.actor_kind, kMaxLabel));
  item.set("a_actor_name", Shorten(row.actor_name, kMaxLabel));
  item.set("a_actor", row.actor_kind + ":" + row.actor_name);
  SetText(item, "a_actor_href", row.actor_href);
  item.set("a_action", Shorten(row.action, kMaxLabel));
  item.set("a_entity_type", Shorten(row.entity_type, kMaxLabel));
  item.set("a_entity_id", Shorten(row.entity_id, kMaxLabel));
  SetText(item, "a_entity_href", row.entity_href);
  SetText(item, "a_request_id", Shorten(row.request_id, kMaxLabel));
  const std::string before = JsonSide(row.before_json);
  const std::string after = JsonSide(row.after_json);
  SetText(item, "a_before", before);
  SetText(item, "a_after", after);
  item.set("a_has_details", !before.empty() || !after.empty());
  SetText(item, "a_changed", ChangedSummary(row.changed));
  // What the disclosure says when no key list applies.
  item.set("a_details_label", before.empty()  ? std::string("After")
                              : after.empty() ? std::string("Before")
                                              : std::string("Before and after"));
  return item;
}

}  // namespace

std::string RenderAuditLog(const AuditLogModel& model) {
  data page{data::type::object};
  data rows{data::type::list};
  for (const AuditRow& row : model.entries) rows.push_back(Row(row));
  page.set("has_entries", !model.entries.empty());
  page.set("entries", rows);
  page.set("q_actor", model.filters.actor);
  page.set("q_action", model.filters.action);
  page.set("q_entity_type", model.filters.entity_type);
  page.set("q_entity_id", model.filters.entity_id);
  page.set("q_from", model.filters.from);
  page.set("q_to", model.filters.to);
  SetText(page, "partial_note", model.partial_note);
  internal::SetListFrame(page, {}, model.filtered, model.error, model.pager);
  return RenderPage(Page::kAuditLog, "Audit log", model.shell, "audit_log", std::move(page));
}

}  // namespace opsdeck::http::ui
