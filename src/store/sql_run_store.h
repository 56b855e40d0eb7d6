// RunStore over a Database, written once for both backends: pipelines synced
// from the config (audited), webhook intake folded into runs by
// core::RunTracker inside one write transaction per delivery, and the
// keyset-paginated lists the API and pages read.
// Thread-safety: safe from any thread; holds no mutable state.
#pragma once

#include "core/clock.h"
#include "store/database.h"
#include "store/run_store.h"

namespace opsdeck::store {

class SqlRunStore final : public RunStore {
 public:
  SqlRunStore(Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  core::Result<PipelineSyncReport> SyncPipelines(const std::vector<PipelineDef>& wanted,
                                                 const core::Actor& actor,
                                                 std::string_view request_id) override;
  core::Result<std::vector<PipelineDef>> ListPipelines() override;
  core::Result<IntakeResult> Ingest(const IntakeRequest& request) override;
  void IngestAsync(IntakeRequest request, IngestDone done) override;
  core::Result<Page<core::Run>> ListRuns(const RunQuery& query) override;
  core::Result<std::optional<core::Run>> GetRun(int64_t id) override;
  core::Result<std::vector<core::Run>> LastRuns() override;
  core::Result<Page<DeploymentRecord>> ListDeployments(const DeploymentQuery& query) override;
  core::Result<std::vector<DeploymentRecord>> LiveDeployments() override;
  core::Result<Page<UnmatchedRecord>> ListUnmatched(const UnmatchedQuery& query) override;
  core::Result<int64_t> Prune(core::TimePoint before) override;

 private:
  Database& db_;
  const core::Clock& clock_;
};

}  // namespace opsdeck::store
