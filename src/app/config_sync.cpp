#include "app/config_sync.h"

namespace opsdeck::app {

std::vector<std::string> SyncConfigToStore(store::Store& store, const config::Config& cfg,
                                           const core::Actor& actor, std::string_view request_id) {
  std::vector<std::string> warnings;
  auto envs = store.environments().Sync(cfg.environments, actor, request_id);
  if (!envs) {
    warnings.push_back("environments not stored yet: " + envs.error().message);
    return warnings;  // pipelines reference environments
  }
  std::vector<store::PipelineDef> defs;
  defs.reserve(cfg.pipelines.size());
  for (const auto& p : cfg.pipelines) {
    defs.push_back(store::PipelineDef{p.name, p.environment,
                                      p.kind == config::PipelineKind::kDeploy, p.owner, p.docs});
  }
  auto pipelines = store.runs().SyncPipelines(defs, actor, request_id);
  if (!pipelines) warnings.push_back("pipelines not stored yet: " + pipelines.error().message);
  return warnings;
}

}  // namespace opsdeck::app
