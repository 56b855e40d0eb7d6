// One release (/releases/{id}): model -> mustache data -> HTML. The
// checklist is grouped by phase in kReleasePhases order, items in template
// order within a phase; the buttons each reader gets come from core's
// deciders. Keys are prefixed per list (ph_, ci_, d_, g_, gr_, b_, st_, rb_).
#include <algorithm>
#include <map>
#include <string_view>

#include "http/ui/assets.h"
#include "http/ui/list_frame.h"
#include "http/ui/release_pages.h"
#include "http/ui/release_pages_view.h"
#include "http/ui/shell.h"

namespace opsdeck::http::ui {
namespace {

using internal::Encode;
using internal::Page;
using internal::RenderPage;
using internal::SetStatus;
using internal::SetText;
using internal::SetTime;
using internal::Shorten;
using internal::StatusView;
using kainjow::mustache::data;

constexpr std::size_t kMaxLabel = 80;    // a version, environment or actor
constexpr std::size_t kMaxTitle = 200;   // an item's title
constexpr std::size_t kMaxText = 2000;   // an item's description or note
constexpr std::size_t kMaxReason = 500;  // an untick or state-change reason

std::string_view PhaseLabel(std::string_view phase) {
  if (phase == "prepare") return "Prepare";
  if (phase == "go-no-go") return "Go / no-go";
  if (phase == "deploy") return "Deploy";
  if (phase == "verify") return "Verify";
  if (phase == "rollback") return "Rollback";
  if (phase == "communicate") return "Communicate";
  return phase;
}

// An open item whose dependencies are not all done waits for them.
bool Waiting(const core::Release& release, const core::ChecklistItem& item) {
  return std::any_of(item.depends_on.begin(), item.depends_on.end(), [&](const std::string& id) {
    const core::ChecklistItem* dep = release.Find(id);
    return dep == nullptr || dep->state != core::ItemState::kDone;
  });
}

StatusView ItemView(const core::Release& release, const core::ChecklistItem& item) {
  if (item.state == core::ItemState::kDone) return {"done", "Done", "up"};
  if (Waiting(release, item)) return {"waiting", "Waiting", "lock"};
  return {"open", "Open", "unknown"};
}

data Dependencies(const core::Release& release, const core::ChecklistItem& item) {
  data list{data::type::list};
  for (const std::string& id : item.depends_on) {
    const core::ChecklistItem* dep = release.Find(id);
    const bool done = dep != nullptr && dep->state == core::ItemState::kDone;
    data d{data::type::object};
    d.set("d_id", id);
    d.set("d_title", Shorten(dep != nullptr ? dep->title : id, kMaxLabel));
    d.set("d_state", std::string(done ? "done" : "open"));
    d.set("d_icon", std::string(done ? "up" : "unknown"));
    d.set("d_state_label", std::string(done ? "done" : "open"));
    list.push_back(d);
  }
  return list;
}

data ChecklistItemData(const ReleaseModel& model, const core::ChecklistItem& item,
                       std::size_t index) {
  const core::Release& release = model.release;
  data d{data::type::object};
  d.set("ci_id", item.id);
  d.set("ci_index", std::to_string(index));
  d.set("ci_title", Shorten(item.title, kMaxTitle));
  SetText(d, "ci_description", Shorten(item.description, kMaxText));
  d.set("ci_role", std::string(core::RoleName(item.role)));
  d.set("ci_role_short", std::string(internal::RoleShort(item.role)));
  d.set("ci_required", item.required);
  d.set("ci_auto", !item.auto_check.empty());
  d.set("ci_auto_text", Shorten(item.auto_check, kMaxLabel));
  SetStatus(d, "ci_", ItemView(release, item));
  d.set("ci_has_deps", !item.depends_on.empty());
  d.set("ci_deps", Dependencies(release, item));
  const bool done = item.state == core::ItemState::kDone;
  d.set("ci_done", done);
  SetText(d, "ci_done_by", done ? Shorten(item.done_by, kMaxLabel) : std::string());
  SetTime(d, "ci_done_at", done ? item.done_at : std::nullopt);
  SetText(d, "ci_note", Shorten(item.note, kMaxText));
  const std::string base =
      "/api/v1/releases/" + std::to_string(release.id) + "/items/" + Encode(item.id);
  d.set("ci_tick_url", base + "/tick");
  d.set("ci_untick_url", base + "/untick");
  const bool can_tick = model.role && core::CheckTick(release, item.id, *model.role).has_value();
  const bool can_untick =
      model.role && core::CheckUntick(release, item.id, *model.role, "reason").has_value();
  d.set("ci_can_tick", can_tick);
  d.set("ci_can_untick", can_untick);
  d.set("ci_reason_max", std::to_string(kMaxReason));
  return d;
}

// Phases in kReleasePhases order, then any other phase in first-seen order
// (config validation allows none, but an item is never dropped).
data Phases(const ReleaseModel& model) {
  std::vector<std::string> order(std::begin(core::kReleasePhases), std::end(core::kReleasePhases));
  for (const core::ChecklistItem& item : model.release.items) {
    if (std::find(order.begin(), order.end(), item.phase) == order.end()) {
      order.push_back(item.phase);
    }
  }
  data phases{data::type::list};
  for (const std::string& phase : order) {
    data items{data::type::list};
    int done = 0;
    int total = 0;
    for (std::size_t i = 0; i < model.release.items.size(); ++i) {
      const core::ChecklistItem& item = model.release.items[i];
      if (item.phase != phase) continue;
      items.push_back(ChecklistItemData(model, item, i));
      ++total;
      if (item.state == core::ItemState::kDone) ++done;
    }
    if (total == 0) continue;
    data p{data::type::object};
    p.set("ph_name", phase);
    p.set("ph_label", std::string(PhaseLabel(phase)));
    p.set("ph_done", std::to_string(done));
    p.set("ph_total", std::to_string(total));
    p.set("ph_complete", done == total);
    p.set("ph_items", items);
    phases.push_back(p);
  }
  return phases;
}

data Gates(const std::vector<GateView>& gates) {
  data list{data::type::list};
  for (const GateView& g : gates) {
    data item{data::type::object};
    item.set("g_environment", Shorten(g.environment, kMaxLabel));
    item.set("g_environment_value", g.environment);
    const bool known = g.decision.has_value();
    const bool allowed = known && g.decision->allowed;
    item.set("g_known", known);
    item.set("g_allowed", allowed);
    item.set("g_allowed_value", std::string(allowed ? "true" : "false"));
    SetStatus(item, "g_",
              !known    ? StatusView{"unknown", "Unknown", "unknown"}
              : allowed ? StatusView{"allowed", "Allowed", "up"}
                        : StatusView{"blocked", "Blocked", "down"});
    data reasons{data::type::list};
    if (known) {
      for (const core::GateReason& r : g.decision->reasons) {
        data reason{data::type::object};
        reason.set("gr_code", r.code);
        reason.set("gr_message", Shorten(r.message, kMaxReason));
        reasons.push_back(reason);
      }
    }
    item.set("g_reasons", reasons);
    SetText(item, "g_error", Shorten(g.error, kMaxReason));
    list.push_back(item);
  }
  return list;
}

data Bookings(const std::vector<store::Booking>& bookings) {
  data list{data::type::list};
  for (const store::Booking& b : bookings) {
    data item{data::type::object};
    item.set("b_id", std::to_string(b.id));
    SetStatus(item, "b_", internal::ViewOf(b.state));
    item.set("b_window", Shorten(b.window, kMaxLabel));
    SetTime(item, "b_start", b.starts_at);
    SetText(item, "b_decided_by", Shorten(b.decided_by, kMaxLabel));
    SetText(item, "b_note", Shorten(b.note, kMaxReason));
    list.push_back(item);
  }
  return list;
}

struct StateAction {
  core::ReleaseState to;
  std::string_view label;
  std::string_view icon;
  bool primary;
};
constexpr StateAction kStateActions[] = {
    {core::ReleaseState::kInProgress, "Start release", "running", true},
    {core::ReleaseState::kReleased, "Mark released", "up", true},
    {core::ReleaseState::kAborted, "Abort", "canceled", false},
};

// The transitions this reader may make now; "Mark released" also shows,
// disabled with the decider's reason, while required items are open.
data StateActions(const ReleaseModel& model) {
  data list{data::type::list};
  if (!internal::MayRunReleases(model.role)) return list;
  for (const StateAction& action : kStateActions) {
    const core::Result<void> check = core::CheckTransition(model.release, action.to, *model.role);
    const bool blocked_release = !check && action.to == core::ReleaseState::kReleased &&
                                 model.release.state == core::ReleaseState::kInProgress;
    if (!check && !blocked_release) continue;
    data item{data::type::object};
    item.set("st_to", std::string(core::ReleaseStateName(action.to)));
    item.set("st_label", std::string(action.label));
    item.set("st_icon", std::string(action.icon));
    item.set("st_primary", action.primary);
    item.set("st_enabled", check.has_value());
    // Aborting is final: say why, for the announcement and the audit log.
    item.set("st_needs_reason", action.to == core::ReleaseState::kAborted);
    item.set("st_why", check ? std::string() : Shorten(check.error().message, kMaxReason));
    list.push_back(item);
  }
  return list;
}

}  // namespace

std::string RenderRelease(const ReleaseModel& model) {
  const core::Release& r = model.release;
  data page{data::type::object};
  page.set("id", std::to_string(r.id));
  page.set("version", Shorten(r.version, kMaxLabel));
  SetStatus(page, "", internal::ViewOf(r.state));
  page.set("progress", internal::ProgressList(r));
  page.set("progress_text", internal::ProgressText(r));
  data envs{data::type::list};
  for (std::size_t i = 0; i < r.environments.size(); ++i) {
    data env{data::type::object};
    env.set("re_name", Shorten(r.environments[i], kMaxLabel));
    env.set("re_first", i == 0);
    envs.push_back(env);
  }
  page.set("environments", envs);
  SetText(page, "template", Shorten(r.template_name, kMaxLabel));
  SetText(page, "window", Shorten(r.window, kMaxLabel));
  SetTime(page, "window_start", r.window_start);
  SetText(page, "created_by", Shorten(r.created_by, kMaxLabel));
  SetTime(page, "created", r.created_at);
  SetTime(page, "updated", r.updated_at);
  page.set("has_bookings", !model.bookings.empty());
  page.set("bookings", Bookings(model.bookings));

  page.set("has_gates", !model.gates.empty());
  page.set("gates", Gates(model.gates));
  page.set("phases", Phases(model));
  page.set("has_items", !r.items.empty());

  const data states = StateActions(model);
  page.set("state_actions", states);
  page.set("has_state_actions", !states.list_value().empty());
  page.set("state_url", "/api/v1/releases/" + std::to_string(r.id) + "/state");
  data rollbacks{data::type::list};
  if (internal::MayActAsDevops(model.role)) {
    for (const std::string& env : model.rollback_environments) {
      data item{data::type::object};
      item.set("rb_environment", Shorten(env, kMaxLabel));
      item.set("rb_href", internal::WithQuery("/rollbacks", {{"environment", env},
                                                             {"release", std::to_string(r.id)}}) +
                              "#start");
      rollbacks.push_back(item);
    }
  }
  page.set("has_rollbacks", !rollbacks.list_value().empty());
  page.set("rollbacks", rollbacks);
  page.set("has_actions", !states.list_value().empty() || !rollbacks.list_value().empty());
  page.set("reason_max", std::to_string(kMaxReason));
  page.set("page_js", std::string(StaticUrl("/static/releases.js")));
  return RenderPage(Page::kReleases, "Release " + Shorten(r.version, kMaxLabel), model.shell,
                    "release", std::move(page));
}

}  // namespace opsdeck::http::ui
