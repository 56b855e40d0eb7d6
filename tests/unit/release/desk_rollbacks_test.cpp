// The desk's rollbacks for real: validation, the http action against a
// loopback receiver (body and headers as configured), the pipeline run it
// causes completing it and rolling the release back, a command action with a
// script, action failures, a command timeout, the 2 h follow timeout, and a
// run found in the store after a missed intake callback.
#include <fstream>

#include "desk_fixture.h"

namespace opsdeck::release::testing {
namespace {

using core::ErrorCode;
using core::RunStatus;

class RollbackTest : public DeskTest {
 protected:
  // Production had 1.4.1 a week ago, then 1.4.2 an hour ago (the release).
  void DeployHistory() {
    clock_->Set(kTuesday - 24h * 7);
    Ingest("production-deploy", "p-1", 1, RunStatus::kSucceeded, "1.4.1", clock_->Now() - 10min);
    clock_->Set(kTuesday - 1h);
    Ingest("production-deploy", "p-2", 1, RunStatus::kSucceeded, "1.4.2", clock_->Now() - 10min);
    clock_->Set(kTuesday);
    desk_->Flush();
  }

  int64_t DeploymentOf(const std::string& environment, const std::string& version) {
    store::DeploymentQuery q;
    q.environment = environment;
    auto page = store_->runs().ListDeployments(q);
    EXPECT_TRUE(page);
    for (const auto& d : page->items) {
      if (d.deployment.version == version) return d.id;
    }
    ADD_FAILURE() << "no deployment of " << version;
    return 0;
  }

  store::Rollback Get(int64_t id) {
    auto r = store_->releases().GetRollback(id);
    EXPECT_TRUE(r && *r);
    return r && *r ? **r : store::Rollback{};
  }

