// The store conformance suite, runs part 1: pipelines sync and intake
// (delivery dedupe, the fold of events equal to core::RunTracker's in any
// order, re-runs, deploy vs build pipelines, unmatched events, all-or-nothing
// on an unknown pipeline). Runs on SQLite and PostgreSQL; part 2 (lists,
// paging, prune, concurrency) is store_conformance_runs_lists_test.cpp.
#include <algorithm>
#include <random>

#include "runs_fixture.h"

namespace opsdeck::store::conformance {
namespace {

TEST_P(RunsConformance, PipelineSyncAddUpdateRetireRestoreIsAudited) {
  SetUpPipelines();
  auto listed = runs().ListPipelines();
  ASSERT_TRUE(listed) << listed.error().ToString();
  std::vector<std::string> names;
  for (const auto& p : *listed) names.push_back(p.name);
  // By environment position, then name.
  EXPECT_EQ(names, (std::vector<std::string>{"ci", "dev-deploy", "staging-deploy", "prod-deploy"}));
  EXPECT_EQ((*listed)[3].owner, "team-ops");
  EXPECT_EQ((*listed)[3].docs_url, "https://docs.example/prod");
  EXPECT_TRUE((*listed)[3].is_deploy);
  EXPECT_FALSE((*listed)[0].is_deploy);
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.entity_type = "pipeline", .action = "create"}).size(),
            4u);

  auto again = runs().SyncPipelines(Pipelines(), actor_, "");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->added.empty() && again->updated.empty() && again->retired.empty());

  auto wanted = Pipelines();
  wanted[0].owner = "team-build";
  wanted.pop_back();  // prod-deploy leaves the config
  auto changed = runs().SyncPipelines(wanted, core::Actor::System("config"), "req-2");
  ASSERT_TRUE(changed) << changed.error().ToString();
  EXPECT_EQ(changed->updated, std::vector<std::string>{"ci"});
  EXPECT_EQ(changed->retired, std::vector<std::string>{"prod-deploy"});
  auto retire = AllAudit(*store_, AuditQuery{.entity_type = "pipeline", .action = "retire"});
  ASSERT_EQ(retire.size(), 1u);
  EXPECT_EQ(retire[0].entity_id, "prod-deploy");
  EXPECT_EQ(retire[0].actor.name, "config");
  EXPECT_EQ(retire[0].request_id, "req-2");
  EXPECT_EQ(runs().ListPipelines().value_or(std::vector<PipelineDef>{}).size(), 3u);

  auto restored = runs().SyncPipelines(Pipelines(), actor_, "");
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->added, std::vector<std::string>{"prod-deploy"});
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM pipelines"), 4);

  // An unknown environment or a bad list changes nothing.
  auto bad = Pipelines();
  bad.push_back({"qa-deploy", "qa", true, "", ""});
  auto unknown = runs().SyncPipelines(bad, actor_, "");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto twice = Pipelines();
  twice.push_back(twice[0]);
  EXPECT_EQ(runs().SyncPipelines(twice, actor_, "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM pipelines"), 4);
}

TEST_P(RunsConformance, IngestCreatesARunAndReadsItBack) {
  SetUpPipelines();
  auto req = Request(
      "d-1", {D(kCi, "501", 1, RunStatus::kRunning, 10, {St("build", RunStatus::kRunning, 11)})},
      At(12));
  req.events[0].event.trigger = "push by alice";
  req.events[0].event.ref = "main";
  const IntakeResult r = Ingest(req);
  EXPECT_FALSE(r.duplicate);
  ASSERT_EQ(r.changed.size(), 1u);
  EXPECT_TRUE(r.deployments.empty());  // a build pipeline, and not succeeded anyway
  const core::Run& run = r.changed[0];
  EXPECT_GT(run.id, 0);
  EXPECT_EQ(run.pipeline, "ci");
  EXPECT_EQ(run.environment, "development");
  EXPECT_EQ(run.status, RunStatus::kRunning);

  auto got = runs().GetRun(run.id);
  ASSERT_TRUE(got && *got) << (got ? "missing" : got.error().ToString());
  EXPECT_EQ(**got, run);
  EXPECT_EQ((*got)->trigger, "push by alice");
  EXPECT_EQ((*got)->source, core::SourceKind::kGithub);
  EXPECT_EQ((*got)->started_at, At(10));
  ASSERT_EQ((*got)->stages.size(), 1u);
  EXPECT_EQ((*got)->stages[0].name, "build");

  core::Run expected = core::RunTracker::Apply(std::nullopt, req.events[0].event, kCi, At(12)).run;
  expected.id = run.id;
  EXPECT_EQ(**got, expected);

  auto missing = runs().GetRun(run.id + 1000);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries WHERE outcome = 'accepted'"),
            1);
  // Intake is machine traffic: no audit rows beyond the set-up's syncs.
  EXPECT_EQ(AllAudit(*store_, AuditQuery{.action = "create"}).size(), 7u);
}

