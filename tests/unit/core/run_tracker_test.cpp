#include "core/run_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

namespace opsdeck::core {
namespace {

TimePoint At(int seconds) { return FromUnixMillis(1'796'000'000'000 + seconds * 1000LL); }

const PipelineBinding kDeploy{"web-prod", "production", true};
const PipelineBinding kBuild{"web-ci", "production", false};

RunEvent Ev(std::optional<RunStatus> status, int t, int attempt = 1, std::string id = "42") {
  RunEvent ev;
  ev.source = SourceKind::kGithub;
  ev.external_run_id = std::move(id);
  ev.attempt = attempt;
  ev.status = status;
  ev.source_status = status ? std::string(RunStatusName(*status)) : "";
  ev.occurred_at = At(t);
  ev.created_at = At(0);
  ev.commit = "abc123";
  ev.version = "1.4.2";
  ev.url = "https://ci.example/runs/42";
  if (status && *status != RunStatus::kQueued) ev.started_at = At(1);
  if (status && IsTerminal(*status)) ev.finished_at = At(t);
  return ev;
}

StageEvent St(std::string name, RunStatus s, std::optional<int> start, std::optional<int> end = std::nullopt) {
  StageEvent st;
  st.name = std::move(name);
  st.status = s;
  st.source_status = std::string(RunStatusName(s));
  if (start) st.started_at = At(*start);
  if (end) st.finished_at = At(*end);
  return st;
}

RunEvent StageOnly(std::vector<StageEvent> stages, int t, int attempt = 1) {
  RunEvent ev = Ev(std::nullopt, t, attempt);
  ev.url = "https://ci.example/jobs/7";
  ev.stages = std::move(stages);
  return ev;
}

// Folds events in order, like the store will.
struct Fold {
  std::optional<Run> run;
  std::vector<RunDecision> decisions;
  RunDecision Apply(const RunEvent& ev, const PipelineBinding& b = kDeploy) {
    RunDecision d = RunTracker::Apply(run, ev, b, At(1000));
    run = d.run;
    decisions.push_back(d);
    return d;
  }
};

TEST(RunStatusTest, NamesRoundTrip) {
  for (RunStatus s : {RunStatus::kQueued, RunStatus::kRunning, RunStatus::kSucceeded, RunStatus::kFailed,
                      RunStatus::kCanceled, RunStatus::kSuperseded}) {
    EXPECT_EQ(ParseRunStatus(RunStatusName(s)), s);
  }
  EXPECT_EQ(ParseRunStatus("success"), std::nullopt);
  EXPECT_FALSE(IsTerminal(RunStatus::kQueued));
  EXPECT_FALSE(IsTerminal(RunStatus::kRunning));
  EXPECT_TRUE(IsTerminal(RunStatus::kSuperseded));
  EXPECT_EQ(SourceKindName(SourceKind::kCodePipeline), "codepipeline");
}

TEST(RunTrackerTest, CreatesRunFromFirstEvent) {
  Fold f;
  RunDecision d = f.Apply(Ev(RunStatus::kQueued, 0));
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.run.pipeline, "web-prod");
  EXPECT_EQ(d.run.environment, "production");
  EXPECT_EQ(d.run.external_run_id, "42");
  EXPECT_EQ(d.run.status, RunStatus::kQueued);
  EXPECT_EQ(d.run.commit, "abc123");
  EXPECT_FALSE(d.run.started_at);
  EXPECT_FALSE(d.deployment);
}

TEST(RunTrackerTest, MovesQueuedRunningSucceeded) {
  Fold f;
  f.Apply(Ev(RunStatus::kQueued, 0));
  RunDecision d = f.Apply(Ev(RunStatus::kRunning, 5));
  EXPECT_EQ(d.run.status, RunStatus::kRunning);
  EXPECT_EQ(d.run.started_at, At(1));
  EXPECT_FALSE(d.run.finished_at);
  d = f.Apply(Ev(RunStatus::kSucceeded, 60));
  EXPECT_EQ(d.run.status, RunStatus::kSucceeded);
  EXPECT_EQ(d.run.finished_at, At(60));
  EXPECT_EQ(RunDuration(d.run), Duration(59'000));
}

TEST(RunTrackerTest, EachTerminalStatusIsReached) {
  for (RunStatus s : {RunStatus::kFailed, RunStatus::kCanceled, RunStatus::kSuperseded}) {
    Fold f;
    f.Apply(Ev(RunStatus::kRunning, 5));
    RunDecision d = f.Apply(Ev(s, 30));
    EXPECT_EQ(d.run.status, s);
    EXPECT_EQ(d.run.source_status, RunStatusName(s));
    EXPECT_FALSE(d.deployment);
  }
}

TEST(RunTrackerTest, LateStartAfterSuccessDoesNotMoveBack) {
  Fold f;
  RunEvent done = Ev(RunStatus::kSucceeded, 60);
  done.started_at.reset();
  f.Apply(done);
  RunDecision d = f.Apply(Ev(RunStatus::kRunning, 5));
  EXPECT_EQ(d.run.status, RunStatus::kSucceeded);
  EXPECT_EQ(d.run.finished_at, At(60));
  EXPECT_EQ(d.run.started_at, At(1));  // an empty field is still filled
  EXPECT_TRUE(d.changed);
  ASSERT_FALSE(d.ignored.empty());
  EXPECT_FALSE(d.deployment);  // already deployed; nothing relevant changed
  d = f.Apply(Ev(RunStatus::kQueued, 0));
  EXPECT_EQ(d.run.status, RunStatus::kSucceeded);
  EXPECT_FALSE(d.changed);
}

TEST(RunTrackerTest, DuplicateIsNoChange) {
  Fold f;
  f.Apply(Ev(RunStatus::kRunning, 5));
  RunDecision d = f.Apply(Ev(RunStatus::kRunning, 5));
  EXPECT_FALSE(d.changed);
  f.Apply(Ev(RunStatus::kSucceeded, 60));
  d = f.Apply(Ev(RunStatus::kSucceeded, 60));
  EXPECT_FALSE(d.changed);
  EXPECT_FALSE(d.deployment);
}

TEST(RunTrackerTest, ConflictingTerminalsKeepTheLaterWhateverTheOrder) {
  RunEvent ok = Ev(RunStatus::kSucceeded, 60);
  RunEvent bad = Ev(RunStatus::kFailed, 70);
  Fold a, b;
  a.Apply(ok);
  a.Apply(bad);
  b.Apply(bad);
  b.Apply(ok);
  EXPECT_EQ(a.run->status, RunStatus::kFailed);
  EXPECT_EQ(a.run->finished_at, At(70));
  EXPECT_EQ(*a.run, *b.run);
}

TEST(RunTrackerTest, SimultaneousConflictingTerminalsPreferFailure) {
  Fold a, b;
  a.Apply(Ev(RunStatus::kSucceeded, 60));
  a.Apply(Ev(RunStatus::kFailed, 60));
  b.Apply(Ev(RunStatus::kFailed, 60));
  b.Apply(Ev(RunStatus::kSucceeded, 60));
  EXPECT_EQ(a.run->status, RunStatus::kFailed);
  EXPECT_EQ(*a.run, *b.run);
}

TEST(RunTrackerTest, ReRunRestartsTheRun) {
  Fold f;
  RunEvent first = Ev(RunStatus::kFailed, 60);
  first.stages = {St("build", RunStatus::kSucceeded, 2, 20), St("deploy", RunStatus::kFailed, 21, 60)};
  f.Apply(first);
  RunEvent again = Ev(RunStatus::kQueued, 100, 2);
  again.commit = "abc123";
  RunDecision d = f.Apply(again);
  EXPECT_EQ(d.run.attempt, 2);
  EXPECT_EQ(d.run.status, RunStatus::kQueued);
  EXPECT_FALSE(d.run.finished_at);
  EXPECT_FALSE(d.run.started_at);
  EXPECT_TRUE(d.run.stages.empty());
  EXPECT_EQ(d.run.created_at, At(0));
  // A late event of attempt 1 changes nothing.
  d = f.Apply(Ev(RunStatus::kRunning, 10));
  EXPECT_FALSE(d.changed);
  EXPECT_EQ(d.run.attempt, 2);
  EXPECT_EQ(d.run.status, RunStatus::kQueued);
}

TEST(RunTrackerTest, StagesMergeByNameAndNeverMoveBack) {
  Fold f;
  f.Apply(StageOnly({St("build", RunStatus::kQueued, std::nullopt)}, 1));
  f.Apply(StageOnly({St("build", RunStatus::kRunning, 2)}, 2));
  f.Apply(StageOnly({St("test", RunStatus::kRunning, 3)}, 3));
  RunDecision d = f.Apply(StageOnly({St("build", RunStatus::kSucceeded, 2, 9)}, 9));
  ASSERT_EQ(d.run.stages.size(), 2u);
  EXPECT_EQ(d.run.stages[0].name, "build");
  EXPECT_EQ(d.run.stages[0].status, RunStatus::kSucceeded);
  EXPECT_EQ(StageDuration(d.run.stages[0]), Duration(7000));
  d = f.Apply(StageOnly({St("build", RunStatus::kRunning, 2)}, 2));
  EXPECT_FALSE(d.changed);
  EXPECT_EQ(d.run.stages[0].status, RunStatus::kSucceeded);
  EXPECT_FALSE(d.ignored.empty());
}

TEST(RunTrackerTest, StageOnlyEventCreatesRun) {
  Fold f;
  RunDecision d = f.Apply(StageOnly({St("build", RunStatus::kQueued, std::nullopt)}, 1));
  EXPECT_EQ(d.run.status, RunStatus::kQueued);
  EXPECT_TRUE(d.run.url.empty());  // a job's url is not the run's
  Fold g;
  d = g.Apply(StageOnly({St("build", RunStatus::kRunning, 2)}, 2));
  EXPECT_EQ(d.run.status, RunStatus::kRunning);
  ASSERT_EQ(d.run.stages.size(), 1u);
  EXPECT_EQ(d.run.stages[0].url, "");
}

TEST(RunTrackerTest, StageAfterRunEndUpdatesTimelineOnly) {
  Fold f;
  RunEvent done = Ev(RunStatus::kSucceeded, 60);
  done.stages = {St("notify", RunStatus::kRunning, 50)};
  f.Apply(done);
  RunDecision d = f.Apply(StageOnly({St("notify", RunStatus::kSucceeded, 50, 65)}, 65));
  EXPECT_TRUE(d.changed);
  EXPECT_EQ(d.run.status, RunStatus::kSucceeded);
  EXPECT_EQ(d.run.finished_at, At(60));
  EXPECT_EQ(d.run.stages[0].status, RunStatus::kSucceeded);
  EXPECT_FALSE(d.deployment);
}

TEST(RunTrackerTest, StagesOfOlderAttemptAreIgnored) {
  Fold f;
  f.Apply(Ev(RunStatus::kRunning, 100, 2));
  RunDecision d = f.Apply(StageOnly({St("build", RunStatus::kFailed, 2, 9)}, 9, 1));
  EXPECT_FALSE(d.changed);
  EXPECT_TRUE(d.run.stages.empty());
}

TEST(RunTrackerTest, DeployPipelineRecordsDeploymentOnSuccess) {
  Fold f;
  f.Apply(Ev(RunStatus::kRunning, 5));
  RunDecision d = f.Apply(Ev(RunStatus::kSucceeded, 60));
  ASSERT_TRUE(d.deployment);
  EXPECT_EQ(d.deployment->environment, "production");
  EXPECT_EQ(d.deployment->pipeline, "web-prod");
  EXPECT_EQ(d.deployment->external_run_id, "42");
  EXPECT_EQ(d.deployment->attempt, 1);
  EXPECT_EQ(d.deployment->version, "1.4.2");
  EXPECT_EQ(d.deployment->commit, "abc123");
  EXPECT_EQ(d.deployment->deployed_at, At(60));
}

TEST(RunTrackerTest, BuildPipelineRecordsNoDeployment) {
  Fold f;
  f.Apply(Ev(RunStatus::kRunning, 5), kBuild);
  RunDecision d = f.Apply(Ev(RunStatus::kSucceeded, 60), kBuild);
  EXPECT_EQ(d.run.status, RunStatus::kSucceeded);
  EXPECT_FALSE(d.deployment);
}

TEST(RunTrackerTest, FailedDeployRecordsNoDeployment) {
  Fold f;
  RunDecision d = f.Apply(Ev(RunStatus::kFailed, 60));
  EXPECT_FALSE(d.deployment);
}

TEST(RunTrackerTest, SuccessOfOlderAttemptStillRecordsItsDeployment) {
  Fold f;
  f.Apply(Ev(RunStatus::kRunning, 100, 2));
  RunDecision d = f.Apply(Ev(RunStatus::kSucceeded, 60, 1));
  EXPECT_EQ(d.run.attempt, 2);
  EXPECT_EQ(d.run.status, RunStatus::kRunning);
  ASSERT_TRUE(d.deployment);
  EXPECT_EQ(d.deployment->attempt, 1);
  EXPECT_EQ(d.deployment->deployed_at, At(60));
}

TEST(RunTrackerTest, MissingTimes) {
  Fold f;
  RunEvent ev = Ev(RunStatus::kSucceeded, 0);
  ev.occurred_at.reset();
  ev.finished_at.reset();
  ev.started_at.reset();
  ev.created_at.reset();
  RunDecision d = f.Apply(ev);
  EXPECT_EQ(d.run.status, RunStatus::kSucceeded);
  EXPECT_FALSE(d.run.finished_at);
  EXPECT_FALSE(RunDuration(d.run));
  ASSERT_TRUE(d.deployment);
  EXPECT_EQ(d.deployment->deployed_at, At(1000));  // received_at, the last fallback
  // A timed terminal wins over the untimed one and fills finished_at.
  d = f.Apply(Ev(RunStatus::kSucceeded, 60));
  EXPECT_EQ(d.run.finished_at, At(60));
  ASSERT_TRUE(d.deployment);
  EXPECT_EQ(d.deployment->deployed_at, At(60));
}

TEST(RunTrackerTest, FieldsFillWhenEmptyAndKeepEarliestStart) {
  Fold f;
  RunEvent q = Ev(RunStatus::kQueued, 0);
  q.version.clear();
  f.Apply(q);
  RunEvent r = Ev(RunStatus::kRunning, 5);
  r.started_at = At(3);
  r.title = "Fix login";
  f.Apply(r);
  RunEvent r2 = Ev(RunStatus::kRunning, 6);
  r2.started_at = At(2);
  RunDecision d = f.Apply(r2);
  EXPECT_EQ(d.run.version, "1.4.2");
  EXPECT_EQ(d.run.title, "Fix login");
  EXPECT_EQ(d.run.started_at, At(2));
}

TEST(RunTrackerTest, DurationsNeedBothEndsInOrder) {
  Stage s;
  EXPECT_FALSE(StageDuration(s));
  s.started_at = At(10);
  s.finished_at = At(5);
  EXPECT_FALSE(StageDuration(s));
  s.finished_at = At(15);
  EXPECT_EQ(StageDuration(s), Duration(5000));
}


// --- Order independence: the same events, in any order, with duplicates. ---

struct Delivery {
  PipelineBinding binding;
  RunEvent ev;
};

Delivery D(const PipelineBinding& b, std::string id, int attempt, std::optional<RunStatus> s, int t,
           std::vector<StageEvent> stages = {}) {
  RunEvent ev = Ev(s, t, attempt, id);
  ev.version = b.environment + "-" + id;
  ev.url = "https://ci.example/" + b.pipeline + "/" + id;
  ev.started_at.reset();
  if (s == RunStatus::kRunning) ev.started_at = At(t);
  ev.stages = std::move(stages);
  if (!s) ev.url += "/job";
  return Delivery{b, std::move(ev)};
}

std::vector<Delivery> Recorded() {
  const PipelineBinding dev{"dev-deploy", "development", true};
  const PipelineBinding stg{"staging-deploy", "staging", true};
  const PipelineBinding prd{"prod-deploy", "production", true};
  const PipelineBinding ci{"ci", "development", false};
  using S = RunStatus;
  return {
      // development: a clean run with stages.
      D(dev, "101", 1, S::kQueued, 100), D(dev, "101", 1, S::kRunning, 101),
      D(dev, "101", 1, std::nullopt, 102, {St("build", S::kRunning, 102)}),
      D(dev, "101", 1, std::nullopt, 120, {St("build", S::kSucceeded, 102, 120)}),
      D(dev, "101", 1, std::nullopt, 121, {St("deploy", S::kRunning, 121)}),
      D(dev, "101", 1, std::nullopt, 150, {St("deploy", S::kSucceeded, 121, 150)}),
      D(dev, "101", 1, S::kSucceeded, 151),
      // a build pipeline: succeeds, deploys nothing.
      D(ci, "501", 1, S::kQueued, 100), D(ci, "501", 1, S::kRunning, 101), D(ci, "501", 1, S::kSucceeded, 140),
      // staging: attempt 1 fails, attempt 2 succeeds; late events of attempt 1.
      D(stg, "201", 1, S::kQueued, 200), D(stg, "201", 1, S::kRunning, 201),
      D(stg, "201", 1, std::nullopt, 230, {St("deploy", S::kFailed, 202, 230)}),
      D(stg, "201", 1, S::kFailed, 231),
      D(stg, "201", 2, S::kQueued, 300), D(stg, "201", 2, S::kRunning, 301),
      D(stg, "201", 2, std::nullopt, 302, {St("deploy", S::kRunning, 302)}),
      D(stg, "201", 2, std::nullopt, 330, {St("deploy", S::kSucceeded, 302, 330)}),
      D(stg, "201", 2, S::kSucceeded, 331),
      // production: a failed run, then a run that succeeds, with a stage
      // finishing after the run and a late "running" after the success.
      D(prd, "301", 1, S::kQueued, 400), D(prd, "301", 1, S::kRunning, 401),
      D(prd, "301", 1, std::nullopt, 420, {St("smoke", S::kRunning, 405), St("deploy", S::kFailed, 402, 420)}),
      D(prd, "301", 1, S::kFailed, 421),
      D(prd, "302", 1, S::kQueued, 500), D(prd, "302", 1, S::kRunning, 501),
      D(prd, "302", 1, std::nullopt, 540, {St("deploy", S::kSucceeded, 502, 540), St("notify", S::kRunning, 541)}),
      D(prd, "302", 1, S::kSucceeded, 545),
      D(prd, "302", 1, std::nullopt, 560, {St("notify", S::kSucceeded, 541, 560)}),
      D(prd, "302", 1, S::kRunning, 501),
  };
}

using RunKey = std::pair<std::string, std::string>;
using DeployKey = std::tuple<std::string, std::string, int>;

struct World {
  std::map<RunKey, Run> runs;
  std::map<DeployKey, Deployment> deployments;

  void Deliver(const Delivery& del, TimePoint received_at) {
    RunKey key{del.binding.pipeline, del.ev.external_run_id};
    auto it = runs.find(key);
    std::optional<Run> current;
    if (it != runs.end()) current = it->second;
    RunDecision d = RunTracker::Apply(current, del.ev, del.binding, received_at);
    runs[key] = d.run;
    if (!d.deployment) return;
    const Deployment& dep = *d.deployment;
    auto [slot, fresh] = deployments.try_emplace({dep.pipeline, dep.external_run_id, dep.attempt}, dep);
    if (fresh) return;
    Deployment& have = slot->second;  // upsert: non-empty fields replace
    if (!dep.version.empty()) have.version = dep.version;
    if (!dep.commit.empty()) have.commit = dep.commit;
    if (!dep.url.empty()) have.url = dep.url;
    have.deployed_at = dep.deployed_at;
  }
};

TEST(RunTrackerOrderTest, SameResultInAnyOrderWithDuplicates) {
  const std::vector<Delivery> events = Recorded();
  World in_order;
  for (size_t i = 0; i < events.size(); ++i) in_order.Deliver(events[i], At(10'000 + static_cast<int>(i)));

  ASSERT_EQ(in_order.runs.size(), 5u);
  const core::Run& stg = in_order.runs.at({"staging-deploy", "201"});
  EXPECT_EQ(stg.attempt, 2);
  EXPECT_EQ(stg.status, RunStatus::kSucceeded);
  ASSERT_EQ(stg.stages.size(), 1u);
  EXPECT_EQ(stg.stages[0].status, RunStatus::kSucceeded);
  const core::Run& prd = in_order.runs.at({"prod-deploy", "302"});
  EXPECT_EQ(prd.status, RunStatus::kSucceeded);
  ASSERT_EQ(prd.stages.size(), 2u);
  EXPECT_EQ(prd.stages[1].name, "notify");
  EXPECT_EQ(prd.stages[1].status, RunStatus::kSucceeded);
  EXPECT_EQ(in_order.runs.at({"prod-deploy", "301"}).status, RunStatus::kFailed);
  ASSERT_EQ(in_order.deployments.size(), 3u);  // dev 101, staging 201#2, prod 302
  EXPECT_EQ(in_order.deployments.count({"staging-deploy", "201", 2}), 1u);
  EXPECT_EQ(in_order.deployments.at({"prod-deploy", "302", 1}).deployed_at, At(545));

  for (unsigned round = 0; round < 200; ++round) {
    std::mt19937 rng(20261129u + round);
    std::vector<Delivery> shuffled = events;
    std::bernoulli_distribution dup(0.3);
    for (const Delivery& del : events) {
      if (dup(rng)) shuffled.push_back(del);
    }
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    World w;
    for (size_t i = 0; i < shuffled.size(); ++i) w.Deliver(shuffled[i], At(20'000 + static_cast<int>(i)));
    ASSERT_EQ(w.runs, in_order.runs) << "round " << round;
    ASSERT_EQ(w.deployments, in_order.deployments) << "round " << round;
  }
}

}  // namespace
}  // namespace opsdeck::core
