// ReleaseDesk: rollbacks. Start validates and records (status started), the
// action runs on the action thread (failed, or running), then the pipeline
// run it caused is followed: a deploy run in the environment with the
// version, whose run time is at or after the start (less a small slack for CI
// clocks), found in intake's changed runs or, on the periodic pass, in the
// run store (so a restart or a missed callback still completes it). A
// rollback still open after options.rollback_timeout fails.
#include <algorithm>

#include "core/run_notices.h"
#include "net/log.h"
#include "release/facts.h"
#include "release/notice_facts.h"
#include "release/release_desk.h"

namespace opsdeck::release {
namespace {

const core::Actor& RollbackActor() {
  static const core::Actor actor = core::Actor::System("rollback");
  return actor;
}

// The newest deployment of `environment` that `match` accepts.
template <typename Match>
core::Result<std::optional<store::DeploymentRecord>> FindDeployment(store::RunStore& runs,
                                                                    const std::string& environment,
                                                                    Match match) {
  store::DeploymentQuery query;
  query.limit = 500;
  query.environment = environment;
  while (true) {
    auto page = runs.ListDeployments(query);
    if (!page) return page.error();
    for (store::DeploymentRecord& d : page->items) {
      if (match(d)) return std::optional(std::move(d));
    }
    if (!page->next) return std::optional<store::DeploymentRecord>();
    query.cursor = page->next;
  }
}

core::TimePoint RunTime(const core::Run& run, core::TimePoint fallback) {
  if (run.started_at) return *run.started_at;
  if (run.created_at) return *run.created_at;
  return fallback;
}

}  // namespace

core::Result<store::Rollback> ReleaseDesk::StartRollback(const RollbackRequest& request,
                                                         const core::Principal& who,
                                                         const std::string& request_id) {
  if (who.role != core::Role::kDevops && who.role != core::Role::kAdmin) {
    return core::Error::PermissionDenied("starting a rollback needs the devops or admin role");
  }
  const auto config = Config();
  if (config->FindEnvironment(request.environment) == nullptr) {
    return core::Error::NotFound("no environment named '" + request.environment + "'");
  }
  auto action = config->releases.rollback.find(request.environment);
  if (action == config->releases.rollback.end()) {
    return core::Error::InvalidArgument(
        "no rollback action is configured for " + request.environment, "environment");
  }
  if (request.deployment_id.has_value() == request.version.has_value()) {
    return core::Error::InvalidArgument("give either a deployment or a version", "deployment");
  }

  store::Rollback rollback;
  rollback.environment = request.environment;
  if (request.deployment_id) {
    const int64_t id = *request.deployment_id;
    auto found = FindDeployment(deps_.store->runs(), request.environment,
                                [id](const store::DeploymentRecord& d) { return d.id == id; });
    if (!found) return found.error();
    if (!*found) {
      return core::Error::NotFound("deployment " + std::to_string(id) + " is not a deployment of " +
                                   request.environment);
    }
    if ((*found)->deployment.version.empty()) {
      return core::Error::InvalidArgument(
          "deployment " + std::to_string(id) + " has no version to roll back to", "deployment");
    }
    rollback.version = (*found)->deployment.version;
    rollback.deployment_id = id;
  } else {
    const std::string& version = *request.version;
    auto found = FindDeployment(
        deps_.store->runs(), request.environment,
        [&](const store::DeploymentRecord& d) { return d.deployment.version == version; });
    if (!found) return found.error();
    if (!*found) {
      return core::Error::NotFound("version " + version + " was never deployed to " +
                                   request.environment);
    }
    rollback.version = version;  // deployment_id stays 0: chosen by version
  }

  std::string release_version;
  if (request.release_id) {
    auto release = deps_.store->releases().GetRelease(*request.release_id);
    if (!release) return release.error();
    if (!*release)
      return core::Error::NotFound("no release " + std::to_string(*request.release_id));
    const core::Release& r = **release;
    if (std::find(r.environments.begin(), r.environments.end(), request.environment) ==
        r.environments.end()) {
      return core::Error::InvalidArgument(
          "release " + r.version + " does not target " + request.environment, "release");
    }
    if (auto ok = core::CheckTransition(r, core::ReleaseState::kRolledBack, core::Role::kAdmin);
        !ok) {
      return core::Error::Conflict("release " + r.version +
                                   " cannot be rolled back: " + ok.error().message);
    }
    rollback.release_id = r.id;
    release_version = r.version;
  }

  const core::Actor actor = who.ToActor();
  const core::TimePoint now = Now();
  rollback.status = store::RollbackStatus::kStarted;
  rollback.started_by = actor.ToString();
  rollback.started_at = now;
  rollback.action = std::string(ActionKindName(action->second));
  const core::ReleaseNoticeContext ctx = Context(*config);
  size_t appended = 0;
  auto created = deps_.store->releases().CreateRollback(
      rollback, actor, request_id,
      Plan<store::Rollback>(
          [&](const store::Rollback& r) {
            return std::vector{core::RollbackNotice(RollbackFactsOf(r, release_version),
                                                    core::RollbackEvent::kStarted, now, ctx)};
          },
          &appended));
  if (!created) return created.error();
  WakeIf(appended);
  PublishRollback(*created);
  actions_->Post([this, recorded = *created, run = action->second](std::stop_token stop) {
    RunAction(recorded, run, stop);
  });
  return created;
}

void ReleaseDesk::RunAction(const store::Rollback& rollback,
                            const config::RollbackActionConfig& action, std::stop_token stop) {
  const ActionOutcome outcome = deps_.actions->Run(
      action, ActionVars{rollback.version, rollback.environment, rollback.id}, stop);
  net::LogInfo("rollback action finished", {{"rollback", static_cast<long long>(rollback.id)},
                                            {"action", rollback.action},
                                            {"result", outcome.result},
                                            {"error", outcome.error}});
  if (!outcome.ok) {
    FinishRollback(rollback, store::RollbackStatus::kFailed, outcome.error, std::nullopt,
                   outcome.result, "action");
    return;
  }
  auto running = deps_.store->releases().UpdateRollback(
      rollback.id,
      [&](store::Rollback& r) -> core::Result<void> {
        if (r.status != store::RollbackStatus::kStarted) {
          return core::Error::Conflict("rollback is " +
                                       std::string(store::RollbackStatusName(r.status)));
        }
        r.status = store::RollbackStatus::kRunning;
        r.action_result = outcome.result;
        return core::Ok();
      },
      "action", RollbackActor(), "", {});
  if (!running) {
    net::LogWarn(
        "rollback action done but not recorded",
        {{"rollback", static_cast<long long>(rollback.id)}, {"error", running.error().ToString()}});
    return;
  }
  PublishRollback(*running);
  // The run may have been reported while the action was still answering.
  worker_->Post([this](std::stop_token) { FollowRollbacks(nullptr); });
}

void ReleaseDesk::FollowRollbacks(const std::vector<core::Run>* changed) {
  auto open = deps_.store->releases().OpenRollbacks();
  if (!open) {
    net::LogWarn("rollbacks: open rollbacks unreadable", {{"error", open.error().ToString()}});
    return;
  }
  if (open->empty()) return;
  const auto config = Config();
  const core::TimePoint now = Now();
  for (const store::Rollback& rb : *open) {
    if (rb.status != store::RollbackStatus::kRunning) continue;
    const core::TimePoint since = rb.started_at - options_.follow_slack;
    std::optional<core::Run> run;
    if (changed != nullptr) {
      for (const core::Run& r : *changed) {
        if (r.environment != rb.environment || r.version != rb.version) continue;
        if (rb.run_id ? r.id != *rb.run_id : !IsDeployPipeline(*config, r.pipeline)) continue;
        if (RunTime(r, now) < since) continue;
        if (!run || RunTime(r, now) < RunTime(*run, now))
          run = r;  // the earliest is the one it caused
      }
    } else {
      auto found = rb.run_id ? deps_.store->runs().GetRun(*rb.run_id)
                             : FirstDeployRunSince(deps_.store->runs(), *config, rb.environment,
                                                   rb.version, since);
      if (!found) {
        net::LogWarn("rollbacks: runs unreadable", {{"error", found.error().ToString()}});
        continue;
      }
      run = std::move(*found);
    }
    if (run) Follow(rb, *run);
  }
}

void ReleaseDesk::Follow(const store::Rollback& rollback, const core::Run& run) {
  if (!core::IsTerminal(run.status)) {
    if (rollback.run_id == run.id) return;
    auto matched =
        deps_.store->releases().UpdateRollback(rollback.id,
                                               [&](store::Rollback& r) -> core::Result<void> {
                                                 if (r.status != store::RollbackStatus::kRunning)
                                                   return core::Error::Conflict("not running");
                                                 r.run_id = run.id;
                                                 return core::Ok();
                                               },
                                               "follow", RollbackActor(), "", {});
    if (matched) PublishRollback(*matched);
    return;
  }
  if (run.status == core::RunStatus::kSucceeded) {
    FinishRollback(rollback, store::RollbackStatus::kSucceeded, "", run.id, "", "succeed");
  } else {
    FinishRollback(rollback, store::RollbackStatus::kFailed,
                   "pipeline run " + run.pipeline + " #" + std::to_string(run.id) + " " +
                       std::string(core::RunStatusName(run.status)),
                   run.id, "", "fail");
  }
}

void ReleaseDesk::FinishRollback(const store::Rollback& rollback, store::RollbackStatus to,
                                 const std::string& error, std::optional<int64_t> run_id,
                                 const std::string& action_result, std::string_view action) {
  const auto config = Config();
  const core::ReleaseNoticeContext ctx = Context(*config);
  const core::TimePoint now = Now();
  const bool succeeded = to == store::RollbackStatus::kSucceeded;
  std::optional<core::Release> release;
  if (rollback.release_id) {
    auto r = deps_.store->releases().GetRelease(*rollback.release_id);
    if (r && *r) release = std::move(**r);
  }
  std::optional<core::ReleaseState> move;
  if (succeeded && release &&
      core::CheckTransition(*release, core::ReleaseState::kRolledBack, core::Role::kAdmin)) {
    move = core::ReleaseState::kRolledBack;
  }
  const std::string release_version = release ? release->version : "";
  size_t appended = 0;
  auto updated = deps_.store->releases().UpdateRollback(
      rollback.id,
      [&](store::Rollback& r) -> core::Result<void> {
        if (r.status != store::RollbackStatus::kStarted &&
            r.status != store::RollbackStatus::kRunning) {
          return core::Error::Conflict("rollback is already " +
                                       std::string(store::RollbackStatusName(r.status)));
        }
        r.status = to;
        r.finished_at = now;
        r.error = error;
        if (run_id) r.run_id = run_id;
        if (!action_result.empty()) r.action_result = action_result;
        return core::Ok();
      },
      action, RollbackActor(), "",
      Plan<store::Rollback>(
          [&](const store::Rollback& r) {
            std::vector<core::Notice> notices{core::RollbackNotice(
                RollbackFactsOf(r, release_version),
                succeeded ? core::RollbackEvent::kSucceeded : core::RollbackEvent::kFailed, now,
                ctx)};
            if (move) {
              core::Release after = *release;
              after.state = core::ReleaseState::kRolledBack;
              const core::ReleaseChange what{
                  core::ReleaseEvent::kRolledBack,
                  RollbackActor().ToString(),
                  now,
                  {},
                  "rollback " + std::to_string(r.id) + " to " + r.version};
              notices.push_back(core::ReleaseNotice(after, what, ctx));
            }
            return notices;
          },
          &appended),
      move);
  if (!updated) {
    if (updated.error().code != core::ErrorCode::kConflict) {
      net::LogWarn("rollback outcome not recorded",
                   {{"rollback", static_cast<long long>(rollback.id)},
                    {"error", updated.error().ToString()}});
    }
    return;
  }
  WakeIf(appended);
  PublishRollback(*updated);
  if (move) {
    auto r = deps_.store->releases().GetRelease(*rollback.release_id);
    if (r && *r) PublishRelease(**r, "rolled-back");
  }
}

void ReleaseDesk::TimeOutRollbacks() {
  auto open = deps_.store->releases().OpenRollbacks();
  if (!open) return;  // FollowRollbacks has logged it
  const core::TimePoint now = Now();
  for (const store::Rollback& rb : *open) {
    if (now - rb.started_at < options_.rollback_timeout) continue;
    const std::string error = rb.run_id ? "pipeline run #" + std::to_string(*rb.run_id) +
                                              " did not finish within " +
                                              core::FormatDuration(options_.rollback_timeout)
                                        : "no pipeline run followed";
    FinishRollback(rb, store::RollbackStatus::kFailed, error, std::nullopt, "", "timeout");
  }
}

}  // namespace opsdeck::release
