// GET /rollbacks (any role that may read): the rollback history and, for
// devops and admin, the form that starts one (ui/rollback_pages.h), filled
// from the release store and the config. The loader is separate from the
// route so tests can run it on a fake store. AddUiRoutes calls
// AddRollbackPageRoutes.
// Thread-safety: the loader blocks on the store; the route runs it on the
// database executor.
#pragma once

#include <optional>
#include <string_view>

#include "config/config.h"
#include "core/result.h"
#include "core/role.h"
#include "http/router.h"
#include "http/services.h"
#include "http/ui/rollback_pages.h"
#include "store/release_store.h"

namespace opsdeck::http {

void AddRollbackPageRoutes(Router& router, const Services& services);

namespace rollback_pages {

// The most recent releases the form looks through for ones to name.
inline constexpr int kReleaseChoices = 50;

// /rollbacks without its shell. ?environment (filters the history and
// preselects the form), ?status, ?release (preselects the form), ?limit,
// ?cursor; a bad value is model.error (the page answers 400).
core::Result<ui::RollbacksModel> LoadRollbacks(store::ReleaseStore& store,
                                               const config::Config& cfg,
                                               const std::optional<core::Role>& role,
                                               std::string_view query);

}  // namespace rollback_pages
}  // namespace opsdeck::http
