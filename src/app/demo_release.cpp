#include "app/demo_release.h"

#include "net/log.h"

namespace opsdeck::app {
namespace {

// How many items the demo ticks: enough to show progress, few enough that
// the checklist still shows what is left to do.
constexpr int kItemsTicked = 2;

core::Principal DemoPrincipal() {
  core::Principal p;
  p.kind = core::Principal::Kind::kSystem;
  p.name = "demo";
  p.role = core::Role::kAdmin;
  return p;
}

}  // namespace

void EnsureDemoRelease(const config::Config& config, release::Desk& desk, store::Store& store,
                       const std::string& version) {
  if (config.releases.templates.empty() || config.environments.empty()) return;
  store::ReleaseQuery query;
  query.limit = 1;
  auto existing = store.releases().ListReleases(query);
  if (!existing) {
    net::LogWarn("demo: cannot list releases", {{"error", existing.error().ToString()}});
    return;
  }
  if (!existing->items.empty()) return;
  const auto& tmpl = config.releases.templates.front();
  release::CreateRelease request;
  request.version = version;
  request.template_name = tmpl.name;
  // The release goes to the last environment of the promotion path.
  request.environments = {config.environments.back().name};
  const core::Principal who = DemoPrincipal();
  auto created = desk.Create(request, who, "demo");
  if (!created) {
    net::LogWarn("demo: cannot create a release", {{"error", created.error().ToString()}});
    return;
  }
  int ticked = 0;
  for (const auto& item : tmpl.items) {
    if (ticked == kItemsTicked) break;
    if (item.auto_check || !item.depends_on.empty()) continue;
    auto r = desk.Tick(created->id, item.id, "ticked by the demo", who, "demo");
    if (r) ++ticked;
  }
  net::LogInfo("demo: planned a release", {{"version", version}, {"template", tmpl.name}});
}

}  // namespace opsdeck::app
