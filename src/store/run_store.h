// Storage for pipelines, their runs and stages, deployments, unmatched events
// and webhook delivery ids. Same failure rule and thread-safety as store.h:
// every call returns a core::Result, may be called from any thread, and
// blocks on the database.
//
// Intake is one transaction per delivery (Ingest): the delivery id is
// recorded, each bound event is folded into its run by core::RunTracker with
// the run's stored state read inside the same transaction (serialised per
// run on PostgreSQL by an advisory lock), the deployments the tracker emits
// are upserted, unmatched events are stored with their reason. The HTTP
// layer answers 2xx only after Ingest returned, i.e. after the commit.
// Webhook intake is machine traffic, not a person's change: it is recorded in
// webhook_deliveries, not in the audit log (docs/decisions.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/run.h"
#include "core/run_tracker.h"
#include "store/outbox_store.h"
#include "store/page.h"

namespace opsdeck::store {

// A pipeline as the config declares it (pipelines[]), synced into the store.
struct PipelineDef {
  std::string name;
  std::string environment;  // an environment that exists in the store
  bool is_deploy = false;
  std::string owner;
  std::string docs_url;
};

struct PipelineSyncReport {
  std::vector<std::string> added;
  std::vector<std::string> updated;
  std::vector<std::string> retired;
};

// An event the config's match rules bound to a pipeline.
struct BoundEvent {
  core::RunEvent event;
  core::PipelineBinding binding;
};

// A well-formed event that matched no pipeline.
struct UnmatchedInput {
  std::string source;       // "github", "gitlab", "codepipeline", "generic"
  std::string event_type;   // "workflow_run", "Pipeline Hook", "CodePipeline Pipeline Execution State Change"
  std::string external_id;  // the run id at its source
  std::string reason;       // why nothing matched: "no pipeline matches repository acme/x workflow CI branch main"
  std::string summary_json; // JSON object of the match keys (what a rule would look at)
};

struct IntakeResult;

// The notifications a delivery's changes call for, decided inside its
// transaction (so they commit with the change, or not at all). Must be pure
// and quick: it runs on the writer, and may run again after a retried
// transaction.
using OutboxPlan = std::function<std::vector<OutboxEntry>(const IntakeResult&)>;

struct IntakeRequest {
  std::string source;       // "github", ...: the namespace of delivery_id
  std::string delivery_id;  // empty: no delivery dedupe
  std::vector<BoundEvent> events;
  std::vector<UnmatchedInput> unmatched;
  core::TimePoint received_at{};
  // Empty: no notifications (nothing routes pipeline events anywhere).
  OutboxPlan outbox;
};

struct IntakeResult {
  bool duplicate = false;              // delivery id seen before: nothing was changed
  // Runs that changed, as stored (with ids and stages); a run that several
  // events of the request changed appears once, in its final state.
  std::vector<core::Run> changed;
  // Deployments recorded or updated, as stored after the upsert (fields the
  // emission left empty keep their stored values); once per key.
  std::vector<core::Deployment> deployments;
  int unmatched = 0;                   // unmatched events stored
  // Only when the request had an outbox plan: each changed run as it was
  // before this delivery (nullopt: the delivery created it), parallel to
  // `changed`; and how many outbox entries the plan appended.
  std::vector<std::optional<core::Run>> previous;
  size_t outbox_appended = 0;
};

struct RunQuery {
  int limit = 50;                     // clamped to [1, 500]
  std::optional<std::string> cursor;  // from a previous Page::next; only valid with the same filters
  std::optional<std::string> pipeline;     // name (retired ones too)
  std::optional<std::string> environment;  // name of the run's environment
  std::optional<core::RunStatus> status;
  std::optional<std::string> version;   // the run's version, exactly
  std::optional<core::TimePoint> from;  // run time >= from
  std::optional<core::TimePoint> to;    // run time < to
};
// Runs are ordered newest first by "run time" = started_at, else created_at,
// else when the store first received an event about the run; then by id.

struct DeploymentRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  core::Deployment deployment;
};

struct DeploymentQuery {
  int limit = 50;  // clamped to [1, 500]
  std::optional<std::string> cursor;
  std::optional<std::string> environment;
  std::optional<std::string> pipeline;
};
// Deployments are ordered newest first by deployed_at, then id.

struct UnmatchedRecord {
  int64_t id = 0;
  UnmatchedInput event;
  core::TimePoint received_at{};
};

struct UnmatchedQuery {
  int limit = 50;  // clamped to [1, 500]
  std::optional<std::string> cursor;
  std::optional<std::string> source;
};
// Unmatched events are ordered newest first by received_at, then id.
// A malformed cursor, or one from another list, is kInvalidArgument.

class RunStore {
 public:
  virtual ~RunStore() = default;

  // Makes the stored pipelines match the config's list (added, updated,
  // retired, each one audited mutation by `actor`, entity "pipeline",
  // actions create/update/retire/restore). Idempotent; safe when two
  // instances run it at once. Sync environments first: an environment that
  // is not stored (or retired) is kNotFound; duplicate or empty names, or a
  // deploy pipeline without an environment, kInvalidArgument.
  virtual core::Result<PipelineSyncReport> SyncPipelines(const std::vector<PipelineDef>& wanted,
                                                         const core::Actor& actor,
                                                         std::string_view request_id) = 0;
  // The active pipelines, by environment position then name.
  virtual core::Result<std::vector<PipelineDef>> ListPipelines() = 0;

  // One delivery, atomically (see the file comment): on any error nothing
  // is written, not even the delivery id, so a redelivery is processed.
  // kNotFound when an event names a pipeline that is not stored or retired,
  // or an environment that is not (config and store out of sync);
  // kInvalidArgument for text that is not UTF-8, a delivery id without a
  // source, or a deployment of a pipeline without an environment.
  virtual core::Result<IntakeResult> Ingest(const IntakeRequest& request) = 0;
  // Ingest without blocking the caller: `done` gets the result once the
  // transaction committed, on the database's completion thread (see
  // Database::WriteAsync: keep it short). The default calls Ingest on the
  // calling thread, blocking it: callers on an I/O thread check first.
  using IngestDone = std::function<void(core::Result<IntakeResult>)>;
  virtual void IngestAsync(IntakeRequest request, IngestDone done) { done(Ingest(request)); }

  virtual core::Result<Page<core::Run>> ListRuns(const RunQuery& query) = 0;  // without stages
  virtual core::Result<std::optional<core::Run>> GetRun(int64_t id) = 0;      // with stages
  // The newest run of each active pipeline (by run time), without stages,
  // in ListPipelines' order; pipelines without a run are left out.
  virtual core::Result<std::vector<core::Run>> LastRuns() = 0;

  virtual core::Result<Page<DeploymentRecord>> ListDeployments(const DeploymentQuery& query) = 0;
  // The newest deployment of each active environment that has one, in
  // promotion order.
  virtual core::Result<std::vector<DeploymentRecord>> LiveDeployments() = 0;

  virtual core::Result<Page<UnmatchedRecord>> ListUnmatched(const UnmatchedQuery& query) = 0;

  // Housekeeping: forgets delivery ids received before `before` (a
  // redelivery after that is processed again), and unmatched events older
  // than `before`. Runs and deployments are kept. Returns rows removed.
  virtual core::Result<int64_t> Prune(core::TimePoint before) = 0;
};

}  // namespace opsdeck::store