  core::Release InProgress(const std::string& version) {
    core::Release r = MakeRelease(version);
    auto started = desk_->SetState(r.id, core::ReleaseState::kInProgress, "", rm_, "");
    EXPECT_TRUE(started);
    return started ? *started : r;
  }
};

TEST_F(RollbackTest, StartIsValidated) {
  DeployHistory();
  const int64_t good = DeploymentOf("production", "1.4.1");
  RollbackRequest req{"production", good, std::nullopt, std::nullopt};
  EXPECT_EQ(desk_->StartRollback(req, rm_, "").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(desk_->StartRollback(req, viewer_, "").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      desk_->StartRollback({"qa", good, std::nullopt, std::nullopt}, devops_, "").error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(
      desk_->StartRollback({"production", good, "1.4.1", std::nullopt}, devops_, "").error().code,
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      desk_->StartRollback({"production", std::nullopt, std::nullopt, std::nullopt}, devops_, "")
          .error()
          .code,
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(desk_->StartRollback({"production", 9999, std::nullopt, std::nullopt}, devops_, "")
                .error()
                .code,
            ErrorCode::kNotFound);
  auto never =
      desk_->StartRollback({"production", std::nullopt, "0.9.0", std::nullopt}, devops_, "");
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().code, ErrorCode::kNotFound);
  EXPECT_NE(never.error().message.find("never deployed"), std::string::npos);
  // A staging deployment is not one of production's.
  Ingest("staging-deploy", "s-9", 1, RunStatus::kSucceeded, "1.3.0", kTuesday - 1h);
  EXPECT_EQ(desk_
                ->StartRollback(
                    {"production", DeploymentOf("staging", "1.3.0"), std::nullopt, std::nullopt},
                    devops_, "")
                .error()
                .code,
            ErrorCode::kNotFound);
  EXPECT_EQ(
      desk_->StartRollback({"production", good, std::nullopt, 9999}, devops_, "").error().code,
      ErrorCode::kNotFound);
  // A planned release cannot be rolled back.
  const core::Release planned = MakeRelease("1.4.2");
  EXPECT_EQ(desk_->StartRollback({"production", good, std::nullopt, planned.id}, devops_, "")
                .error()
                .code,
            ErrorCode::kConflict);
  // No action for the environment (a reload removed it): refused.
  auto edited = std::make_shared<config::Config>(*config_);
  edited->releases.rollback.erase("production");
  config_ = edited;
  auto none = desk_->StartRollback(req, devops_, "");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
  auto list = store_->releases().ListRollbacks({});
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->items.empty());
  EXPECT_TRUE(receiver_.requests().empty());
}

TEST_F(RollbackTest, HttpActionThenTheFollowingRunCompletesIt) {
  DeployHistory();
  const core::Release release = InProgress("1.4.2");
  const int64_t target = DeploymentOf("production", "1.4.1");
  auto started =
      desk_->StartRollback({"production", target, std::nullopt, release.id}, devops_, "req-rb");
  ASSERT_TRUE(started) << started.error().ToString();
  EXPECT_EQ(started->status, store::RollbackStatus::kStarted);
  EXPECT_EQ(started->version, "1.4.1");
  EXPECT_EQ(started->deployment_id, target);
  EXPECT_EQ(started->action, "http");
  EXPECT_EQ(started->started_by, "user:dave");

  ASSERT_TRUE(receiver_.WaitFor(1, 10s));
  desk_->Flush();
  const auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/dispatch/production");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer s3cret-token");
  EXPECT_EQ(requests[0].headers.at("accept"), "application/json");
  EXPECT_EQ(requests[0].body, R"({"ref":"main","inputs":{"version":"1.4.1","rollback":")" +
                                  std::to_string(started->id) + R"("}})");
  store::Rollback running = Get(started->id);
  EXPECT_EQ(running.status, store::RollbackStatus::kRunning);
  EXPECT_EQ(running.action_result, "HTTP 204");
  // The earlier 1.4.1 run (a week ago) is not the one it caused.
  EXPECT_FALSE(running.run_id);
  // One in flight per environment.
  EXPECT_EQ(desk_->StartRollback({"production", std::nullopt, "1.4.1", std::nullopt}, admin_, "")
                .error()
                .code,
            ErrorCode::kConflict);

  clock_->Advance(2min);
  auto result = Ingest("production-deploy", "p-3", 1, RunStatus::kRunning, "1.4.1", clock_->Now());
  ASSERT_EQ(result.changed.size(), 1u);
  const int64_t run_id = result.changed[0].id;
  desk_->Flush();
  running = Get(started->id);
  EXPECT_EQ(running.status, store::RollbackStatus::kRunning);
  EXPECT_EQ(running.run_id, run_id);

  clock_->Advance(5min);
  Ingest("production-deploy", "p-3", 1, RunStatus::kSucceeded, "1.4.1", clock_->Now() - 5min);
  desk_->Flush();
  const store::Rollback done = Get(started->id);
  EXPECT_EQ(done.status, store::RollbackStatus::kSucceeded);
  EXPECT_EQ(done.run_id, run_id);
  EXPECT_EQ(done.finished_at, clock_->Now());
  auto stored = store_->releases().GetRelease(release.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->state, core::ReleaseState::kRolledBack);

  const auto kinds = Kinds("rollback:");
  EXPECT_EQ(kinds, (std::vector<std::string>{"rollback.started", "rollback.succeeded"}));
  EXPECT_TRUE(Announced("release.rolled_back"));
  auto audit = Audit("rollback");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, "start");
  EXPECT_EQ(audit.back().actor.ToString(), "user:dave");
  EXPECT_EQ(audit.back().request_id, "req-rb");
  for (const auto& a : audit) {
    EXPECT_EQ(a.before_json.find("s3cret"), std::string::npos);
    EXPECT_EQ(a.after_json.find("s3cret"), std::string::npos);
  }
}

TEST_F(RollbackTest, CommandActionWithAScript) {
  Ingest("staging-deploy", "s-1", 1, RunStatus::kSucceeded, "1.4.0", kTuesday - 48h);
  Ingest("staging-deploy", "s-2", 1, RunStatus::kSucceeded, "1.4.1", kTuesday - 24h);
  auto started = desk_->StartRollback({"staging", std::nullopt, "1.4.0", std::nullopt}, admin_, "");
  ASSERT_TRUE(started) << started.error().ToString();
  EXPECT_EQ(started->action, "command");
  EXPECT_EQ(started->deployment_id, 0);  // chosen by version
  desk_->Flush();
  EXPECT_EQ(TempDir::Read(dir_.path() + "/redeploy.args"), "--env staging --version 1.4.0 ");
  store::Rollback running = Get(started->id);
  EXPECT_EQ(running.status, store::RollbackStatus::kRunning);
  EXPECT_EQ(running.action_result, "exit 0");

  clock_->Advance(1min);
  Ingest("staging-deploy", "s-3", 1, RunStatus::kFailed, "1.4.0", clock_->Now());
  desk_->Flush();
  const store::Rollback failed = Get(started->id);
  EXPECT_EQ(failed.status, store::RollbackStatus::kFailed);
  EXPECT_NE(failed.error.find("failed"), std::string::npos) << failed.error;
  EXPECT_TRUE(Announced("rollback.failed"));
}

