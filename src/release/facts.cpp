#include "release/facts.h"

#include <algorithm>

namespace opsdeck::release {
namespace {

// Pages are walked to the end only when the newest rows are not deploy runs
// (a busy CI pipeline in the same environment with the same version).
constexpr int kPage = 100;

}  // namespace

bool IsDeployPipeline(const config::Config& config, std::string_view pipeline) {
  const config::PipelineConfig* p = config.FindPipeline(pipeline);
  return p != nullptr && p->kind == config::PipelineKind::kDeploy;
}

const core::Environment* PreviousEnvironment(const config::Config& config,
                                             std::string_view environment) {
  const core::Environment* env = config.FindEnvironment(environment);
  if (env == nullptr) return nullptr;
  const core::Environment* previous = nullptr;
  for (const core::Environment& e : config.environments) {
    if (e.position < env->position && (previous == nullptr || e.position > previous->position)) {
      previous = &e;
    }
  }
  return previous;
}

core::Result<std::optional<core::Run>> LastDeployRun(store::RunStore& runs,
                                                     const config::Config& config,
                                                     const std::string& environment,
                                                     const std::string& version) {
  store::RunQuery query;
  query.limit = kPage;
  query.environment = environment;
  query.version = version;
  while (true) {
    auto page = runs.ListRuns(query);
    if (!page) return page.error();
    for (core::Run& run : page->items) {
      if (IsDeployPipeline(config, run.pipeline)) return std::optional(std::move(run));
    }
    if (!page->next) return std::optional<core::Run>();
    query.cursor = page->next;
  }
}

core::Result<std::optional<core::Run>> FirstDeployRunSince(store::RunStore& runs,
                                                           const config::Config& config,
                                                           const std::string& environment,
                                                           const std::string& version,
                                                           core::TimePoint since) {
  store::RunQuery query;
  query.limit = kPage;
  query.environment = environment;
  query.version = version;
  query.from = since;
  std::optional<core::Run> oldest;
  while (true) {
    auto page = runs.ListRuns(query);
    if (!page) return page.error();
    for (core::Run& run : page->items) {
      if (IsDeployPipeline(config, run.pipeline)) oldest = std::move(run);  // newest first
    }
    if (!page->next) return oldest;
    query.cursor = page->next;
  }
}

core::Result<std::optional<core::Release>> ReleaseFor(store::ReleaseStore& releases,
                                                      const std::string& version,
                                                      const std::string& environment) {
  store::ReleaseQuery query;
  query.limit = 50;
  query.version = version;
  query.environment = environment;
  while (true) {
    auto page = releases.ListReleases(query);
    if (!page) return page.error();
    for (core::Release& r : page->items) {
      if (r.state != core::ReleaseState::kAborted) return std::optional(std::move(r));
    }
    if (!page->next) return std::optional<core::Release>();
    query.cursor = page->next;
  }
}

core::Result<EnvironmentHealth> HealthOf(store::HealthStore& health,
                                         const std::string& environment) {
  store::TargetQuery query;
  query.environment = environment;
  auto targets = health.ListTargets(query);
  if (!targets) return targets.error();
  EnvironmentHealth out;
  out.targets = static_cast<int>(targets->size());
  out.all_up = !targets->empty();
  for (const store::TargetRecord& t : *targets) {
    const core::TargetState s = t.status.state;
    if (s == core::TargetState::kDown || s == core::TargetState::kDegraded) {
      out.unhealthy.push_back(t.def.name);
    }
    if (s != core::TargetState::kUp) {
      out.all_up = false;
    } else {
      out.up_since = std::max(out.up_since, t.status.since);
    }
  }
  return out;
}

}  // namespace opsdeck::release
