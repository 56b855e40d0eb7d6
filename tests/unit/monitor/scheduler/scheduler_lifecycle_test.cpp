// The scheduler's lifecycle: a reload keeps unchanged slots and drops removed
// checks (and their late results), Stop and destruction leave no callback
// behind, and a sink may reload or stop from inside a result.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "fake_probe.h"
#include "monitor/entry_fifo.h"
#include "net/system_clock.h"

namespace opsdeck::monitor {
namespace {

using namespace testing;  // NOLINT: the fakes
using namespace std::chrono_literals;

struct Results {
  std::map<std::string, int> by_target;
  int total = 0;
  Scheduler::ResultSink Sink() {
    return [this](const core::CheckKey& key, core::CheckResult) {
      ++by_target[key.target];
      ++total;
    };
  }
};

// Distance of `at` from the nearest slot of a series that had a run at `ref`.
double PhaseError(Steady::time_point at, Steady::time_point ref, double interval_ms) {
  const double r = std::fmod(Ms(at - ref), interval_ms);
  return std::min(r, interval_ms - r);
}

TEST(EntryFifoTest, KeepsOrderAcrossCompaction) {
  EntryFifo<int> fifo;
  int next_in = 0;
  int next_out = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 7; ++i) fifo.Push(std::make_shared<int>(next_in++));
    for (int i = 0; i < 5; ++i) ASSERT_EQ(*fifo.Pop(), next_out++);  // never empties
  }
  EXPECT_EQ(fifo.size(), 100u);
  while (!fifo.empty()) ASSERT_EQ(*fifo.Pop(), next_out++);
  EXPECT_EQ(next_out, next_in);
}