TEST_P(RunsConformance, DuplicateDeliveryIdChangesNothing) {
  SetUpPipelines();
  ASSERT_FALSE(
      Ingest(Request("d-1", {D(kDevDeploy, "101", 1, RunStatus::kRunning, 10)}, At(10))).duplicate);
  const auto before = StoredRuns();

  // Same id, even with other content: ignored as a redelivery.
  const IntakeResult dup =
      Ingest(Request("d-1", {D(kDevDeploy, "101", 1, RunStatus::kSucceeded, 20)}, At(20)));
  EXPECT_TRUE(dup.duplicate);
  EXPECT_TRUE(dup.changed.empty());
  EXPECT_TRUE(dup.deployments.empty());
  EXPECT_EQ(StoredRuns(), before);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM deployments"), 0);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries"), 1);

  // Delivery ids are namespaced by source; no id means no dedupe.
  auto other = Request("d-1", {D(kDevDeploy, "101", 1, RunStatus::kSucceeded, 20)}, At(20));
  other.source = "gitlab";
  const IntakeResult r = Ingest(other);
  EXPECT_FALSE(r.duplicate);
  EXPECT_EQ(r.deployments.size(), 1u);
  EXPECT_FALSE(
      Ingest(Request("", {D(kDevDeploy, "101", 1, RunStatus::kSucceeded, 20)}, At(21))).duplicate);
  EXPECT_FALSE(
      Ingest(Request("", {D(kDevDeploy, "101", 1, RunStatus::kSucceeded, 20)}, At(22))).duplicate);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries"), 2);
}

TEST_P(RunsConformance, EventSequenceIsStoredAsTheTrackerFoldsIt) {
  SetUpPipelines();
  using S = RunStatus;
  const std::vector<Delivery> events = {
      D(kDevDeploy, "101", 1, S::kQueued, 100),
      D(kDevDeploy, "101", 1, S::kRunning, 101),
      D(kDevDeploy, "101", 1, std::nullopt, 102,
        {St("test", S::kRunning, 105), St("build", S::kRunning, 102)}),
      D(kDevDeploy, "101", 1, std::nullopt, 120, {St("build", S::kSucceeded, 102, 120)}),
      D(kDevDeploy, "101", 1, std::nullopt, 121, {St("deploy", S::kRunning, std::nullopt)}),
      D(kDevDeploy, "101", 1, std::nullopt, 130, {St("test", S::kSucceeded, 105, 130)}),
      D(kDevDeploy, "101", 1, std::nullopt, 150, {St("deploy", S::kSucceeded, 121, 150)}),
      D(kDevDeploy, "101", 1, S::kSucceeded, 151),
  };
  World world;
  for (size_t i = 0; i < events.size(); ++i) {
    world.Deliver(events[i], At(1000));
    const IntakeResult r = Ingest(Request("seq-" + std::to_string(i), {events[i]}, At(1000)));
    ASSERT_EQ(r.changed.size(), 1u) << i;
    core::Run as_returned = r.changed[0];
    as_returned.id = 0;
    EXPECT_EQ(as_returned, world.runs.begin()->second) << "after event " << i;
    EXPECT_EQ(StoredRuns(), world.runs) << "after event " << i;
  }
  const core::Run& run = world.runs.begin()->second;
  EXPECT_EQ(run.status, S::kSucceeded);
  ASSERT_EQ(run.stages.size(), 3u);
  // deploy's start became known late, which moved it between the others.
  EXPECT_EQ(run.stages[0].name, "build");
  EXPECT_EQ(run.stages[1].name, "test");
  EXPECT_EQ(run.stages[2].name, "deploy");
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM stages"), 3);
  EXPECT_EQ(StoredDeployments(), world.deployments);
  ASSERT_EQ(world.deployments.size(), 1u);

  // A duplicate of the last event changes nothing and records nothing.
  const IntakeResult dup = Ingest(Request("seq-dup", {events.back()}, At(2000)));
  EXPECT_TRUE(dup.changed.empty());
  EXPECT_TRUE(dup.deployments.empty());
}

