// Mustache data for the overview's blocks beyond the pipelines: each
// column's health and incidents, what waits to be promoted, and the blocks
// below the columns (windows, active releases, documentation coverage).
// Internal to http/ui (pages.cpp renders the page). Pure; any thread.
#pragma once

#include <kainjow/mustache.hpp>
#include <string_view>
#include <vector>

#include "http/ui/pages.h"

namespace opsdeck::http::ui::internal {

// env_state*, the column's headline state (its worst target's; unknown
// without targets), and h_* / i_* keys for the health and incident slots.
void SetHealth(kainjow::mustache::data& env, std::string_view environment,
               const store::EnvironmentHealth* health);
// wait_* keys for the footer toward the next environment.
void SetWaiting(kainjow::mustache::data& env, const std::vector<DeploymentRow>& waiting);

kainjow::mustache::data WindowsBlock(const OverviewModel& model);
kainjow::mustache::data ReleasesBlock(const OverviewModel& model);
kainjow::mustache::data DocsBlock(const OverviewModel& model);

}  // namespace opsdeck::http::ui::internal
