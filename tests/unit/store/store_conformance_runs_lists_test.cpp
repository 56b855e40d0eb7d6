// The store conformance suite, runs part 2: run, deployment and unmatched
// lists (keyset paging, filters, limits, bad cursors), LastRuns and
// LiveDeployments, Prune, concurrent intake from several threads and two
// instances (no lost update), and a rough intake rate. Runs on SQLite and
// PostgreSQL (instantiated in store_conformance_runs_test.cpp).
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "runs_fixture.h"

namespace opsdeck::store::conformance {
namespace {

using S = RunStatus;

// 120 runs over three pipelines; run i starts at second 1000 + i/2 (pairs
// share a start, so ties are broken by id); every fifth one failed.
void Ingest120(RunStore& store) {
  const core::PipelineBinding* bindings[] = {&kCi, &kStagingDeploy, &kProdDeploy};
  std::vector<BoundEvent> events;
  for (int i = 0; i < 120; ++i) {
    const core::PipelineBinding& b = *bindings[i % 3];
    Delivery d =
        D(b, "run-" + std::to_string(i), 1, i % 5 == 0 ? S::kFailed : S::kRunning, 1000 + i / 2);
    d.ev.started_at = At(1000 + i / 2);
    events.push_back(BoundEvent{std::move(d.ev), b});
  }
  // Twelve deliveries of ten events each.
  for (int k = 0; k < 12; ++k) {
    IntakeRequest req;
    req.source = "github";
    req.delivery_id = "page-" + std::to_string(k);
    req.received_at = At(2000);
    req.events.assign(events.begin() + k * 10, events.begin() + (k + 1) * 10);
    auto r = store.Ingest(req);
    ASSERT_TRUE(r) << r.error().ToString();
    ASSERT_EQ(r->changed.size(), 10u);
  }
}

std::vector<core::Run> AllPages(RunStore& store, RunQuery q, int* pages = nullptr) {
  std::vector<core::Run> out;
  int n = 0;
  while (true) {
    auto page = store.ListRuns(q);
    EXPECT_TRUE(page) << page.error().ToString();
    if (!page) return out;
    ++n;
    EXPECT_LE(page->items.size(), static_cast<size_t>(q.limit));
    out.insert(out.end(), page->items.begin(), page->items.end());
    if (!page->next) break;
    EXPECT_EQ(page->items.size(), static_cast<size_t>(q.limit));
    q.cursor = page->next;
  }
  if (pages) *pages = n;
  return out;
}

core::TimePoint RunTime(const core::Run& r) { return r.started_at ? *r.started_at : *r.created_at; }

TEST_P(RunsConformance, RunPagesWalkNewestFirstWithFilters) {
  SetUpPipelines();
  Ingest120(runs());

  int pages = 0;
  const auto all = AllPages(runs(), RunQuery{.limit = 25}, &pages);
  EXPECT_EQ(pages, 5);
  ASSERT_EQ(all.size(), 120u);
  std::set<int64_t> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    ids.insert(all[i].id);
    EXPECT_TRUE(all[i].stages.empty());
    if (i == 0) continue;
    const auto prev = std::pair(RunTime(all[i - 1]), all[i - 1].id);
    const auto cur = std::pair(RunTime(all[i]), all[i].id);
    EXPECT_GT(prev, cur) << i;  // strictly newest first, ties by id
  }
  EXPECT_EQ(ids.size(), 120u);
  EXPECT_EQ(all.front().external_run_id, "run-119");
  EXPECT_EQ(all.back().external_run_id, "run-0");

