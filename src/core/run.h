// Pipeline runs in opsdeck's vocabulary (PRODUCT.md): the normalised event a
// source parser (ingest/) produces, and the stored shape of a run with its
// stages. Plain values; thread-safety is that of any value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace opsdeck::core {

// Every source's own values map onto these; the raw value is kept beside.
enum class RunStatus { kQueued, kRunning, kSucceeded, kFailed, kCanceled, kSuperseded };
std::string_view RunStatusName(RunStatus s);  // "queued", "running", "succeeded", ...
std::optional<RunStatus> ParseRunStatus(std::string_view name);
bool IsTerminal(RunStatus s);  // succeeded, failed, canceled, superseded

enum class SourceKind { kGithub, kGitlab, kCodePipeline, kGeneric };
std::string_view SourceKindName(SourceKind k);  // "github", "gitlab", "codepipeline", "generic"

// What identifies the pipeline an event belongs to; the config's match rules
// (pipelines[].match) are compared with these. Only the fields of the
// event's source are set.
struct MatchKeys {
  std::string repository;  // github: repository.full_name ("acme/dashboard")
  std::string workflow;    // github: workflow name ("CI")
  std::string branch;      // github head_branch / gitlab ref / generic ref
  std::string project;     // gitlab: project path_with_namespace
  std::string codepipeline;  // codepipeline: pipeline name
  std::string region;        // codepipeline
  std::string account;       // codepipeline
  std::string pipeline;      // generic: the pipeline id it names
};

// One stage (a GitHub job, a GitLab build, a CodePipeline stage or action,
// a generic stage).
struct StageEvent {
  std::string name;
  RunStatus status = RunStatus::kQueued;
  std::string source_status;  // raw, e.g. "in_progress/null", "failed"
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  std::string url;
};

// A verified, parsed event about one run (or one of its stages).
struct RunEvent {
  SourceKind source = SourceKind::kGeneric;
  std::string delivery_id;      // idempotency key of the delivery (may be empty)
  MatchKeys keys;
  std::string external_run_id;  // the run's id at its source, stable across attempts
  int attempt = 1;              // re-runs increment it
  // The run-level state. Absent when the event is only about a stage
  // (workflow_job, a CodePipeline stage change).
  std::optional<RunStatus> status;
  std::string source_status;    // raw: "completed/failure", "success", "SUCCEEDED"
  std::vector<StageEvent> stages;  // stages this event reports (a job event: one)
  std::string title;            // commit message or display title, first line
  std::string version;          // release version / tag when known
  std::string commit;           // full SHA
  std::string ref;              // branch or tag
  std::string url;              // link to the run at its source (http(s) only)
  std::string trigger;          // what started it: "push by alice", "schedule"
  std::optional<TimePoint> created_at;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  std::optional<TimePoint> occurred_at;  // when the source says this happened
};

// A run as stored: the fold of every event about it.
struct Stage {
  std::string name;
  RunStatus status = RunStatus::kQueued;
  std::string source_status;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  std::string url;
};

struct Run {
  int64_t id = 0;  // store id; 0 until stored
  std::string pipeline;     // config pipeline name
  std::string environment;  // config environment name
  SourceKind source = SourceKind::kGeneric;
  std::string external_run_id;
  int attempt = 1;
  RunStatus status = RunStatus::kQueued;
  std::string source_status;
  std::string title;
  std::string version;
  std::string commit;
  std::string ref;
  std::string url;
  std::string trigger;
  std::optional<TimePoint> created_at;
  std::optional<TimePoint> started_at;
  std::optional<TimePoint> finished_at;
  std::vector<Stage> stages;  // by started_at (unknown last), then name: the same in any arrival order
};

// A successful run of a deploy pipeline puts `version` live in `environment`.
struct Deployment {
  std::string environment;
  std::string pipeline;
  std::string external_run_id;
  int attempt = 1;
  std::string version;
  std::string commit;
  std::string url;
  TimePoint deployed_at{};
};

}  // namespace opsdeck::core
