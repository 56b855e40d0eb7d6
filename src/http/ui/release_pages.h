// Server-rendered release pages: the list (/releases) with its "New release"
// form, and one release (/releases/{id}) with its gate per protected
// environment, its checklist grouped by phase, and the actions the signed-in
// role may take (tick, untick with a reason, state changes, rollback). The
// actions are posted by releases.js to the JSON API with the session's CSRF
// token; which buttons show follows core's deciders (core::CheckTick ...), so
// the page never offers what the API would refuse. The HTTP layer fills the
// models from release::Desk and the release store
// (ui/release_pages_route.cpp).
// Thread-safety: pure functions over immutable templates, safe on any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/gate.h"
#include "core/release.h"
#include "core/role.h"
#include "core/window_schedule.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"
#include "store/release_store.h"

namespace opsdeck::http::ui {

// GET /releases: newest first, filtered by state and environment, paged.
struct ReleasesModel {
  ShellModel shell;
  std::vector<FilterSelect> filters;  // state, environment
  bool filtered = false;
  std::string error;  // a bad filter or cursor (the page answers 400)
  std::vector<core::Release> releases;
  Pager pager;
  // The "New release" form, for release-manager and admin only.
  bool can_create = false;
  std::vector<std::string> templates;     // config's template names
  std::vector<std::string> environments;  // promotion order
  // Allow occurrences starting in the next 14 days, the form's window choice.
  std::vector<core::WindowOccurrence> windows;
  std::string windows_error;  // the desk could not list them
};
std::string RenderReleases(const ReleasesModel& model);

// The gate of one protected environment for the release's version.
struct GateView {
  std::string environment;
  std::optional<core::GateDecision> decision;  // nullopt: `error` says why
  std::string error;
};

// GET /releases/{id}.
struct ReleaseModel {
  ShellModel shell;
  core::Release release;
  // The reader's role; nullopt for an anonymous reader (no actions).
  std::optional<core::Role> role;
  std::vector<GateView> gates;           // protected environments of the release
  std::vector<store::Booking> bookings;  // the release's window bookings
  // Environments of the release with a rollback action configured: devops and
  // admin get a "Roll back" link to /rollbacks for each.
  std::vector<std::string> rollback_environments;
};
std::string RenderRelease(const ReleaseModel& model);

namespace internal {

// The form value of a window occurrence choice: "<start RFC 3339>|<name>"
// (an RFC 3339 time has no '|'; the name may have anything).
std::string WindowChoiceValue(const core::WindowOccurrence& occurrence);

}  // namespace internal
}  // namespace opsdeck::http::ui
