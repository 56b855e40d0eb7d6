// GET /releases and /releases/{id}: the release store's releases and the
// desk's gate and windows as page models.
#include "http/ui/release_pages_route.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "http/routes.h"
#include "http/ui/release_pages_view.h"
#include "http/ui_list_page.h"

namespace opsdeck::http {
namespace release_pages {
namespace {

using ui_list::Param;

constexpr core::ReleaseState kStates[] = {
    core::ReleaseState::kPlanned, core::ReleaseState::kInProgress, core::ReleaseState::kReleased,
    core::ReleaseState::kRolledBack, core::ReleaseState::kAborted};

// Config order is the promotion order unless positions say otherwise.
std::vector<core::Environment> PromotionOrder(const config::Config& cfg) {
  std::vector<core::Environment> envs = cfg.environments;
  std::stable_sort(envs.begin(), envs.end(),
                   [](const core::Environment& a, const core::Environment& b) {
                     return a.position < b.position;
                   });
  return envs;
}

void FillCreateForm(ui::ReleasesModel& model, release::Desk* desk, const config::Config& cfg,
                    core::TimePoint now) {
  for (const config::ReleaseTemplateConfig& t : cfg.releases.templates) {
    model.templates.push_back(t.name);
  }
  for (const core::Environment& e : PromotionOrder(cfg)) model.environments.push_back(e.name);
  if (desk == nullptr) {
    model.windows_error = "the release desk is not running";
    return;
  }
  auto windows = desk->Windows(now, now + kWindowChoiceHorizon);
  if (!windows) {
    model.windows_error = windows.error().message;
    return;
  }
  for (release::WindowView& w : *windows) {
    if (!w.occurrence.deny && w.occurrence.end > now) {
      model.windows.push_back(std::move(w.occurrence));
    }
  }
}

}  // namespace

std::optional<core::Role> RoleOf(const core::Principal& who) {
  if (!who.authenticated()) return std::nullopt;
  return who.role;
}

core::Result<ui::ReleasesModel> LoadReleases(store::ReleaseStore& store, release::Desk* desk,
                                             const config::Config& cfg, core::TimePoint now,
                                             const std::optional<core::Role>& role,
                                             std::string_view query) {
  ui::ReleasesModel model;
  ui_list::ListQuery q = ui_list::ReadListQuery(query);
  const std::string state = Param(q.params, "state");
  const std::string environment = Param(q.params, "environment");
  store::ReleaseQuery releases;
  releases.limit = q.limit;
  releases.cursor = ui_list::Optional(q.cursor);
  releases.environment = ui_list::Optional(environment);
  std::vector<std::string> states;
  for (const core::ReleaseState s : kStates) states.emplace_back(core::ReleaseStateName(s));
  if (!state.empty()) {
    releases.state = core::ParseReleaseState(state);
    if (!releases.state && q.error.empty()) {
      q.error = "state must be one of planned, in-progress, released, rolled-back, aborted";
    }
  }
  std::vector<std::string> environments;
  for (const core::Environment& e : PromotionOrder(cfg)) environments.push_back(e.name);
  model.filters = {{"state", "State", state, std::move(states)},
                   {"environment", "Environment", environment, std::move(environments)}};
  model.filtered = !state.empty() || !environment.empty();
  model.can_create = ui::internal::MayRunReleases(role);
  if (model.can_create) FillCreateForm(model, desk, cfg, now);
  if (!q.error.empty()) {
    model.error = std::move(q.error);
    return model;
  }
  auto page = store.ListReleases(releases);
  if (!page && page.error().code != core::ErrorCode::kInvalidArgument) return page.error();
  if (!page) {
    model.error = page.error().message;
    return model;
  }
  model.releases = std::move(page->items);
  model.pager = ui_list::MakePager(
      "/releases", "", {{"state", state}, {"environment", environment}, {"limit", q.limit_param}},
      q.cursor.empty(), page->next);
  return model;
}

core::Result<std::optional<ui::ReleaseModel>> LoadRelease(store::ReleaseStore& store,
                                                          release::Desk* desk,
                                                          const config::Config& cfg, int64_t id,
                                                          const std::optional<core::Role>& role) {
  auto found = store.GetRelease(id);
  if (!found) return found.error();
  if (!found->has_value()) return std::optional<ui::ReleaseModel>();
  ui::ReleaseModel model;
  model.release = std::move(**found);
  model.role = role;
  store::BookingQuery bookings;
  bookings.release_id = id;
  auto listed = store.ListBookings(bookings);
  if (!listed) return listed.error();
  model.bookings = std::move(*listed);
  for (const std::string& env : model.release.environments) {
    const auto config_env = std::find_if(cfg.environments.begin(), cfg.environments.end(),
                                         [&](const core::Environment& e) { return e.name == env; });
    if (config_env != cfg.environments.end() && config_env->is_protected) {
      ui::GateView gate;
      gate.environment = env;
      if (desk == nullptr) {
        gate.error = "the release desk is not running";
      } else if (auto decision = desk->Gate(env, model.release.version)) {
        gate.decision = std::move(*decision);
      } else {
        gate.error = decision.error().message;
      }
      model.gates.push_back(std::move(gate));
    }
    if (cfg.releases.rollback.contains(env)) model.rollback_environments.push_back(env);
  }
  return std::optional<ui::ReleaseModel>(std::move(model));
}

}  // namespace release_pages

namespace {

using ui_list::HtmlPage;
using ui_list::StoreErrorPage;

Response ReleasesPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  auto model = release_pages::LoadReleases(services.store->releases(), services.releases, *cfg,
                                           services.clock->Now(),
                                           release_pages::RoleOf(ctx.principal), ctx.query);
  if (!model) return StoreErrorPage(ctx, model.error(), ShellFor(services, ctx.principal));
  model->shell = ShellFor(services, ctx.principal);
  return HtmlPage(ctx.request, ui_list::ListStatus(model->error), ui::RenderReleases(*model));
}

Response ReleasePage(RequestContext& ctx, const Services& services) {
  const std::string& text = ctx.params["id"];
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  std::optional<ui::ReleaseModel> model;
  if (ec == std::errc() && end == text.data() + text.size() && id > 0) {
    auto cfg = services.config();
    auto loaded = release_pages::LoadRelease(services.store->releases(), services.releases, *cfg,
                                             id, release_pages::RoleOf(ctx.principal));
    if (!loaded) return StoreErrorPage(ctx, loaded.error(), ShellFor(services, ctx.principal));
    model = std::move(*loaded);
  }
  if (!model) {
    ui::ProblemModel problem;
    problem.shell = ShellFor(services, ctx.principal);
    problem.title = "Release not found";
    problem.heading = "Release not found";
    problem.detail = "There is no release with id " + ui::internal::Shorten(text, 40) + ".";
    problem.back_href = "/releases";
    problem.back_label = "Back to releases";
    problem.back_icon = "release";
    return HtmlPage(ctx.request, beast_http::status::not_found, ui::RenderProblem(problem));
  }
  model->shell = ShellFor(services, ctx.principal);
  return HtmlPage(ctx.request, beast_http::status::ok, ui::RenderRelease(*model));
}

}  // namespace

void AddReleasePageRoutes(Router& router, const Services& services) {
  const auto get = beast_http::verb::get;
  router.Add({get, "/releases", "ui:releases", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ReleasesPage(ctx, services); }});
  router.Add({get, "/releases/{id}", "ui:release", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return ReleasePage(ctx, services); }});
}

}  // namespace opsdeck::http
