// GET /windows: the desk's occurrences with their bookings as the calendar
// page's model.
#include "http/ui/window_pages_route.h"

#include <chrono>
#include <utility>

#include "http/routes.h"
#include "http/ui/release_pages_route.h"
#include "http/ui_list_page.h"

namespace opsdeck::http {
namespace window_pages {

core::Result<ui::WindowsModel> LoadWindows(store::ReleaseStore& store, release::Desk& desk,
                                           core::TimePoint now,
                                           const std::optional<core::Role>& role) {
  constexpr core::Duration kDay = std::chrono::hours(24);
  ui::WindowsModel model;
  model.now = now;
  model.role = role;
  model.calendar_start = ui::internal::CalendarStart(now);
  // A day each side: the viewer's zone may move an occurrence into the grid.
  auto windows = desk.Windows(model.calendar_start - kDay,
                              model.calendar_start + (ui::kCalendarDays + 1) * kDay);
  if (!windows) return windows.error();
  model.occurrences = std::move(*windows);

  store::ReleaseQuery planned;
  planned.state = core::ReleaseState::kPlanned;
  planned.limit = kMaxBookable;
  auto releases = store.ListReleases(planned);
  if (!releases) return releases.error();
  for (const core::Release& r : releases->items) {
    model.bookable.push_back({r.id, r.version});
    model.release_versions.emplace(r.id, r.version);
  }
  for (const release::WindowView& w : model.occurrences) {
    for (const store::Booking& b : w.bookings) {
      if (model.release_versions.contains(b.release_id)) continue;
      auto found = store.GetRelease(b.release_id);
      if (!found) return found.error();
      if (found->has_value()) model.release_versions.emplace(b.release_id, (*found)->version);
    }
  }
  return model;
}

}  // namespace window_pages

namespace {

Response WindowsPage(RequestContext& ctx, const Services& services) {
  if (services.releases == nullptr) {
    return ui_list::StoreErrorPage(ctx, core::Error::Unavailable("the release desk is not running"),
                                   ShellFor(services, ctx.principal));
  }
  auto model =
      window_pages::LoadWindows(services.store->releases(), *services.releases,
                                services.clock->Now(), release_pages::RoleOf(ctx.principal));
  if (!model) {
    return ui_list::StoreErrorPage(ctx, model.error(), ShellFor(services, ctx.principal));
  }
  model->shell = ShellFor(services, ctx.principal);
  return ui_list::HtmlPage(ctx.request, beast_http::status::ok, ui::RenderWindows(*model));
}

}  // namespace

void AddWindowPageRoutes(Router& router, const Services& services) {
  router.Add({beast_http::verb::get, "/windows", "ui:windows", Access::AnyRole(), Exec::kDatabase,
              [&services](RequestContext& ctx) { return WindowsPage(ctx, services); }});
}

}  // namespace opsdeck::http