TEST_P(RunsConformance, ShuffledDeliveriesGiveTheSameRunsAndDeployments) {
  const std::vector<Delivery> events = Recorded();
  World in_order;
  for (size_t i = 0; i < events.size(); ++i)
    in_order.Deliver(events[i], At(10'000 + static_cast<int>(i)));
  ASSERT_EQ(in_order.runs.size(), 5u);
  ASSERT_EQ(in_order.deployments.size(), 3u);

  for (unsigned round = 0; round < 4; ++round) {
    if (round > 0) {  // a fresh database per round
      store_->Close();
      auto backend = testing::TestBackend::Create(GetParam());
      ASSERT_TRUE(backend) << backend.error().ToString();
      backend_ = std::move(*backend);
      auto store = backend_->Open(clock_);
      ASSERT_TRUE(store) << store.error().ToString();
      store_ = std::move(*store);
    }
    SetUpPipelines();
    std::mt19937 rng(7100u + round);
    std::vector<Delivery> shuffled = events;
    std::bernoulli_distribution dup(0.3);
    for (const Delivery& del : events) {
      if (dup(rng)) shuffled.push_back(del);
    }
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    // Deliveries of one to three events, so one transaction may fold several
    // events into the same run.
    std::uniform_int_distribution<size_t> batch(1, 3);
    for (size_t i = 0; i < shuffled.size();) {
      const size_t n = std::min(batch(rng), shuffled.size() - i);
      std::vector<Delivery> part(shuffled.begin() + static_cast<std::ptrdiff_t>(i),
                                 shuffled.begin() + static_cast<std::ptrdiff_t>(i + n));
      Ingest(Request("r" + std::to_string(round) + "-" + std::to_string(i), part,
                     At(20'000 + static_cast<int>(i))));
      i += n;
    }
    ASSERT_EQ(StoredRuns(), in_order.runs) << "round " << round;
    ASSERT_EQ(StoredDeployments(), in_order.deployments) << "round " << round;
  }
}

TEST_P(RunsConformance, ReRunReplacesStagesAndKeepsTheFirstAttemptsDeployment) {
  SetUpPipelines();
  using S = RunStatus;
  Ingest(Request("a1",
                 {D(kProdDeploy, "900", 1, S::kRunning, 10,
                    {St("build", S::kSucceeded, 10, 20), St("deploy", S::kRunning, 21)})},
                 At(30)));
  const IntakeResult first = Ingest(
      Request("a1-done",
              {D(kProdDeploy, "900", 1, S::kSucceeded, 40, {St("deploy", S::kSucceeded, 21, 40)})},
              At(41)));
  ASSERT_EQ(first.deployments.size(), 1u);
  EXPECT_EQ(first.deployments[0].attempt, 1);
  EXPECT_EQ(first.deployments[0].environment, "production");
  EXPECT_EQ(first.deployments[0].version, "production-900");
  EXPECT_EQ(first.deployments[0].deployed_at, At(40));
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM stages"), 2);

  auto rerun = D(kProdDeploy, "900", 2, S::kRunning, 100, {St("verify", S::kRunning, 101)});
  rerun.ev.version = "production-900b";
  const IntakeResult second = Ingest(Request("a2", {rerun}, At(102)));
  ASSERT_EQ(second.changed.size(), 1u);
  const core::Run& run = second.changed[0];
  EXPECT_EQ(run.attempt, 2);
  EXPECT_EQ(run.status, S::kRunning);
  EXPECT_EQ(run.version, "production-900b");
  auto got = runs().GetRun(run.id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(**got, run);
  ASSERT_EQ((*got)->stages.size(), 1u);
  EXPECT_EQ((*got)->stages[0].name, "verify");
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM stages"), 1);  // attempt 1's rows are gone
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM runs"), 1);

  // A late success of attempt 1 does not move the run, and re-records its deployment harmlessly.
  const IntakeResult late =
      Ingest(Request("a1-late", {D(kProdDeploy, "900", 1, S::kSucceeded, 40)}, At(103)));
  EXPECT_TRUE(late.changed.empty());
  ASSERT_EQ(late.deployments.size(), 1u);
  EXPECT_EQ(late.deployments[0].attempt, 1);

  auto deps = runs().ListDeployments({});
  ASSERT_TRUE(deps);
  ASSERT_EQ(deps->items.size(), 1u);
  EXPECT_EQ(deps->items[0].deployment.attempt, 1);
  EXPECT_EQ(deps->items[0].deployment.version, "production-900");
  EXPECT_EQ(deps->items[0].run_id, run.id);

  const IntakeResult done =
      Ingest(Request("a2-done", {D(kProdDeploy, "900", 2, S::kSucceeded, 150)}, At(151)));
  ASSERT_EQ(done.deployments.size(), 1u);
  EXPECT_EQ(done.deployments[0].attempt, 2);
  EXPECT_EQ(done.deployments[0].version, "production-900b");  // from the run, not the event
  auto all = runs().ListDeployments({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].deployment.attempt, 2);  // newest first
  EXPECT_EQ(all->items[1].deployment.attempt, 1);
}

TEST_P(RunsConformance, OnlyDeployPipelinesRecordDeploymentsAndUpsertsKeepFields) {
  SetUpPipelines();
  const IntakeResult build =
      Ingest(Request("b", {D(kCi, "7", 1, RunStatus::kSucceeded, 10)}, At(10)));
  EXPECT_EQ(build.changed.size(), 1u);
  EXPECT_TRUE(build.deployments.empty());
  const IntakeResult failed =
      Ingest(Request("f", {D(kStagingDeploy, "8", 1, RunStatus::kFailed, 10)}, At(10)));
  EXPECT_TRUE(failed.deployments.empty());
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM deployments"), 0);

  // Two successes of one attempt: the later one wins deployed_at.
  auto a = D(kDevDeploy, "9", 1, RunStatus::kSucceeded, 50);
  a.ev.url = "https://ci.example/9";
  ASSERT_EQ(Ingest(Request("s1", {a}, At(50))).deployments.size(), 1u);
  const IntakeResult r2 =
      Ingest(Request("s2", {D(kDevDeploy, "9", 1, RunStatus::kSucceeded, 60)}, At(60)));
  ASSERT_EQ(r2.deployments.size(), 1u);
  EXPECT_EQ(r2.deployments[0].deployed_at, At(60));

  // After a re-run, a late success of attempt 1 is recorded from the event
  // alone; the fields it lacks keep their stored values.
  Ingest(Request("s3", {D(kDevDeploy, "9", 2, RunStatus::kRunning, 70)}, At(70)));
  auto late = D(kDevDeploy, "9", 1, RunStatus::kSucceeded, 60);
  late.ev.url.clear();
  late.ev.version.clear();
  late.ev.commit = "fff999";
  const IntakeResult r4 = Ingest(Request("s4", {late}, At(80)));
  EXPECT_TRUE(r4.changed.empty());
  ASSERT_EQ(r4.deployments.size(), 1u);
  const core::Deployment& dep = r4.deployments[0];        // as stored after the merge
  EXPECT_EQ(dep.url, "https://ci.example/dev-deploy/9");  // the greater of the two urls, kept
  EXPECT_EQ(dep.version, "development-9");
  EXPECT_EQ(dep.commit, "fff999");
  EXPECT_EQ(dep.deployed_at, At(60));
  auto deps = runs().ListDeployments({});
  ASSERT_TRUE(deps);
  ASSERT_EQ(deps->items.size(), 1u);
  EXPECT_EQ(deps->items[0].deployment, dep);
}

TEST_P(RunsConformance, UnmatchedEventsAreStoredAndListed) {
  SetUpPipelines();
  IntakeRequest req;
  req.source = "github";
  req.delivery_id = "u-1";
  req.received_at = At(5);
  req.unmatched.push_back({"github", "workflow_run", "77",
                           "no pipeline matches repository acme/x workflow CI",
                           R"({"repository":"acme/x","workflow":"CI"})"});
  req.unmatched.push_back({"github", "workflow_job", "78", "no pipeline matches", ""});
  const IntakeResult r = Ingest(req);
  EXPECT_EQ(r.unmatched, 2);
  EXPECT_TRUE(r.changed.empty());
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries WHERE outcome = 'unmatched'"),
            1);
  IntakeRequest other;
  other.source = "gitlab";
  other.received_at = At(6);
  other.unmatched.push_back(
      {"gitlab", "Pipeline Hook", "1", "no pipeline matches project acme/y", "{}"});
  EXPECT_EQ(Ingest(other).unmatched, 1);

  auto all = runs().ListUnmatched({});
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->items[0].event.source, "gitlab");  // newest first
  EXPECT_EQ(all->items[0].received_at, At(6));
  EXPECT_EQ(all->items[2].event.summary_json, R"({"repository":"acme/x","workflow":"CI"})");
  EXPECT_EQ(all->items[2].event.reason, "no pipeline matches repository acme/x workflow CI");
  auto github = runs().ListUnmatched(UnmatchedQuery{.limit = 1, .source = "github"});
  ASSERT_TRUE(github);
  ASSERT_EQ(github->items.size(), 1u);
  EXPECT_EQ(github->items[0].event.external_id, "78");
  ASSERT_TRUE(github->next);
  auto rest =
      runs().ListUnmatched(UnmatchedQuery{.limit = 1, .cursor = github->next, .source = "github"});
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].event.external_id, "77");
  EXPECT_FALSE(rest->next);
}

TEST_P(RunsConformance, AnUnknownPipelineRollsTheWholeDeliveryBack) {
  SetUpPipelines();
  core::PipelineBinding ghost{"ghost", "development", true};
  auto req = Request(
      "d-9", {D(kCi, "1", 1, RunStatus::kRunning, 1), D(ghost, "2", 1, RunStatus::kRunning, 1)},
      At(1));
  req.unmatched.push_back({"github", "workflow_run", "3", "no match", "{}"});
  auto r = runs().Ingest(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << r.error().ToString();
  for (const char* table :
       {"runs", "stages", "deployments", "webhook_deliveries", "unmatched_events"}) {
    EXPECT_EQ(Count(*store_, std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  // A retired pipeline is unknown too.
  auto wanted = Pipelines();
  wanted.erase(wanted.begin());  // ci
  ASSERT_TRUE(runs().SyncPipelines(wanted, actor_, ""));
  auto retired = runs().Ingest(Request("d-10", {D(kCi, "1", 1, RunStatus::kRunning, 1)}, At(1)));
  ASSERT_FALSE(retired);
  EXPECT_EQ(retired.error().code, ErrorCode::kNotFound);
  // The delivery id was not recorded: the redelivery, once fixed, goes through.
  req.events.pop_back();
  ASSERT_TRUE(runs().SyncPipelines(Pipelines(), actor_, ""));
  const IntakeResult ok = Ingest(req);
  EXPECT_FALSE(ok.duplicate);
  EXPECT_EQ(ok.changed.size(), 1u);
  EXPECT_EQ(ok.unmatched, 1);

  // Text that is not UTF-8 is refused the same way on both backends.
  auto bad = Request("d-11", {D(kCi, "5", 1, RunStatus::kRunning, 1)}, At(1));
  bad.events[0].event.title = std::string("bad \xff title");
  auto refused = runs().Ingest(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, RunsConformance,
                         ::testing::Values(testing::kSqlite, testing::kPostgres),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace opsdeck::store::conformance
