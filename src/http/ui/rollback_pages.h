// Server-rendered /rollbacks: every rollback newest first (environment,
// version, status as a word and an icon, who started it and when, the
// action's result, the pipeline run it caused), filtered by environment and
// status, paged; and for devops and admin a form to start one: an
// environment with a rollback action, then one of its previous deployments
// (releases.js lists them from GET /api/v1/deployments?environment=), and
// optionally the release it rolls back. The HTTP layer fills the model from
// the release store and config (ui/rollback_pages_route.cpp).
// Thread-safety: pure functions over immutable templates, safe on any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/role.h"
#include "http/ui/pages.h"
#include "http/ui/run_pages.h"
#include "http/ui/window_pages.h"
#include "store/release_store.h"

namespace opsdeck::http::ui {

struct RollbacksModel {
  ShellModel shell;
  std::vector<FilterSelect> filters;  // environment, status
  bool filtered = false;
  std::string error;  // a bad filter or cursor (the page answers 400)
  std::vector<store::Rollback> rollbacks;
  Pager pager;
  std::optional<core::Role> role;  // the form shows for devops and admin
  // Environments with a rollback action, promotion order; and the one the
  // page was opened for (?environment=, from a release's Roll back link).
  std::vector<std::string> environments;
  std::string environment;
  // Releases a rollback may name (in progress or released), newest first;
  // and the one preselected (?release=).
  std::vector<ReleaseChoice> releases;
  std::optional<int64_t> release;
};
std::string RenderRollbacks(const RollbacksModel& model);

}  // namespace opsdeck::http::ui
