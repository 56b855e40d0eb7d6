// The overview's blocks beyond live versions and pipelines, read for GET /:
// each environment's recent deployments (the promotion diff), the grouped
// health (HealthStore::HealthOverview), the active releases, the coming
// windows (release desk) and documentation coverage (audit desk). Separate
// from the route so tests can run it over fakes.
// Thread-safety: blocks on the store; the route runs it on the database
// executor.
#pragma once

#include "config/config.h"
#include "core/result.h"
#include "http/services.h"
#include "http/ui/pages.h"

namespace opsdeck::http::overview_page {

// Fills model.recent_deployments, health, active_releases, windows (with
// windows_available) and docs; model.now must be set. Never reads per
// target or check results. A store error is returned (the page shows it).
core::Result<void> LoadBlocks(const Services& services, const config::Config& cfg,
                              ui::OverviewModel& model);

}  // namespace opsdeck::http::overview_page
