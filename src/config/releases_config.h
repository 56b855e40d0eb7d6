// `releases:` section: checklist templates, release windows (recurring or
// one-off, allow or deny) and per-environment rollback actions. Plain values,
// immutable once loaded; any thread may read them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/common.h"
#include "core/clock.h"

namespace opsdeck::config {

enum class Phase { kPrepare, kGoNoGo, kDeploy, kVerify, kRollback, kCommunicate };
std::string_view PhaseName(Phase phase);  // "prepare", "go-no-go", ...

// `auto:` on a checklist item: opsdeck ticks it itself when the condition
// holds. Written as `window_confirmed`, `<env>_green` (the environment's last
// pipeline run succeeded) or `<env>_healthy_<duration>` (every target of the
// environment up for that long), e.g. `production_healthy_15m`.
struct AutoCheckConfig {
  enum class Kind { kWindowConfirmed, kPipelineGreen, kHealthyFor };
  Kind kind = Kind::kWindowConfirmed;
  std::string environment;       // kPipelineGreen, kHealthyFor
  core::Duration healthy_for{};  // kHealthyFor
  std::string text;              // as written
};

struct ChecklistItemConfig {
  std::string id;  // unique in its template
  Phase phase = Phase::kPrepare;
  Role role = Role::kReleaseManager;  // kReleaseManager or kDevops
  std::string title;
  std::string description;
  bool required = true;
  std::vector<std::string> depends_on;        // item ids of the same template; acyclic
  std::optional<AutoCheckConfig> auto_check;  // `auto:`
};

struct ReleaseTemplateConfig {
  std::string name;
  std::vector<ChecklistItemConfig> items;  // file order
};

enum class WindowKind { kAllow, kDeny };
std::string_view WindowKindName(WindowKind kind);

// Either recurring (`schedule` + `duration` + `timezone`) or one-off
// (`from` + `until`), never both.
struct ReleaseWindowConfig {
  std::string name;
  WindowKind kind = WindowKind::kAllow;
  std::string schedule;  // 5-field cron, empty for one-off windows
  core::Duration duration{};
  std::string timezone = "UTC";
  std::vector<std::string> devops;  // people on hand during the window
  std::optional<core::TimePoint> from;
  std::optional<core::TimePoint> until;
};

struct RollbackHttpConfig {
  std::string method = "POST";
  std::string url;
  HeaderList headers;
  std::string body;  // may hold {{version}}, filled in when the rollback runs
};

// An allow-listed command: argv[0] is an absolute path; no shell is involved.
struct RollbackCommandConfig {
  std::vector<std::string> argv;
};

struct RollbackActionConfig {
  std::variant<RollbackHttpConfig, RollbackCommandConfig> action;
};

struct ReleasesConfig {
  std::vector<ReleaseTemplateConfig> templates;
  std::vector<ReleaseWindowConfig> windows;
  std::map<std::string, RollbackActionConfig> rollback;  // by environment name
};

}  // namespace opsdeck::config
