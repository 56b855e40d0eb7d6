#include "core/run_notices.h"

#include <algorithm>

#include "core/name_list.h"

namespace opsdeck::core {
namespace {

// A list field shows at most this many names, then "and N more".
constexpr size_t kMaxNamesInField = 5;

NoticeState StateOf(RunStatus s) {
  switch (s) {
    case RunStatus::kQueued:
      return NoticeState::kQueued;
    case RunStatus::kRunning:
      return NoticeState::kRunning;
    case RunStatus::kSucceeded:
      return NoticeState::kSucceeded;
    case RunStatus::kFailed:
      return NoticeState::kFailed;
    case RunStatus::kCanceled:
      return NoticeState::kCanceled;
    case RunStatus::kSuperseded:
      return NoticeState::kSuperseded;
  }
  return NoticeState::kInfo;
}

bool IsProtected(const RunNoticeContext& ctx, const std::string& env) {
  return !env.empty() && std::find(ctx.protected_environments.begin(),
                                   ctx.protected_environments.end(),
                                   env) != ctx.protected_environments.end();
}

// Long opaque ids (CodePipeline execution UUIDs) shortened like commits.
std::string RunLabel(const Run& run) {
  std::string id = run.external_run_id;
  if (id.size() > 12 && id.find('-') != std::string::npos) id = id.substr(0, 8);
  std::string label = "#" + id;
  if (run.attempt > 1) label += " (attempt " + std::to_string(run.attempt) + ")";
  return label;
}

}  // namespace

std::string FormatDuration(Duration d) {
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 0) s = 0;
  const int64_t h = s / 3600;
  const int64_t m = (s % 3600) / 60;
  const int64_t sec = s % 60;
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(sec) + "s";
  return std::to_string(sec) + "s";
}

Notice RunNotice(const Run& run, const RunNoticeContext& ctx) {
  Notice n;
  const std::string_view status = RunStatusName(run.status);
  n.kind = "pipeline." + std::string(status);
  n.subject = "run:" + std::to_string(run.id);
  n.state = StateOf(run.status);
  n.environment = run.environment;
  n.pipeline = run.pipeline;
  const bool prot = IsProtected(ctx, run.environment);
  if (run.status == RunStatus::kFailed) {
    n.severity = prot ? NoticeSeverity::kCritical : NoticeSeverity::kWarning;
    n.mention = prot;
  } else if (run.status == RunStatus::kCanceled) {
    n.severity = NoticeSeverity::kWarning;
  }
  n.title = run.pipeline + " " + RunLabel(run) + " " + std::string(status);
  n.url = run.url;
  n.description = run.title;

  AddField(n, "Environment", run.environment);
  AddField(n, "Ref", run.ref);
  AddField(n, "Commit", run.commit.substr(0, 7));
  AddField(n, "Version", run.version);
  AddField(n, "Trigger", run.trigger);
  const std::optional<TimePoint> start = run.started_at ? run.started_at : run.created_at;
  if (IsTerminal(run.status) && start && run.finished_at && *run.finished_at >= *start) {
    AddField(n, "Duration", FormatDuration(*run.finished_at - *start));
  }
  std::vector<std::string> failed;
  size_t done = 0;
  for (const Stage& s : run.stages) {
    if (s.status == RunStatus::kFailed) failed.push_back(s.name);
    if (IsTerminal(s.status)) ++done;
  }
  if (!run.stages.empty()) {
    AddField(n, "Stages", std::to_string(done) + "/" + std::to_string(run.stages.size()) + " done");
  }
  AddField(n, failed.size() == 1 ? "Failed stage" : "Failed stages",
           NameList(failed, kMaxNamesInField), false);

  n.footer = "opsdeck · " + std::string(SourceKindName(run.source));
  if (run.finished_at) {
    n.occurred_at = run.finished_at;
  } else if (run.started_at) {
    n.occurred_at = run.started_at;
  } else {
    n.occurred_at = run.created_at;
  }
  if (!ctx.public_url.empty() && run.id != 0) {
    n.opsdeck_url = ctx.public_url + "/runs/" + std::to_string(run.id);
  }
  return n;
}

std::optional<Notice> RunChangeNotice(const std::optional<Run>& before, const Run& after,
                                      const RunNoticeContext& ctx) {
  Notice now = RunNotice(after, ctx);
  if (before) {
    Run prev = *before;
    prev.id = after.id;
    if (RunNotice(prev, ctx) == now) return std::nullopt;
  }
  return now;
}

Notice DeploymentNotice(const Deployment& d, const RunNoticeContext& ctx) {
  Notice n;
  n.kind = "deployment.recorded";
  n.subject = "deployment:" + d.pipeline + ":" + d.external_run_id + ":" + std::to_string(d.attempt);
  n.state = NoticeState::kInfo;
  n.environment = d.environment;
  n.pipeline = d.pipeline;
  const std::string what = d.version.empty() ? d.commit.substr(0, 7) : d.version;
  n.title = (what.empty() ? std::string("A new version") : what) + " is live in " + d.environment;
  n.url = d.url;
  AddField(n, "Environment", d.environment);
  AddField(n, "Version", d.version);
  AddField(n, "Commit", d.commit.substr(0, 7));
  AddField(n, "Pipeline", d.pipeline);
  n.footer = "opsdeck · deployment";
  n.occurred_at = d.deployed_at;
  if (!ctx.public_url.empty()) n.opsdeck_url = ctx.public_url + "/deployments";
  return n;
}

}  // namespace opsdeck::core