  const auto prod = AllPages(runs(), RunQuery{.limit = 7, .pipeline = "prod-deploy"});
  EXPECT_EQ(prod.size(), 40u);
  for (const auto& r : prod) EXPECT_EQ(r.pipeline, "prod-deploy");
  const auto staging = AllPages(runs(), RunQuery{.limit = 500, .environment = "staging"});
  EXPECT_EQ(staging.size(), 40u);
  for (const auto& r : staging) EXPECT_EQ(r.environment, "staging");
  const auto failed = AllPages(runs(), RunQuery{.limit = 5, .status = S::kFailed});
  EXPECT_EQ(failed.size(), 24u);
  for (const auto& r : failed) EXPECT_EQ(r.status, S::kFailed);
  // Seconds 1010..1019 hold runs 20..39; `to` is exclusive.
  const auto window = AllPages(runs(), RunQuery{.limit = 3, .from = At(1010), .to = At(1020)});
  ASSERT_EQ(window.size(), 20u);
  EXPECT_EQ(window.front().external_run_id, "run-39");
  EXPECT_EQ(window.back().external_run_id, "run-20");
  const auto combined = AllPages(
      runs(),
      RunQuery{
          .limit = 2, .pipeline = "ci", .status = S::kFailed, .from = At(1010), .to = At(1020)});
  ASSERT_EQ(combined.size(), 1u);  // ci is i % 3 == 0, failed i % 5 == 0: run 30 only
  EXPECT_EQ(combined[0].external_run_id, "run-30");
  EXPECT_TRUE(AllPages(runs(), RunQuery{.pipeline = "nope"}).empty());
  // The fixture's version is "<environment>-<run id>": one run each.
  const auto version = AllPages(runs(), RunQuery{.environment = "staging", .version = "staging-run-31"});
  ASSERT_EQ(version.size(), 1u);
  EXPECT_EQ(version[0].external_run_id, "run-31");
  EXPECT_TRUE(AllPages(runs(), RunQuery{.environment = "production", .version = "staging-run-31"}).empty());

  // Limits are clamped to [1, 500].
  auto one = runs().ListRuns(RunQuery{.limit = 0});
  ASSERT_TRUE(one);
  EXPECT_EQ(one->items.size(), 1u);
  EXPECT_TRUE(one->next);
  auto many = runs().ListRuns(RunQuery{.limit = 100000});
  ASSERT_TRUE(many);
  EXPECT_EQ(many->items.size(), 120u);
  EXPECT_FALSE(many->next);

