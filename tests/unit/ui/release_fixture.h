// Shared data of the release page tests: the reference config's production
// release template as a release (ids, phases, roles and dependencies as in
// reference-config.yaml), a config with staging and a protected production,
// and times around Wednesday 2026-03-11 10:00 UTC.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "core/release.h"

namespace opsdeck::http::testing {

inline constexpr char kHostile[] = "<img src=x onerror=alert(1)>";

// Seconds after 2026-03-11T10:00:00Z, a Wednesday.
inline core::TimePoint At(int64_t seconds) {
  return core::FromUnixMillis(1'773'223'200'000 + seconds * 1000);
}
inline const core::TimePoint kNow = At(0);
inline constexpr int64_t kHour = 3600;

inline core::ChecklistItem Item(std::string id, std::string phase, core::Role role,
                                std::string title, std::vector<std::string> depends_on = {},
                                bool required = true, std::string auto_check = {}) {
  core::ChecklistItem item;
  item.id = std::move(id);
  item.phase = std::move(phase);
  item.role = role;
  item.title = std::move(title);
  item.depends_on = std::move(depends_on);
  item.required = required;
  item.auto_check = std::move(auto_check);
  return item;
}

inline core::Release ReferenceRelease() {
  using core::Role;
  core::Release r;
  r.id = 7;
  r.version = "2.14.0";
  r.environments = {"staging", "production"};
  r.template_name = "production-release";
  r.window = "weekday releases";
  r.window_start = At(28 * kHour);
  r.created_by = "user:rita";
  r.created_at = At(-kHour);
  r.updated_at = At(-kHour);
  r.items = {
      Item("scope", "prepare", Role::kReleaseManager, "Freeze scope and tag the release"),
      Item("notes", "prepare", Role::kReleaseManager, "Write release notes"),
      Item("staging-green", "prepare", Role::kDevops, "Staging pipeline green for this version", {},
           true, "staging_green"),
      Item("backup", "prepare", Role::kDevops, "Fresh database backup verified"),
      Item("devops-on-hand", "go-no-go", Role::kDevops, "Devops on hand for the window", {}, true,
           "window_confirmed"),
      Item("go", "go-no-go", Role::kReleaseManager, "Go / no-go decision",
           {"scope", "staging-green", "backup", "devops-on-hand"}),
      Item("deploy", "deploy", Role::kDevops, "Start and watch the production pipeline", {"go"}),
      Item("fix-or-rollback", "deploy", Role::kDevops, "Fix a failed deploy or roll back", {},
           false),
      Item("verify", "verify", Role::kReleaseManager, "Smoke-test the product", {"deploy"}),
      Item("healthy", "verify", Role::kDevops, "Production healthy for 15 minutes", {}, true,
           "production_healthy_15m"),
      Item("announce", "communicate", Role::kReleaseManager, "Announce the release", {"verify"}),
  };
  return r;
}

inline void MarkDone(core::Release& r, const std::string& id, std::string by, int64_t at) {
  core::ChecklistItem* item = r.Find(id);
  item->state = core::ItemState::kDone;
  item->done_by = std::move(by);
  item->done_at = At(at);
}

inline config::Config ReleaseConfig() {
  config::Config cfg;
  cfg.environments = {{"staging", false, 0}, {"production", true, 1}};
  config::ReleaseTemplateConfig tmpl;
  tmpl.name = "production-release";
  cfg.releases.templates = {tmpl};
  config::RollbackHttpConfig http;
  http.url = "https://ci.example.com/rollback";
  cfg.releases.rollback["production"] = config::RollbackActionConfig{http};
  return cfg;
}

}  // namespace opsdeck::http::testing
