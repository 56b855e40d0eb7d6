// GET /windows (any role that may read): the release window calendar and
// occurrences (ui/window_pages.h), filled from release::Desk and the release
// store. The loader is separate from the route so tests can run it on a fake
// desk and store. AddUiRoutes calls AddWindowPageRoutes.
// Thread-safety: the loader blocks on the desk and the store; the route runs
// it on the database executor.
#pragma once

#include <optional>

#include "core/clock.h"
#include "core/result.h"
#include "core/role.h"
#include "http/router.h"
#include "http/services.h"
#include "http/ui/window_pages.h"
#include "release/desk.h"
#include "store/release_store.h"

namespace opsdeck::http {

void AddWindowPageRoutes(Router& router, const Services& services);

namespace window_pages {

// The most planned releases the Book form offers.
inline constexpr int kMaxBookable = 100;

// /windows without its shell: the occurrences from a day before the
// calendar to a day after it (one Desk::Windows), the planned releases a
// release manager may book for, and the versions of the bookings' releases
// (one ListReleases, then one GetRelease per other booked release).
core::Result<ui::WindowsModel> LoadWindows(store::ReleaseStore& store, release::Desk& desk,
                                           core::TimePoint now,
                                           const std::optional<core::Role>& role);

}  // namespace window_pages
}  // namespace opsdeck::http
