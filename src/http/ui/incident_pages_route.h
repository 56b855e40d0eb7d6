// GET /incidents and /incidents/{id} (any role that may read): the incident
// pages (ui/incident_pages.h), filled from the health store. The loaders are
// separate from the routes so tests can run them on a fake HealthStore.
// AddUiRoutes calls AddIncidentPageRoutes.
// Thread-safety: the loaders block on the store; routes run them on the
// database executor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/router.h"
#include "http/services.h"
#include "http/ui/incident_pages.h"
#include "store/health_store.h"

namespace opsdeck::http {

void AddIncidentPageRoutes(Router& router, const Services& services);

namespace incident_pages {

// /incidents without its shell. ?state=open|resolved, ?environment, ?target,
// ?limit, ?cursor. Open incidents (OpenIncidents, filtered in memory) are
// listed on the first page only; resolved ones page with the store's cursor.
// A bad filter is model.error (the page answers 400).
core::Result<ui::IncidentsModel> LoadIncidents(store::HealthStore& health,
                                               const std::vector<std::string>& environments,
                                               core::TimePoint now, std::string_view query);

// /incidents/{id} without its shell; nullopt when there is no such incident.
// Dependents are named from the open incidents (one query, no query per
// dependent); a resolved dependent shows its id only.
core::Result<std::optional<ui::IncidentModel>> LoadIncident(store::HealthStore& health, int64_t id,
                                                            core::TimePoint now);

// Devops and admin act on incidents (PRODUCT.md, Roles).
bool CanActOnIncidents(const core::Principal& who);

}  // namespace incident_pages
}  // namespace opsdeck::http
