// GET /incidents and /incidents/{id}: the health store's incidents as page
// models (open first, then resolved), and the role that may act on them.
#include "http/ui/incident_pages_route.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

#include "http/routes.h"
#include "http/ui/target_pages_route.h"
#include "http/ui_list_page.h"

namespace opsdeck::http {
namespace incident_pages {
namespace {

using ui_list::Param;

ui::IncidentRow RowOf(store::Incident& inc) {
  ui::IncidentRow row;
  row.id = inc.id;
  row.target_href = target_pages::TargetHref(inc.target);
  row.target = std::move(inc.target);
  row.environment = std::move(inc.environment);
  row.started_at = inc.started_at;
  row.ended_at = inc.ended_at;
  row.cause = std::move(inc.cause);
  row.root_id = inc.root_id;
  row.root_target = std::move(inc.root_target);
  row.acknowledged_by = std::move(inc.acknowledged_by);
  row.acknowledged_at = inc.acknowledged_at;
  return row;
}

void AddOption(std::vector<std::string>& options, const std::string& value) {
  if (!value.empty() && std::find(options.begin(), options.end(), value) == options.end()) {
    options.push_back(value);
  }
}

}  // namespace

core::Result<ui::IncidentsModel> LoadIncidents(store::HealthStore& health,
                                               const std::vector<std::string>& environments,
                                               core::TimePoint now, std::string_view query) {
  ui::IncidentsModel model;
  model.now = now;
  ui_list::ListQuery q = ui_list::ReadListQuery(query);
  const std::string state = Param(q.params, "state");
  const std::string environment = Param(q.params, "environment");
  const std::string target = Param(q.params, "target");
  if (!state.empty() && state != "open" && state != "resolved" && q.error.empty()) {
    q.error = "state must be open or resolved";
  }
  // The target filter offers the catalog's targets (one query).
  auto targets = health.ListTargets({});
  if (!targets) return targets.error();
  std::vector<std::string> environment_options = environments;
  std::vector<std::string> target_options;
  for (const store::TargetRecord& t : *targets) {
    AddOption(environment_options, t.def.environment);
    AddOption(target_options, t.def.name);
  }
  model.filters = {{"state", "State", state, {"open", "resolved"}},
                   {"environment", "Environment", environment, std::move(environment_options)},
                   {"target", "Target", target, std::move(target_options)}};
  model.filtered = !state.empty() || !environment.empty() || !target.empty();
  model.show_open = state != "resolved" && q.cursor.empty();
  model.show_resolved = state != "open";
  if (!q.error.empty()) {
    model.error = std::move(q.error);
    return model;
  }

  if (model.show_open) {
    auto open = health.OpenIncidents();
    if (!open) return open.error();
    for (store::Incident& inc : *open) {
      if ((!environment.empty() && inc.environment != environment) ||
          (!target.empty() && inc.target != target)) {
        continue;
      }
      model.open.push_back(RowOf(inc));
    }
    // Newest first, like the resolved list.
    std::stable_sort(model.open.begin(), model.open.end(),
                     [](const ui::IncidentRow& a, const ui::IncidentRow& b) {
                       return a.started_at > b.started_at;
                     });
  }
  if (model.show_resolved) {
    store::IncidentQuery resolved;
    resolved.open = false;
    resolved.environment = ui_list::Optional(environment);
    resolved.target = ui_list::Optional(target);
    resolved.limit = q.limit;
    resolved.cursor = ui_list::Optional(q.cursor);
    auto page = health.ListIncidents(resolved);
    if (!page && page.error().code != core::ErrorCode::kInvalidArgument) return page.error();
    if (!page) {
      model.error = page.error().message;
      return model;
    }
    for (store::Incident& inc : page->items) model.resolved.push_back(RowOf(inc));
    model.pager = ui_list::MakePager("/incidents", "resolved",
                                     {{"state", state},
                                      {"environment", environment},
                                      {"target", target},
                                      {"limit", q.limit_param}},
                                     q.cursor.empty(), page->next);
  }
  return model;
}

core::Result<std::optional<ui::IncidentModel>> LoadIncident(store::HealthStore& health, int64_t id,
                                                            core::TimePoint now) {
  auto found = health.GetIncident(id);
  if (!found) return found.error();
  if (!found->has_value()) return std::optional<ui::IncidentModel>();
  store::Incident& inc = **found;
  ui::IncidentModel model;
  model.now = now;
  for (store::IncidentNote& note : inc.notes) {
    model.notes.push_back(
        ui::IncidentNoteView{std::move(note.author), note.at, std::move(note.text)});
  }
  if (!inc.dependents.empty()) {
    auto open = health.OpenIncidents();
    if (!open) return open.error();
    std::map<int64_t, std::string> open_targets;
    for (store::Incident& o : *open) open_targets.emplace(o.id, std::move(o.target));
    for (const int64_t dep : inc.dependents) {
      ui::DependentView view{dep, {}, {}};
      if (auto it = open_targets.find(dep); it != open_targets.end()) {
        view.target = it->second;
        view.target_href = target_pages::TargetHref(it->second);
      }
      model.dependents.push_back(std::move(view));
    }
  }
  model.incident = RowOf(inc);
  return std::optional<ui::IncidentModel>(std::move(model));
}

bool CanActOnIncidents(const core::Principal& who) {
  return who.authenticated() && (who.role == core::Role::kDevops || who.role == core::Role::kAdmin);
}

}  // namespace incident_pages

namespace {

using ui_list::HtmlPage;
using ui_list::StoreErrorPage;

Response IncidentsPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  std::vector<std::string> environments;
  for (const core::Environment& e : cfg->environments) environments.push_back(e.name);
  auto model = incident_pages::LoadIncidents(services.store->health(), environments,
                                             services.clock->Now(), ctx.query);
  if (!model) return StoreErrorPage(ctx, model.error(), ShellFor(services, ctx.principal));
  model->shell = ShellFor(services, ctx.principal);
  return HtmlPage(ctx.request, ui_list::ListStatus(model->error), ui::RenderIncidents(*model));
}

Response IncidentPage(RequestContext& ctx, const Services& services) {
  const std::string& text = ctx.params["id"];
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  std::optional<ui::IncidentModel> model;
  if (ec == std::errc() && end == text.data() + text.size() && id > 0) {
    auto loaded = incident_pages::LoadIncident(services.store->health(), id, services.clock->Now());
    if (!loaded) return StoreErrorPage(ctx, loaded.error(), ShellFor(services, ctx.principal));
    model = std::move(*loaded);
  }
  if (!model) {
    ui::ProblemModel problem;
    problem.shell = ShellFor(services, ctx.principal);
    problem.title = "Incident not found";
    problem.heading = "Incident not found";
    problem.detail = "There is no incident with id " + ui::internal::Shorten(text, 40) + ".";
    problem.back_href = "/incidents";
    problem.back_label = "Back to incidents";
    problem.back_icon = "incident";
    return HtmlPage(ctx.request, beast_http::status::not_found, ui::RenderProblem(problem));
  }
  model->shell = ShellFor(services, ctx.principal);
  model->can_act = incident_pages::CanActOnIncidents(ctx.principal);
  return HtmlPage(ctx.request, beast_http::status::ok, ui::RenderIncident(*model));
}

}  // namespace

void AddIncidentPageRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({get, "/incidents", "ui:incidents", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return IncidentsPage(ctx, services); }});
  router.Add({get, "/incidents/{id}", "ui:incident", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return IncidentPage(ctx, services); }});
}

}  // namespace opsdeck::http
