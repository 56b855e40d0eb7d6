// The incident list and detail pages: model -> mustache data -> HTML. Keys
// are prefixed per list (i_, tl_, dp_, f_) so that a missing key never
// resolves to an outer one of the same name.
#include "http/ui/incident_pages.h"

#include <algorithm>
#include <string_view>

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::FormatDuration;
using internal::Page;
using internal::RenderPage;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;    // a target or environment in a cell
constexpr std::size_t kMaxCause = 500;   // the failure that opened it, in the list
constexpr std::size_t kMaxNote = 10000;  // the store's own limit for a note

std::string IncidentHref(int64_t id) { return "/incidents/" + std::to_string(id); }

data IncidentItem(const IncidentRow& row, core::TimePoint now, std::size_t max_cause) {
  data item{data::type::object};
  item.set("i_id", std::to_string(row.id));
  item.set("i_href", IncidentHref(row.id));
  item.set("i_target", Shorten(row.target, kMaxLabel));
  item.set("i_target_href", row.target_href);
  SetText(item, "i_environment", Shorten(row.environment, kMaxLabel));
  const bool open = !row.ended_at.has_value();
  item.set("i_open", open);
  item.set("i_state", std::string(open ? "open" : "resolved"));
  item.set("i_state_label", std::string(open ? "Open" : "Resolved"));
  item.set("i_state_icon", std::string(open ? "incident" : "up"));
  item.set("i_state_css", std::string(open ? "down" : "up"));
  SetTime(item, "i_started", row.started_at);
  SetTime(item, "i_ended", row.ended_at);
  item.set("i_duration", FormatDuration(row.ended_at.value_or(now) - row.started_at));
  SetText(item, "i_cause", Shorten(row.cause, max_cause));
  item.set("i_has_root", row.root_id.has_value());
  item.set("i_root_href", row.root_id ? IncidentHref(*row.root_id) : std::string());
  item.set("i_root_id", row.root_id ? std::to_string(*row.root_id) : std::string());
  item.set("i_root_target", Shorten(row.root_target, kMaxLabel));
  item.set("i_acknowledged", !row.acknowledged_by.empty());
  item.set("i_ack_by", Shorten(row.acknowledged_by, kMaxLabel));
  SetTime(item, "i_ack_at", row.acknowledged_at);
  return item;
}

data IncidentList(const std::vector<IncidentRow>& rows, core::TimePoint now) {
  data list{data::type::list};
  for (const IncidentRow& row : rows) list.push_back(IncidentItem(row, now, kMaxCause));
  return list;
}

// One entry of the timeline: what happened, when, and who.
struct TimelineEntry {
  core::TimePoint at;
  std::string_view kind;  // opened | acknowledged | note | resolved
  std::string_view icon;
  std::string title;
  std::string text;
};

data Timeline(const IncidentModel& model) {
  const IncidentRow& inc = model.incident;
  std::vector<TimelineEntry> entries;
  entries.push_back({inc.started_at, "opened", "down", "Opened", inc.cause});
  if (inc.acknowledged_at) {
    entries.push_back({*inc.acknowledged_at,
                       "acknowledged",
                       "user",
                       "Acknowledged by " + inc.acknowledged_by,
                       {}});
  }
  for (const IncidentNoteView& note : model.notes) {
    entries.push_back({note.at, "note", "docs", "Note by " + note.author, note.text});
  }
  if (inc.ended_at) entries.push_back({*inc.ended_at, "resolved", "up", "Resolved", {}});
  // Same instant: the order above (opened, acknowledged, notes, resolved).
  std::stable_sort(entries.begin(), entries.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  data list{data::type::list};
  for (const TimelineEntry& e : entries) {
    data item{data::type::object};
    item.set("tl_kind", std::string(e.kind));
    item.set("tl_icon", std::string(e.icon));
    SetTime(item, "tl_at", e.at);
    item.set("tl_title", Shorten(e.title, kMaxLabel + 20));
    SetText(item, "tl_text", Shorten(e.text, kMaxNote));
    list.push_back(item);
  }
  return list;
}

}  // namespace

std::string RenderIncidents(const IncidentsModel& model) {
  data page{data::type::object};
  page.set("show_open", model.show_open);
  page.set("show_resolved", model.show_resolved);
  page.set("has_open", !model.open.empty());
  page.set("open", IncidentList(model.open, model.now));
  page.set("open_count", std::to_string(model.open.size()));
  page.set("has_resolved", !model.resolved.empty());
  page.set("resolved", IncidentList(model.resolved, model.now));
  internal::SetListFrame(page, model.filters, model.filtered, model.error, model.pager);
  return RenderPage(Page::kIncidents, "Incidents", model.shell, "incidents", std::move(page));
}

std::string RenderIncident(const IncidentModel& model) {
  const IncidentRow& inc = model.incident;
  data page = IncidentItem(inc, model.now, kMaxNote);
  page.set("timeline", Timeline(model));
  data dependents{data::type::list};
  for (const DependentView& d : model.dependents) {
    data item{data::type::object};
    item.set("dp_id", std::to_string(d.id));
    item.set("dp_href", IncidentHref(d.id));
    SetText(item, "dp_target", Shorten(d.target, kMaxLabel));
    item.set("dp_target_href", d.target_href);
    dependents.push_back(item);
  }
  page.set("has_dependents", !model.dependents.empty());
  page.set("dependent_count", std::to_string(model.dependents.size()));
  page.set("dependents", dependents);
  const bool open = !inc.ended_at.has_value();
  page.set("can_act", model.can_act);
  page.set("can_acknowledge", model.can_act && open && inc.acknowledged_by.empty());
  const std::string api = "/api/v1/incidents/" + std::to_string(inc.id);
  page.set("ack_url", api + "/acknowledge");
  page.set("notes_url", api + "/notes");
  page.set("note_max", std::to_string(kMaxNote));
  page.set("page_js", std::string(StaticUrl("/static/monitoring.js")));
  return RenderPage(Page::kIncidents, "Incident #" + std::to_string(inc.id), model.shell,
                    "incident", std::move(page));
}

}  // namespace opsdeck::http::ui
