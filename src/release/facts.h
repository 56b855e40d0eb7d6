// The facts the gate, the automatic checklist items and rollback following
// read: which pipelines deploy an environment (config), the last deploy run
// of a version, the release of a version for an environment, the health of
// an environment's targets. Blocking store reads; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/release.h"
#include "core/result.h"
#include "core/run.h"
#include "store/health_store.h"
#include "store/release_store.h"
#include "store/run_store.h"

namespace opsdeck::release {

bool IsDeployPipeline(const config::Config& config, std::string_view pipeline);

// The environment before `environment` in the promotion path, or null.
const core::Environment* PreviousEnvironment(const config::Config& config,
                                             std::string_view environment);

// The newest run (by run time) of a deploy pipeline in `environment` with
// `version`; nullopt when none is recorded.
core::Result<std::optional<core::Run>> LastDeployRun(store::RunStore& runs,
                                                     const config::Config& config,
                                                     const std::string& environment,
                                                     const std::string& version);

// The oldest deploy run in `environment` with `version` whose run time is at
// or after `since`: the run a rollback caused.
core::Result<std::optional<core::Run>> FirstDeployRunSince(store::RunStore& runs,
                                                           const config::Config& config,
                                                           const std::string& environment,
                                                           const std::string& version,
                                                           core::TimePoint since);

// The newest release of `version` that targets `environment` and is not
// aborted.
core::Result<std::optional<core::Release>> ReleaseFor(store::ReleaseStore& releases,
                                                      const std::string& version,
                                                      const std::string& environment);

struct EnvironmentHealth {
  int targets = 0;
  std::vector<std::string> unhealthy;  // down or degraded, config order
  bool all_up = false;                 // targets > 0 and every one is up
  core::TimePoint up_since{};          // all_up: the latest `since` among them
};

core::Result<EnvironmentHealth> HealthOf(store::HealthStore& health,
                                         const std::string& environment);

}  // namespace opsdeck::release