TEST(SchedulerReloadTest, KeepsUnchangedSlotsAndDropsRemovedChecks) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Results results;
  Scheduler scheduler(t.env, results.Sink());
  std::vector<ScheduledCheck> checks;
  checks.push_back(Check(log, "keep", 0, 200ms, 0ms));
  const int keep_instance = static_cast<FakeProbe*>(checks.back().probe.get())->instance();
  checks.push_back(Check(log, "change", 0, 200ms, 0ms));
  const int change_instance = static_cast<FakeProbe*>(checks.back().probe.get())->instance();
  auto removed = Check(log, "gone", 0, 200ms, 150ms);
  auto* removed_probe = static_cast<FakeProbe*>(removed.probe.get());
  checks.push_back(std::move(removed));
  scheduler.Set(std::move(checks));
  scheduler.Start();

  // Reload while "gone" is in flight, so its result arrives for a removed
  // check, and once "keep" has run, so its slot series is known.
  bool reloaded = false;
  int results_of_gone_at_reload = -1;
  removed_probe->on_start = [&] {
    if (log.StartsOf("keep#0").empty()) return;  // its next run comes within 200 ms
    boost::asio::post(t.io, [&] {
      if (reloaded) return;
      reloaded = true;
      results_of_gone_at_reload = results.by_target["gone"];
      std::vector<ScheduledCheck> next;
      next.push_back(Check(log, "keep", 0, 200ms, 0ms));              // same: keeps its slot
      next.push_back(Check(log, "change", 0, 200ms, 0ms, {}, "v2"));  // changed definition
      next.push_back(Check(log, "new", 0, 200ms, 0ms));
      next.push_back(Check(log, "keep", 0, 300ms, 0ms));  // duplicate key: ignored
      scheduler.Set(std::move(next));
    });
  };
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return reloaded; }, 1s));
  const size_t starts_at_reload = log.starts.size();
  const std::vector<Steady::time_point> keep_before = log.StartsOf("keep#0");
  ASSERT_FALSE(keep_before.empty());
  RunFor(t.io, 700ms);

  EXPECT_EQ(scheduler.Stats().checks, 3u);
  EXPECT_EQ(results.by_target["gone"], results_of_gone_at_reload);  // late result dropped
  EXPECT_GE(scheduler.Stats().discarded, 1u);
  int keep_after = 0;
  int change_after = 0;
  int new_after = 0;
  for (size_t i = starts_at_reload; i < log.starts.size(); ++i) {
    const auto& s = log.starts[i];
    EXPECT_NE(s.name, "gone#0") << "removed check started after the reload";
    if (s.name == "keep#0") {
      ++keep_after;
      EXPECT_EQ(s.instance, keep_instance) << "the unchanged check lost its probe";
      EXPECT_LT(PhaseError(s.at, keep_before.front(), 200.0), 30.0);  // same slot series
    }
    if (s.name == "change#0") {
      ++change_after;
      EXPECT_NE(s.instance, change_instance) << "the changed check kept its old probe";
    }
    if (s.name == "new#0") ++new_after;
  }
  EXPECT_GE(keep_after, 3);  // 200 ms, not the duplicate's 300 ms
  EXPECT_GE(change_after, 3);
  EXPECT_GE(new_after, 3);
  EXPECT_GE(results.by_target["new"], 3);
  // The unchanged check kept its probe: the one built for the reload (and the
  // duplicate's) were dropped, the removed one was freed after its result.
  // Alive: keep, change (new probe), new.
  EXPECT_EQ(log.live, 3);
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerReloadTest, ChangedIntervalIsAChangedCheck) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Results results;
  Scheduler scheduler(t.env, results.Sink());
  std::vector<ScheduledCheck> checks;
  checks.push_back(Check(log, "a", 0, 500ms, 0ms));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  checks.clear();
  checks.push_back(Check(log, "a", 0, 50ms, 0ms));
  scheduler.Set(std::move(checks));
  RunFor(t.io, 400ms);
  EXPECT_GE(log.starts.size(), 6u);  // at 500 ms it would have run at most once
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerStopTest, NoCallbackAfterStopAndQueuedProbesAreForgotten) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Results results;
  Scheduler scheduler(t.env, results.Sink(), {.per_host_limit = 2, .global_limit = 100});
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 10; ++i) checks.push_back(Check(log, "svc", i, 100ms, 150ms, "one-host"));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().waiting > 0; }, 1s));
  const SchedulerStats at_stop = scheduler.Stats();
  ASSERT_EQ(at_stop.in_flight, 2u);
  scheduler.Stop();
  const int results_at_stop = results.total;
  const size_t starts_at_stop = log.starts.size();
  EXPECT_EQ(scheduler.Stats().waiting, 0u);
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
  RunFor(t.io, 200ms);  // nothing may start or arrive now
  EXPECT_EQ(results.total, results_at_stop);
  EXPECT_EQ(log.starts.size(), starts_at_stop);
  const SchedulerStats stopped = scheduler.Stats();
  EXPECT_EQ(stopped.discarded, at_stop.discarded + 2);
  EXPECT_EQ(stopped.completed, stopped.started);

  // Start again: the schedule resumes.
  scheduler.Start();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return results.total > results_at_stop; }, 1s));
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerStopTest, DestroyedWhileProbesRunKeepsThemAliveUntilDone) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Results results;
  auto scheduler = std::make_unique<Scheduler>(t.env, results.Sink());
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 20; ++i) checks.push_back(Check(log, "svc", i, 100ms, 120ms));
  scheduler->Set(std::move(checks));
  scheduler->Start();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return log.in_flight >= 5; }, 1s));
  const int results_before = results.total;
  scheduler.reset();  // probes still running: they finish on their own
  EXPECT_GT(log.live, 0);
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return log.live == 0; }, 1s));
  EXPECT_EQ(log.in_flight, 0);
  EXPECT_EQ(results.total, results_before);
}

TEST(SchedulerStopTest, SinkMayStopOrReloadFromInsideAResult) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  int calls = 0;
  std::unique_ptr<Scheduler> scheduler;
  scheduler = std::make_unique<Scheduler>(t.env, [&](const core::CheckKey&, core::CheckResult) {
    ++calls;
    if (calls == 1) {
      std::vector<ScheduledCheck> one;
      one.push_back(Check(log, "only", 0, 50ms, 0ms));
      scheduler->Set(std::move(one));  // drops the check being delivered
    } else if (calls == 3) {
      scheduler->Stop();
    }
  });
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 3; ++i) checks.push_back(Check(log, "svc", i, 50ms, 10ms));
  scheduler->Set(std::move(checks));
  scheduler->Start();
  RunFor(t.io, 400ms);
  EXPECT_EQ(calls, 3);
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler->Stats().in_flight == 0; }, 1s));
  scheduler.reset();
  RunFor(t.io, 50ms);  // posted releases of removed entries run
  EXPECT_EQ(log.live, 0);
}

}  // namespace
}  // namespace opsdeck::monitor