TEST_F(RollbackTest, ActionFailureFailsTheRollback) {
  DeployHistory();
  const core::Release release = InProgress("1.4.2");
  receiver_.set_status(500);
  auto started =
      desk_->StartRollback({"production", std::nullopt, "1.4.1", release.id}, devops_, "");
  ASSERT_TRUE(started);
  desk_->Flush();
  const store::Rollback failed = Get(started->id);
  EXPECT_EQ(failed.status, store::RollbackStatus::kFailed);
  EXPECT_EQ(failed.action_result, "HTTP 500");
  EXPECT_NE(failed.error.find("HTTP 500"), std::string::npos) << failed.error;
  EXPECT_EQ(failed.error.find("s3cret"), std::string::npos);
  EXPECT_TRUE(failed.finished_at);
  EXPECT_EQ(Kinds("rollback:"), (std::vector<std::string>{"rollback.started", "rollback.failed"}));
  auto stored = store_->releases().GetRelease(release.id);
  EXPECT_EQ((*stored)->state, core::ReleaseState::kInProgress);
  // The environment is free again.
  receiver_.set_status(204);
  EXPECT_TRUE(desk_->StartRollback({"production", std::nullopt, "1.4.1", release.id}, devops_, ""));
}

TEST_F(RollbackTest, CommandTimeoutFailsTheRollback) {
  desk_->Stop();
  command_timeout_ = 300ms;
  MakeDesk();
  std::ofstream(script_) << "#!/bin/sh\nsleep 30\n";
  Ingest("staging-deploy", "s-1", 1, RunStatus::kSucceeded, "1.4.0", kTuesday - 48h);
  const auto begin = std::chrono::steady_clock::now();
  auto started =
      desk_->StartRollback({"staging", std::nullopt, "1.4.0", std::nullopt}, devops_, "");
  ASSERT_TRUE(started);
  desk_->Flush();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);
  const store::Rollback failed = Get(started->id);
  EXPECT_EQ(failed.status, store::RollbackStatus::kFailed);
  EXPECT_EQ(failed.action_result, "killed by signal 9");
  EXPECT_EQ(failed.error, "timed out after 300ms; killed");
}

TEST_F(RollbackTest, NoRunWithinTwoHoursFailsIt) {
  DeployHistory();
  auto started =
      desk_->StartRollback({"production", std::nullopt, "1.4.1", std::nullopt}, devops_, "");
  ASSERT_TRUE(started);
  desk_->Flush();
  clock_->Advance(119min);
  desk_->RunPeriodic();
  EXPECT_EQ(Get(started->id).status, store::RollbackStatus::kRunning);
  clock_->Advance(2min);
  desk_->RunPeriodic();
  const store::Rollback failed = Get(started->id);
  EXPECT_EQ(failed.status, store::RollbackStatus::kFailed);
  EXPECT_EQ(failed.error, "no pipeline run followed");
  EXPECT_TRUE(Announced("rollback.failed"));
}

TEST_F(RollbackTest, APeriodicPassFindsARunIntakeNeverReported) {
  DeployHistory();
  auto started =
      desk_->StartRollback({"production", std::nullopt, "1.4.1", std::nullopt}, devops_, "");
  ASSERT_TRUE(started);
  desk_->Flush();
  // Stored, but the desk is never told (a restart between commit and callback).
  clock_->Advance(3min);
  core::RunEvent ev;
  ev.source = core::SourceKind::kGeneric;
  ev.external_run_id = "p-9";
  ev.status = RunStatus::kSucceeded;
  ev.version = "1.4.1";
  ev.started_at = clock_->Now() - 2min;
  ev.finished_at = clock_->Now();
  store::IntakeRequest req;
  req.source = "generic";
  req.delivery_id = "quiet";
  req.received_at = clock_->Now();
  req.events.push_back({ev, core::PipelineBinding{"production-deploy", "production", true}});
  ASSERT_TRUE(store_->runs().Ingest(req));
  EXPECT_EQ(Get(started->id).status, store::RollbackStatus::kRunning);
  desk_->RunPeriodic();
  EXPECT_EQ(Get(started->id).status, store::RollbackStatus::kSucceeded);
}

}  // namespace
}  // namespace opsdeck::release::testing