  // Malformed cursors, and cursors of another list, are invalid arguments.
  Ingest(Request("dep-a", {D(kProdDeploy, "run-a", 1, S::kSucceeded, 3000)}, At(3000)));
  Ingest(Request("dep-b", {D(kProdDeploy, "run-b", 1, S::kSucceeded, 3001)}, At(3001)));
  auto deps = runs().ListDeployments(DeploymentQuery{.limit = 1});
  ASSERT_TRUE(deps);
  ASSERT_TRUE(deps->next);
  for (const std::string& bad : {std::string("zz"), std::string("abc"), std::string("72756e3a"),
                                 *deps->next, std::string("72756e3a313a30")}) {
    auto r = runs().ListRuns(RunQuery{.cursor = bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(runs().ListDeployments(DeploymentQuery{.cursor = one->next}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(runs().ListUnmatched(UnmatchedQuery{.cursor = "x"}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(RunsConformance, DeploymentPagesAndFilters) {
  SetUpPipelines();
  // 30 successful deploys: 10 per environment, at distinct times.
  const core::PipelineBinding* bindings[] = {&kDevDeploy, &kStagingDeploy, &kProdDeploy};
  for (int i = 0; i < 30; ++i) {
    Ingest(Request("dep-" + std::to_string(i),
                   {D(*bindings[i % 3], "d" + std::to_string(i), 1, S::kSucceeded, 100 + i)},
                   At(200)));
  }
  std::vector<DeploymentRecord> all;
  DeploymentQuery q{.limit = 4};
  while (true) {
    auto page = runs().ListDeployments(q);
    ASSERT_TRUE(page) << page.error().ToString();
    all.insert(all.end(), page->items.begin(), page->items.end());
    if (!page->next) break;
    q.cursor = page->next;
  }
  ASSERT_EQ(all.size(), 30u);
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_GT(all[i - 1].deployment.deployed_at, all[i].deployment.deployed_at);
  }
  EXPECT_EQ(all.front().deployment.external_run_id, "d29");
  auto prod = runs().ListDeployments(DeploymentQuery{.limit = 500, .environment = "production"});
  ASSERT_TRUE(prod);
  EXPECT_EQ(prod->items.size(), 10u);
  for (const auto& d : prod->items) EXPECT_EQ(d.deployment.environment, "production");
  auto by_pipeline =
      runs().ListDeployments(DeploymentQuery{.limit = 500, .pipeline = "dev-deploy"});
  ASSERT_TRUE(by_pipeline);
  EXPECT_EQ(by_pipeline->items.size(), 10u);
  auto none = runs().ListDeployments(
      DeploymentQuery{.environment = "development", .pipeline = "prod-deploy"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->items.empty());
}

TEST_P(RunsConformance, LastRunsAndLiveDeployments) {
  SetUpPipelines();
  {
    auto last = runs().LastRuns();
    ASSERT_TRUE(last);
    EXPECT_TRUE(last->empty());
    auto live = runs().LiveDeployments();
    ASSERT_TRUE(live);
    EXPECT_TRUE(live->empty());
  }
  Ingest(Request("1", {D(kProdDeploy, "p1", 1, S::kSucceeded, 100)}, At(100)));
  Ingest(Request("2", {D(kProdDeploy, "p2", 1, S::kSucceeded, 200)}, At(200)));
  Ingest(Request("3", {D(kProdDeploy, "p3", 1, S::kFailed, 300)}, At(300)));
  Ingest(Request("4", {D(kDevDeploy, "d1", 1, S::kSucceeded, 150)}, At(150)));
  Ingest(Request("5", {D(kCi, "c1", 1, S::kRunning, 50)}, At(50)));
  Ingest(Request("6", {D(kCi, "c0", 1, S::kSucceeded, 40)}, At(60)));  // arrives later, ran earlier

  auto last = runs().LastRuns();
  ASSERT_TRUE(last) << last.error().ToString();
  ASSERT_EQ(last->size(), 3u);  // staging-deploy has no run
  EXPECT_EQ((*last)[0].pipeline, "ci");
  EXPECT_EQ((*last)[0].external_run_id, "c1");
  EXPECT_EQ((*last)[1].pipeline, "dev-deploy");
  EXPECT_EQ((*last)[2].pipeline, "prod-deploy");
  EXPECT_EQ((*last)[2].external_run_id, "p3");
  EXPECT_EQ((*last)[2].status, S::kFailed);

  auto live = runs().LiveDeployments();
  ASSERT_TRUE(live) << live.error().ToString();
  ASSERT_EQ(live->size(), 2u);  // by environment position
  EXPECT_EQ((*live)[0].deployment.environment, "development");
  EXPECT_EQ((*live)[1].deployment.environment, "production");
  EXPECT_EQ((*live)[1].deployment.external_run_id, "p2");  // the failed p3 deployed nothing
  EXPECT_EQ((*live)[1].deployment.version, "production-p2");

  // Retired pipelines and environments drop out.
  auto wanted = Pipelines();
  wanted.erase(wanted.begin());
  ASSERT_TRUE(runs().SyncPipelines(wanted, actor_, ""));
  EXPECT_EQ(runs().LastRuns().value_or(std::vector<core::Run>{}).size(), 2u);
  ASSERT_TRUE(
      store_->environments().Sync(Envs({{"staging", false}, {"production", true}}), actor_, ""));
  auto live2 = runs().LiveDeployments();
  ASSERT_TRUE(live2);
  ASSERT_EQ(live2->size(), 1u);
  EXPECT_EQ((*live2)[0].deployment.environment, "production");
}

TEST_P(RunsConformance, PruneForgetsOldDeliveriesAndUnmatchedOnly) {
  SetUpPipelines();
  for (int i = 0; i < 4; ++i) {
    auto req = Request("p" + std::to_string(i),
                       {D(kCi, "c" + std::to_string(i), 1, S::kRunning, i)}, At(i * 100));
    req.unmatched.push_back({"github", "workflow_run", std::to_string(i), "no match", "{}"});
    Ingest(req);
  }
  auto removed = runs().Prune(At(200));
  ASSERT_TRUE(removed) << removed.error().ToString();
  EXPECT_EQ(*removed, 4);  // two deliveries, two unmatched
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries"), 2);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM unmatched_events"), 2);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM runs"), 4);
  EXPECT_EQ(runs().Prune(At(200)).value_or(-1), 0);
  // A forgotten delivery id is accepted again (it is past any redelivery window).
  EXPECT_FALSE(Ingest(Request("p0", {D(kCi, "c0", 1, S::kRunning, 0)}, At(300))).duplicate);
  EXPECT_TRUE(Ingest(Request("p3", {D(kCi, "c3", 1, S::kRunning, 3)}, At(300))).duplicate);
}

// Eight threads over two instances deliver events about one shared run (each
// thread its own stages) and about a run of their own. Without per-run
// serialisation two transactions would read the same state and one stage
// set would be lost, or both would insert the new run.
TEST_P(RunsConformance, ConcurrentIntakeLosesNoUpdate) {
  SetUpPipelines();
  auto second = backend_->Open(clock_);
  ASSERT_TRUE(second) << second.error().ToString();
  std::unique_ptr<SqlStore> other = std::move(*second);

  constexpr int kThreads = 8;
  constexpr int kPerThread = 12;
  std::vector<std::vector<Delivery>> plan(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    const std::string own = "own-" + std::to_string(t);
    for (int i = 0; i < kPerThread; ++i) {
      const std::string stage = "t" + std::to_string(t) + "-s" + std::to_string(i);
      plan[t].push_back(
          D(kCi, "shared", 1, std::nullopt, 10 + i, {St(stage, S::kSucceeded, 10 + i, 20 + i)}));
      plan[t].push_back(D(kDevDeploy, own, 1,
                          i == kPerThread - 1 ? std::optional(S::kSucceeded) : std::nullopt, 30 + i,
                          {St("step-" + std::to_string(i), S::kRunning, 30 + i)}));
    }
  }
  plan[0].push_back(D(kCi, "shared", 1, S::kSucceeded, 99));
  World world;
  for (const auto& p : plan) {
    for (const auto& d : p) world.Deliver(d, At(500));
  }

  std::barrier start(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RunStore& s = (t % 2 == 0 ? *store_ : *other).runs();
      start.arrive_and_wait();
      for (size_t i = 0; i < plan[t].size(); ++i) {
        auto r = s.Ingest(
            Request("c-" + std::to_string(t) + "-" + std::to_string(i), {plan[t][i]}, At(500)));
        if (!r) {
          ADD_FAILURE() << r.error().ToString();
          failures++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto stored = StoredRuns();
  EXPECT_EQ(stored.size(), static_cast<size_t>(kThreads + 1));
  EXPECT_EQ(stored.at({"ci", "shared"}).stages.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(stored, world.runs);
  EXPECT_EQ(StoredDeployments(), world.deployments);
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM runs"), kThreads + 1);
  other->Close();
}

// Not a benchmark (bench/ has those), a smoke figure: many small deliveries
// from 16 threads, each one event, eight events per run.
TEST_P(RunsConformance, IntakeRate) {
  SetUpPipelines();
  constexpr int kThreads = 16;
  const int per_thread = GetParam() == testing::kSqlite ? 500 : 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const StoreStats before = store_->Stats();
  const auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i / 8);
        const int step = i % 8;
        Delivery d =
            step == 0 ? D(kDevDeploy, id, 1, S::kQueued, 1)
            : step == 7
                ? D(kDevDeploy, id, 1, S::kSucceeded, 20)
                : D(kDevDeploy, id, 1, std::nullopt, 2 + step,
                    {St("stage-" + std::to_string(step), S::kSucceeded, 2 + step, 3 + step)});
        auto r = runs().Ingest(
            Request("rate-" + std::to_string(t) + "-" + std::to_string(i), {d}, At(30)));
        if (!r) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const StoreStats after = store_->Stats();
  EXPECT_EQ(failures.load(), 0);
  const int total = kThreads * per_thread;
  EXPECT_EQ(Count(*store_, "SELECT COUNT(*) FROM webhook_deliveries"), total);
  std::printf("[ rate     ] %s: %d Ingest calls in %.2f s = %.0f/s, %lld commits\n",
              std::string(GetParam()).c_str(), total, secs, total / secs,
              static_cast<long long>(after.commits - before.commits));
}

}  // namespace
}  // namespace opsdeck::store::conformance
