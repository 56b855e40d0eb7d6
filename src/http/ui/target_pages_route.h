// GET /targets and /targets/{name} (any role that may read): the services and
// servers pages (ui/target_pages.h), filled from the health store. The
// loaders are separate from the routes so tests can run them on a fake
// HealthStore. AddUiRoutes calls AddTargetPageRoutes.
// Thread-safety: the loaders block on the store; routes run them on the
// database executor.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/router.h"
#include "http/services.h"
#include "http/ui/target_pages.h"
#include "store/health_store.h"

namespace opsdeck::http {

void AddTargetPageRoutes(Router& router, const Services& services);

namespace target_pages {

// "/targets/<name>" with the name percent-encoded as one path segment.
std::string TargetHref(std::string_view name);

// /targets without its shell. Filters (?environment ?component ?state ?kind)
// apply in memory to one ListTargets of every active target, so the counts
// and the filter options cover them all; rows come worst first, config order
// within a state. A bad filter is model.error (the page answers 400).
// `environments` orders the environment filter (config order).
core::Result<ui::TargetsModel> LoadTargets(store::HealthStore& health,
                                           const std::vector<std::string>& environments,
                                           core::TimePoint now, std::string_view query);

// /targets/{name} without its shell; nullopt when no active target has that
// (decoded) name. ?range=24h|7d|30d picks the chart range (24h otherwise);
// ?status=ok|failed, ?limit and ?cursor page the result log.
core::Result<std::optional<ui::TargetModel>> LoadTarget(store::HealthStore& health,
                                                        std::string_view name, core::TimePoint now,
                                                        std::string_view query);

}  // namespace target_pages
}  // namespace opsdeck::http
