#include "core/run_tracker.h"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>

namespace opsdeck::core {
namespace {

int Rank(RunStatus s) {
  if (s == RunStatus::kQueued) return 0;
  if (s == RunStatus::kRunning) return 1;
  return 2;
}

// Tie-break between statuses of the same rank: a failure outranks a success.
int TieRank(RunStatus s) {
  switch (s) {
    case RunStatus::kSucceeded: return 0;
    case RunStatus::kSuperseded: return 1;
    case RunStatus::kCanceled: return 2;
    case RunStatus::kFailed: return 3;
    case RunStatus::kQueued:
    case RunStatus::kRunning: return 0;
  }
  return 0;
}

// Where a status stands inside one attempt; compared lexicographically.
struct StatusKey {
  int rank;
  bool has_time;  // terminal only: is the terminal time known
  TimePoint time;
  int tie;
  std::string_view raw;

  auto Tie() const { return std::tie(rank, has_time, time, tie, raw); }
};

StatusKey KeyOf(RunStatus s, std::string_view raw, const std::optional<TimePoint>& terminal_at) {
  bool terminal = IsTerminal(s);
  bool has_time = terminal && terminal_at.has_value();
  return StatusKey{Rank(s), has_time, has_time ? *terminal_at : TimePoint{}, TieRank(s), raw};
}

std::optional<TimePoint> Earliest(const std::optional<TimePoint>& a, const std::optional<TimePoint>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::optional<TimePoint> Or(const std::optional<TimePoint>& a, const std::optional<TimePoint>& b) {
  return a ? a : b;
}

// Fill when empty; on disagreement keep the greater value (order-independent).
void JoinString(std::string& field, const std::string& value) {
  if (!value.empty() && (field.empty() || value > field)) field = value;
}

std::string Describe(RunStatus s, std::string_view raw) {
  std::string out(RunStatusName(s));
  if (!raw.empty()) out += "(" + std::string(raw) + ")";
  return out;
}

void MergeStage(std::vector<Stage>& stages, const StageEvent& se, const std::optional<TimePoint>& occurred_at,
                std::vector<std::string>& ignored) {
  std::optional<TimePoint> terminal_at =
      IsTerminal(se.status) ? Or(se.finished_at, occurred_at) : std::nullopt;
  auto it = std::find_if(stages.begin(), stages.end(), [&](const Stage& s) { return s.name == se.name; });
  if (it == stages.end()) {
    stages.push_back(Stage{se.name, se.status, se.source_status, se.started_at, terminal_at, se.url});
    return;
  }
  Stage& st = *it;
  st.started_at = Earliest(st.started_at, se.started_at);
  JoinString(st.url, se.url);
  StatusKey now = KeyOf(st.status, st.source_status, st.finished_at);
  StatusKey next = KeyOf(se.status, se.source_status, terminal_at);
  if (now.Tie() < next.Tie()) {
    st.status = se.status;
    st.source_status = se.source_status;
    st.finished_at = terminal_at;
  } else if (next.Tie() < now.Tie()) {
    ignored.push_back("stage '" + se.name + "': " + Describe(se.status, se.source_status) +
                      " does not move it from " + Describe(st.status, st.source_status));
  }
}

void SortStages(std::vector<Stage>& stages) {
  std::sort(stages.begin(), stages.end(), [](const Stage& a, const Stage& b) {
    auto key = [](const Stage& s) {
      return std::make_tuple(!s.started_at.has_value(), s.started_at.value_or(TimePoint{}),
                             std::string_view(s.name));
    };
    return key(a) < key(b);
  });
}

void ClearAttempt(Run& run, int attempt) {
  run.attempt = attempt;
  run.status = RunStatus::kQueued;
  run.source_status.clear();
  run.title.clear();
  run.version.clear();
  run.commit.clear();
  run.ref.clear();
  run.url.clear();
  run.trigger.clear();
  run.started_at.reset();
  run.finished_at.reset();
  run.stages.clear();
}

Deployment FromRun(const Run& run, const RunEvent& ev, TimePoint received_at) {
  return Deployment{run.environment, run.pipeline, run.external_run_id, run.attempt, run.version,
                    run.commit,      run.url,      Or(run.finished_at, ev.occurred_at).value_or(received_at)};
}

Deployment FromEvent(const PipelineBinding& b, const RunEvent& ev, int attempt, TimePoint received_at) {
  return Deployment{b.environment, b.pipeline, ev.external_run_id, attempt, ev.version, ev.commit, ev.url,
                    Or(ev.finished_at, ev.occurred_at).value_or(received_at)};
}

}  // namespace

RunDecision RunTracker::Apply(const std::optional<Run>& current, const RunEvent& ev,
                              const PipelineBinding& binding, TimePoint received_at) {
  RunDecision d;
  const int attempt = std::max(1, ev.attempt);
  const bool stage_only = !ev.status.has_value();
  RunStatus status = RunStatus::kQueued;
  if (ev.status) {
    status = *ev.status;
  } else if (std::any_of(ev.stages.begin(), ev.stages.end(),
                         [](const StageEvent& s) { return s.status != RunStatus::kQueued; })) {
    status = RunStatus::kRunning;
  }
  const bool reports_success = ev.status == RunStatus::kSucceeded;

  Run& run = d.run;
  if (current) {
    run = *current;
    if (!ev.external_run_id.empty() && ev.external_run_id != run.external_run_id) {
      d.ignored.push_back("event is for run '" + ev.external_run_id + "', not '" + run.external_run_id + "'");
    }
  } else {
    run.pipeline = binding.pipeline;
    run.environment = binding.environment;
    run.source = ev.source;
    run.external_run_id = ev.external_run_id;
    run.attempt = attempt;
  }
  run.created_at = Earliest(run.created_at, ev.created_at);

  if (attempt < run.attempt) {
    d.ignored.push_back("attempt " + std::to_string(attempt) + " is older than current attempt " +
                        std::to_string(run.attempt) + "; the run shows the latest attempt");
    d.changed = !current || !(run == *current);
    if (binding.is_deploy && reports_success) {
      d.deployment = FromEvent(binding, ev, attempt, received_at);
    }
    return d;
  }
  if (attempt > run.attempt) ClearAttempt(run, attempt);

  run.started_at = Earliest(run.started_at, ev.started_at);
  if (!stage_only) {
    JoinString(run.title, ev.title);
    JoinString(run.version, ev.version);
    JoinString(run.commit, ev.commit);
    JoinString(run.ref, ev.ref);
    JoinString(run.url, ev.url);
    JoinString(run.trigger, ev.trigger);
  }

  const std::string& raw = stage_only ? std::string() : ev.source_status;
  std::optional<TimePoint> terminal_at = IsTerminal(status) ? Or(ev.finished_at, ev.occurred_at) : std::nullopt;
  StatusKey now = KeyOf(run.status, run.source_status, run.finished_at);
  StatusKey next = KeyOf(status, raw, terminal_at);
  if (!current || now.Tie() < next.Tie()) {
    run.status = status;
    run.source_status = raw;
    run.finished_at = terminal_at;
  } else if (next.Tie() < now.Tie() && !stage_only) {
    d.ignored.push_back("status " + Describe(status, raw) + " does not move the run from " +
                        Describe(run.status, run.source_status));
  }

  for (const StageEvent& se : ev.stages) MergeStage(run.stages, se, ev.occurred_at, d.ignored);
  SortStages(run.stages);

  d.changed = !current || !(run == *current);

  if (binding.is_deploy) {
    if (run.status == RunStatus::kSucceeded) {
      const bool was = current && current->attempt == run.attempt && current->status == RunStatus::kSucceeded;
      if (!was || current->version != run.version || current->commit != run.commit ||
          current->url != run.url || current->finished_at != run.finished_at) {
        d.deployment = FromRun(run, ev, received_at);
      }
    } else if (reports_success) {
      d.ignored.push_back("succeeded lost to " + Describe(run.status, run.source_status) +
                          "; deployment recorded from the event");
      d.deployment = FromEvent(binding, ev, attempt, received_at);
    }
  }
  return d;
}

std::optional<Duration> RunDuration(const Run& run) {
  if (!run.started_at || !run.finished_at || *run.finished_at < *run.started_at) return std::nullopt;
  return *run.finished_at - *run.started_at;
}

std::optional<Duration> StageDuration(const Stage& stage) {
  if (!stage.started_at || !stage.finished_at || *stage.finished_at < *stage.started_at) return std::nullopt;
  return *stage.finished_at - *stage.started_at;
}

bool operator==(const Stage& a, const Stage& b) {
  return std::tie(a.name, a.status, a.source_status, a.started_at, a.finished_at, a.url) ==
         std::tie(b.name, b.status, b.source_status, b.started_at, b.finished_at, b.url);
}

bool operator==(const Run& a, const Run& b) {
  return std::tie(a.id, a.pipeline, a.environment, a.source, a.external_run_id, a.attempt, a.status,
                  a.source_status, a.title, a.version, a.commit, a.ref, a.url, a.trigger, a.created_at,
                  a.started_at, a.finished_at, a.stages) ==
         std::tie(b.id, b.pipeline, b.environment, b.source, b.external_run_id, b.attempt, b.status,
                  b.source_status, b.title, b.version, b.commit, b.ref, b.url, b.trigger, b.created_at,
                  b.started_at, b.finished_at, b.stages);
}

bool operator==(const Deployment& a, const Deployment& b) {
  return std::tie(a.environment, a.pipeline, a.external_run_id, a.attempt, a.version, a.commit, a.url,
                  a.deployed_at) ==
         std::tie(b.environment, b.pipeline, b.external_run_id, b.attempt, b.version, b.commit, b.url,
                  b.deployed_at);
}

}  // namespace opsdeck::core
