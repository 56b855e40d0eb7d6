// GET /rollbacks: the release store's rollbacks and the config's rollback
// actions as the page's model.
#include "http/ui/rollback_pages_route.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "http/routes.h"
#include "http/ui/release_pages_route.h"
#include "http/ui/release_pages_view.h"
#include "http/ui_list_page.h"

namespace opsdeck::http {
namespace rollback_pages {
namespace {

using ui_list::Param;

constexpr store::RollbackStatus kStatuses[] = {
    store::RollbackStatus::kStarted, store::RollbackStatus::kRunning,
    store::RollbackStatus::kSucceeded, store::RollbackStatus::kFailed};

// A release that may be rolled back: being released or released.
bool Rollbackable(core::ReleaseState s) {
  return s == core::ReleaseState::kInProgress || s == core::ReleaseState::kReleased;
}

core::Result<void> FillForm(ui::RollbacksModel& model, store::ReleaseStore& store,
                            const config::Config& cfg) {
  std::vector<core::Environment> envs = cfg.environments;
  std::stable_sort(envs.begin(), envs.end(),
                   [](const core::Environment& a, const core::Environment& b) {
                     return a.position < b.position;
                   });
  for (const core::Environment& e : envs) {
    if (cfg.releases.rollback.contains(e.name)) model.environments.push_back(e.name);
  }
  store::ReleaseQuery recent;
  recent.limit = kReleaseChoices;
  auto releases = store.ListReleases(recent);
  if (!releases) return releases.error();
  for (const core::Release& r : releases->items) {
    if (Rollbackable(r.state) || model.release == r.id) model.releases.push_back({r.id, r.version});
  }
  const bool listed =
      std::any_of(model.releases.begin(), model.releases.end(),
                  [&](const ui::ReleaseChoice& c) { return model.release == c.id; });
  if (model.release && !listed) {
    auto found = store.GetRelease(*model.release);
    if (!found) return found.error();
    if (found->has_value()) model.releases.push_back({(*found)->id, (*found)->version});
  }
  return {};
}

}  // namespace

core::Result<ui::RollbacksModel> LoadRollbacks(store::ReleaseStore& store,
                                               const config::Config& cfg,
                                               const std::optional<core::Role>& role,
                                               std::string_view query) {
  ui::RollbacksModel model;
  model.role = role;
  ui_list::ListQuery q = ui_list::ReadListQuery(query);
  const std::string environment = Param(q.params, "environment");
  const std::string status = Param(q.params, "status");
  const std::string release = Param(q.params, "release");
  store::RollbackQuery rollbacks;
  rollbacks.limit = q.limit;
  rollbacks.cursor = ui_list::Optional(q.cursor);
  rollbacks.environment = ui_list::Optional(environment);
  std::vector<std::string> statuses;
  for (const store::RollbackStatus s : kStatuses) {
    statuses.emplace_back(ui::internal::ViewOf(s).css);
  }
  if (!status.empty()) {
    rollbacks.status = store::ParseRollbackStatus(status);
    if (!rollbacks.status && q.error.empty()) {
      q.error = "status must be one of started, running, succeeded, failed";
    }
  }
  if (!release.empty()) {
    int64_t id = 0;
    const auto [end, ec] = std::from_chars(release.data(), release.data() + release.size(), id);
    if (ec == std::errc() && end == release.data() + release.size() && id > 0) {
      model.release = id;
    } else if (q.error.empty()) {
      q.error = "release must be a release id";
    }
  }
  std::vector<std::string> environments;
  for (const core::Environment& e : cfg.environments) environments.push_back(e.name);
  model.filters = {{"environment", "Environment", environment, std::move(environments)},
                   {"status", "Status", status, std::move(statuses)}};
  model.filtered = !environment.empty() || !status.empty();
  model.environment = environment;
  if (ui::internal::MayActAsDevops(role)) {
    if (auto filled = FillForm(model, store, cfg); !filled) return filled.error();
  }
  if (!q.error.empty()) {
    model.error = std::move(q.error);
    return model;
  }
  auto page = store.ListRollbacks(rollbacks);
  if (!page && page.error().code != core::ErrorCode::kInvalidArgument) return page.error();
  if (!page) {
    model.error = page.error().message;
    return model;
  }
  model.rollbacks = std::move(page->items);
  model.pager = ui_list::MakePager(
      "/rollbacks", "rollbacks-title",
      {{"environment", environment}, {"status", status}, {"limit", q.limit_param}},
      q.cursor.empty(), page->next);
  return model;
}

}  // namespace rollback_pages

namespace {

Response RollbacksPage(RequestContext& ctx, const Services& services) {
  auto cfg = services.config();
  auto model = rollback_pages::LoadRollbacks(services.store->releases(), *cfg,
                                             release_pages::RoleOf(ctx.principal), ctx.query);
  if (!model) {
    return ui_list::StoreErrorPage(ctx, model.error(), ShellFor(services, ctx.principal));
  }
  model->shell = ShellFor(services, ctx.principal);
  return ui_list::HtmlPage(ctx.request, ui_list::ListStatus(model->error),
                           ui::RenderRollbacks(*model));
}

}  // namespace

void AddRollbackPageRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/rollbacks", "ui:rollbacks", Access::AnyRole(),
              Exec::kDatabase,
              [&services](RequestContext& ctx) { return RollbacksPage(ctx, services); }});
}

}  // namespace opsdeck::http
