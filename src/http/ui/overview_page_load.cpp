// GET /'s blocks beyond live versions and pipelines (overview_page_load.h).
#include "http/ui/overview_page_load.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "tickets/docs_audit.h"

namespace opsdeck::http::overview_page {
namespace {

std::vector<ui::DeploymentRow> Rows(std::vector<store::DeploymentRecord> records) {
  std::vector<ui::DeploymentRow> rows;
  rows.reserve(records.size());
  for (store::DeploymentRecord& r : records) {
    rows.push_back(ui::DeploymentRow{r.id, r.run_id, std::move(r.deployment)});
  }
  return rows;
}

// How far back the promotion diff looks: each environment's newest
// deployments (one indexed query per environment, never per target).
constexpr int kPromotionLookback = 20;
constexpr auto kWindowsAhead = std::chrono::hours(24 * 14);

core::Result<std::vector<ui::DeploymentRow>> RecentDeployments(const Services& services,
                                                               const config::Config& cfg) {
  std::vector<ui::DeploymentRow> rows;
  for (const core::Environment& env : cfg.environments) {
    store::DeploymentQuery query;
    query.environment = env.name;
    query.limit = kPromotionLookback;
    auto page = services.store->runs().ListDeployments(query);
    if (!page) return page.error();
    auto recent = Rows(std::move(page->items));
    rows.insert(rows.end(), std::make_move_iterator(recent.begin()),
                std::make_move_iterator(recent.end()));
  }
  return rows;
}

// In progress first, then planned; each list newest first.
core::Result<std::vector<core::Release>> ActiveReleases(const Services& services) {
  std::vector<core::Release> out;
  for (core::ReleaseState state : {core::ReleaseState::kInProgress, core::ReleaseState::kPlanned}) {
    store::ReleaseQuery query;
    query.state = state;
    query.limit = ui::kOverviewReleases;
    auto page = services.store->releases().ListReleases(query);
    if (!page) return page.error();
    for (core::Release& r : page->items) out.push_back(std::move(r));
  }
  return out;
}

std::optional<ui::DocsCoverageCard> DocsCoverage(const Services& services,
                                                 const config::Config& cfg) {
  if (services.docs_audit == nullptr) return std::nullopt;
  const auto latest = services.docs_audit->Latest();
  if (!latest) return std::nullopt;
  const tickets::CoverageReport& coverage = latest->report.coverage;
  ui::DocsCoverageCard card;
  card.audited_at = latest->finished_at;
  card.overall = {"", coverage.overall.items, coverage.overall.documented};
  // FailsAudit is inline: the overview needs no tickets symbol to link.
  card.failing_gaps = static_cast<int>(
      std::count_if(latest->report.gaps.begin(), latest->report.gaps.end(), tickets::FailsAudit));
  // The configured environments only, in promotion order (the report lists
  // them first, in that order).
  for (const auto& [name, figure] : coverage.by_environment) {
    const bool configured =
        std::any_of(cfg.environments.begin(), cfg.environments.end(),
                    [&name = name](const core::Environment& e) { return e.name == name; });
    if (configured) card.environments.push_back({name, figure.items, figure.documented});
  }
  return card;
}

}  // namespace

core::Result<void> LoadBlocks(const Services& services, const config::Config& cfg,
                              ui::OverviewModel& model) {
  auto recent = RecentDeployments(services, cfg);
  if (!recent) return recent.error();
  model.recent_deployments = std::move(*recent);
  auto health =
      services.store->health().HealthOverview(ui::kOverviewWorstTargets, ui::kOverviewIncidents);
  if (!health) return health.error();
  model.health = std::move(*health);
  auto releases = ActiveReleases(services);
  if (!releases) return releases.error();
  model.active_releases = std::move(*releases);
  if (services.releases != nullptr) {
    auto windows = services.releases->Windows(model.now, model.now + kWindowsAhead);
    if (!windows) return windows.error();
    model.windows_available = true;
    for (release::WindowView& w : *windows) model.windows.push_back(std::move(w.occurrence));
  }
  model.docs = DocsCoverage(services, cfg);
  return core::Ok();
}

}  // namespace opsdeck::http::overview_page
