// GET /releases and /releases/{id} (any role that may read): the release
// pages (ui/release_pages.h), filled from the release store, the config and
// release::Desk (window choices, the gate). The loaders are separate from
// the routes so tests can run them on a fake store and desk.
// AddUiRoutes calls AddReleasePageRoutes.
// Thread-safety: the loaders block on the store and the desk; routes run
// them on the database executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/role.h"
#include "http/router.h"
#include "http/services.h"
#include "http/ui/release_pages.h"
#include "release/desk.h"
#include "store/release_store.h"

namespace opsdeck::http {

void AddReleasePageRoutes(Router& router, const Services& services);

namespace release_pages {

// How far ahead the "New release" form offers window occurrences.
inline constexpr core::Duration kWindowChoiceHorizon = std::chrono::hours(24 * 14);

// The role a page acts for: nullopt for an anonymous reader.
std::optional<core::Role> RoleOf(const core::Principal& who);

// /releases without its shell. ?state, ?environment, ?limit, ?cursor; a bad
// filter or cursor is model.error (the page answers 400). For release
// managers and admins the form's templates, environments (promotion order)
// and the allow occurrences still open or starting within
// kWindowChoiceHorizon of `now` (from `desk`; null: none offered).
core::Result<ui::ReleasesModel> LoadReleases(store::ReleaseStore& store, release::Desk* desk,
                                             const config::Config& cfg, core::TimePoint now,
                                             const std::optional<core::Role>& role,
                                             std::string_view query);

// /releases/{id} without its shell; nullopt when there is no such release.
// The gate is asked for each protected environment of the release (one
// Desk::Gate each); a desk error shows in that gate, not as a failed page.
core::Result<std::optional<ui::ReleaseModel>> LoadRelease(store::ReleaseStore& store,
                                                          release::Desk* desk,
                                                          const config::Config& cfg, int64_t id,
                                                          const std::optional<core::Role>& role);

}  // namespace release_pages
}  // namespace opsdeck::http
