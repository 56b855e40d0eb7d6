// Mustache data shared by the monitoring pages (targets, target, incidents):
// a target state as chip keys, a target as a row, uptime and latency cells.
// Internal to http/ui. Pure functions; any thread.
#pragma once

#include <kainjow/mustache.hpp>
#include <optional>
#include <string>

#include "core/health.h"
#include "http/ui/target_pages.h"

namespace opsdeck::http::ui::internal {

// `<prefix>state`, `<prefix>state_label`, `<prefix>state_icon`.
void SetState(kainjow::mustache::data& d, const std::string& prefix, core::TargetState state);
// `key` ("99.95%") and `has_<key>`.
void SetUptime(kainjow::mustache::data& d, const std::string& key,
               const std::optional<double>& uptime);
// `key` ("12.4 ms") and `has_<key>`.
void SetLatency(kainjow::mustache::data& d, const std::string& key,
                const std::optional<core::Micros>& latency);
// A target row: t_name, t_href, t_kind, t_environment, t_component, t_state*,
// t_since*, t_flapping, t_reason, t_uptime, t_incident_href.
kainjow::mustache::data TargetItem(const TargetRow& row);

}  // namespace opsdeck::http::ui::internal
