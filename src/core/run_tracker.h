// core::RunTracker: the pure decider that folds RunEvents into a Run
// (state + event + receipt time -> new state + intents). No I/O, no clock
// reads: the caller passes the time it received the event. Stateless; all
// functions are safe to call from any thread.
//
// Goal: the final Run and the set of Deployments depend only on the SET of
// events (with duplicates), never on their arrival order, as long as events
// carry their times. Every rule below is a deterministic "join", so that
// property holds; where a naive "newer wins" rule would break it, the rule
// says what it does instead.
//
// Rules
// - Order on a run's states: key (attempt, rank), rank queued(0) <
//   running(1) < terminal(2). An event with a lower key never moves the run
//   back: a late "started" after "succeeded" of the same attempt leaves the
//   status alone.
// - Ties inside one (attempt, rank): for terminal statuses the later
//   terminal time wins (ev.finished_at, else ev.occurred_at; unknown is
//   oldest), then the status tie rank succeeded < superseded < canceled <
//   failed (a failure is never hidden by a simultaneous success), then the
//   greater raw source_status. Non-terminal ties go to the greater raw
//   source_status. So of two conflicting terminals in one attempt the later
//   one wins, whatever order they arrive in. The winner sets status,
//   source_status and finished_at (empty when no time is known).
// - Attempts: an event with a higher attempt (a re-run) restarts the run:
//   status, source_status, title/version/commit/ref/url/trigger, started_at,
//   finished_at and stages are cleared, then the event is applied. The run
//   and its stage timeline show the LATEST attempt only. An event of an older
//   attempt changes nothing but created_at (and may record a deployment).
// - Fields title/version/commit/ref/url/trigger describe one attempt: an
//   empty field takes the event's value; if two events of the attempt
//   disagree, the lexicographically greater value is kept (a "newer wins"
//   rule cannot be order-independent without remembering which event set a
//   field). created_at: earliest seen over all attempts. started_at:
//   earliest seen in the attempt.
// - Stage-only events (ev.status empty) stand for run status running if any
//   of their stages is past queued, else queued; they create the run if it
//   does not exist. They do not touch the run's string fields (their url is
//   a job's url, not the run's).
// - Stages merge by name with the same rank/tie rules per stage (the stage's
//   terminal time: its finished_at, else ev.occurred_at); started_at is the
//   earliest seen, url follows the field rule. A stage event after the run
//   ended still moves the stage forward, never the run. Stages of an older
//   attempt are ignored. Stages are kept sorted by (started_at, unknown
//   last; then name), which is order-independent, unlike first-seen order.
// - changed is false when the resulting Run equals `current` (duplicates).
// - Deployments (binding.is_deploy only), keyed by (pipeline,
//   external_run_id, attempt); the caller upserts them, a later emission
//   replacing the fields it has non-empty:
//   * when the run is succeeded after the event and it just became so, or
//     its version/commit/url/finished_at changed: a Deployment built from
//     the run; deployed_at = finished_at, else ev.occurred_at, else
//     received_at;
//   * when a succeeded event does not win the run (an older attempt, or a
//     later conflicting terminal in the same attempt won): a Deployment
//     built from the event alone (that deploy did happen). Re-emitted for
//     duplicates of such events; the upsert makes that harmless.
//   So the set of deployment keys is "every attempt that reported success".
// - `ignored` lists, for logs and tests, why parts of an event had no effect.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/run.h"

namespace opsdeck::core {

// What the config's match rules bound the event to.
struct PipelineBinding {
  std::string pipeline;
  std::string environment;
  bool is_deploy = false;
};

struct RunDecision {
  Run run;
  bool changed = false;
  std::optional<Deployment> deployment;
  std::vector<std::string> ignored;  // why parts of the event were ignored
};

class RunTracker {
 public:
  // `received_at` is when the caller received the event; it is used only as
  // the last fallback for a deployment's time.
  static RunDecision Apply(const std::optional<Run>& current, const RunEvent& ev,
                           const PipelineBinding& binding, TimePoint received_at);
};

// finished_at - started_at, when both are known and not reversed.
std::optional<Duration> RunDuration(const Run& run);
std::optional<Duration> StageDuration(const Stage& stage);

// Value equality (all fields).
bool operator==(const Stage& a, const Stage& b);
bool operator==(const Run& a, const Run& b);
bool operator==(const Deployment& a, const Deployment& b);

}  // namespace opsdeck::core
