// The scheduler's timing on a real io_context with fake probes: phases spread
// checks over their interval and survive a restart, slots follow the schedule
// (no drift from probe time), an overrunning check is skipped rather than
// doubled, caps hold, and lag shows when the loop is blocked.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <array>
#include <thread>

#include "fake_probe.h"
#include "net/system_clock.h"

namespace opsdeck::monitor {
namespace {

using namespace testing;  // NOLINT: the fakes
using namespace std::chrono_literals;

TEST(PhaseOfTest, StableInRangeAndSeeded) {
  int differs_by_seed = 0;
  std::array<int, 10> tenths{};
  for (int i = 0; i < 1000; ++i) {
    const core::CheckKey key{"target-" + std::to_string(i), i % 3};
    const core::Duration phase = PhaseOf(key, 10s, 0);
    EXPECT_EQ(phase, PhaseOf(key, 10s, 0));
    ASSERT_GE(phase.count(), 0);
    ASSERT_LT(phase, 10s);
    ++tenths[static_cast<size_t>(phase / 1s)];
    if (PhaseOf(key, 10s, 42) != phase) ++differs_by_seed;
  }
  EXPECT_GT(differs_by_seed, 990);
  for (int n : tenths) {
    EXPECT_GT(n, 50);  // share is 100
    EXPECT_LT(n, 150);
  }
  // Keys differing only in the check index get unrelated phases.
  EXPECT_NE(PhaseOf({"api", 0}, 10s, 0), PhaseOf({"api", 1}, 10s, 0));
}

TEST(IsOnTimeTest, TenthOfIntervalCappedAtOneSecond) {
  EXPECT_TRUE(IsOnTime(core::Micros(100'000), 1s));
  EXPECT_FALSE(IsOnTime(core::Micros(100'001), 1s));
  EXPECT_TRUE(IsOnTime(core::Micros(1'000'000), 10s));
  EXPECT_FALSE(IsOnTime(core::Micros(1'000'001), 60s));
  EXPECT_FALSE(IsOnTime(core::Micros(20'000), 100ms));
}

// 1,000 instant checks "svc0".."svc999" at 1 s.
std::vector<ScheduledCheck> ThousandChecks(ProbeLog& log) {
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 1000; ++i) checks.push_back(Check(log, "svc" + std::to_string(i), 0, 1s, 0ms));
  return checks;
}

TEST(SchedulerTest, ThousandChecksSpreadOverTheInterval) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {});
  scheduler.Set(ThousandChecks(log));
  const auto begin = Steady::now();
  scheduler.Start();
  std::map<std::string, Steady::time_point> first;
  ASSERT_TRUE(RunUntil(
      t.io,
      [&] {
        for (const auto& s : log.starts) first.emplace(s.name, s.at);
        return first.size() == 1000;
      },
      3s));
  std::array<int, 10> slices{};
  for (const auto& [name, at] : first) {
    const double ms = Ms(at - begin);
    ASSERT_LT(ms, 1150) << name;  // first run within one interval (plus loop slack)
    ++slices[std::min<size_t>(9, static_cast<size_t>(ms / 100))];
  }
  for (size_t i = 0; i < slices.size(); ++i) {
    EXPECT_LE(slices[i], 300) << "100 ms slice " << i << " holds more than 3x its share";
  }
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

// CPU of this thread, to bound the scheduler's own cost per probe.
std::chrono::microseconds ThreadCpu() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return std::chrono::seconds(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         std::chrono::microseconds(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

TEST(SchedulerTest, TenThousandChecksCostLittlePerProbe) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  uint64_t results = 0;
  Scheduler scheduler(t.env, [&](const core::CheckKey&, core::CheckResult) { ++results; });
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 10'000; ++i) {
    checks.push_back(
        Check(log, "t" + std::to_string(i), 0, 1s, 0ms, "h" + std::to_string(i % 500)));
  }
  scheduler.Set(std::move(checks));
  log.starts.reserve(30'000);
  const auto cpu_before = ThreadCpu();
  scheduler.Start();
  RunFor(t.io, 1500ms);
  const auto cpu = ThreadCpu() - cpu_before;
  const SchedulerStats stats = scheduler.Stats();
  RecordProperty("cpu_us", static_cast<int>(cpu.count()));
  RecordProperty("started", static_cast<int>(stats.started));
  EXPECT_GT(stats.started, 12'000u);
  // An O(n) scan per tick would cost ~10,000 steps per probe; the heap costs
  // a few microseconds, the fake probe's post and bookkeeping about as much.
  EXPECT_LT(cpu.count() / static_cast<int64_t>(stats.started), 100)
      << cpu.count() << " us for " << stats.started << " probes";
  EXPECT_GE(static_cast<double>(stats.on_time), 0.95 * static_cast<double>(stats.started));
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerTest, FirstRunFollowsWallClockPhaseAcrossRestarts) {
  const core::TimePoint wall = core::FromUnixMillis(1'800'000'000'000);
  core::ManualClock clock(wall);
  const core::CheckKey key{"db", 0};
  const core::Duration phase = PhaseOf(key, 400ms, 7);
  for (const core::Duration shift : {0ms, 150ms}) {
    clock.Set(wall + shift);
    TestEnv t(clock);
    ProbeLog log;
    Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {}, {.seed = 7});
    std::vector<ScheduledCheck> checks;
    checks.push_back(Check(log, "db", 0, 400ms, 0ms));
    scheduler.Set(std::move(checks));
    const auto begin = Steady::now();
    scheduler.Start();
    ASSERT_TRUE(RunUntil(
        t.io, [&] { return !log.starts.empty(); }, 1s));
    const int64_t expected = ((phase.count() - core::ToUnixMillis(wall + shift)) % 400 + 400) % 400;
    EXPECT_GE(Ms(log.starts[0].at - begin), expected - 1.0) << "shift " << shift.count();
    EXPECT_LE(Ms(log.starts[0].at - begin), expected + 60.0) << "shift " << shift.count();
    scheduler.Stop();
    RunUntil(
        t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s);
  }
}

TEST(SchedulerTest, SlotsFollowTheScheduleNotTheProbeDuration) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  int results = 0;
  Scheduler scheduler(t.env, [&](const core::CheckKey&, core::CheckResult) { ++results; });
  std::vector<ScheduledCheck> checks;
  checks.push_back(Check(log, "web", 0, 100ms, 40ms));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return log.starts.size() >= 9; }, 2s));
  const auto starts = log.StartsOf("web#0");
  // With drift each period would be 140 ms; 8 periods are 800 ms on schedule.
  EXPECT_NEAR(Ms(starts[8] - starts[0]), 800.0, 50.0);
  EXPECT_EQ(scheduler.Stats().skipped, 0u);
  EXPECT_GE(results, 8);
  scheduler.Stop();
  RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s);
}

TEST(SchedulerTest, OverrunIsSkippedNotDoubled) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {});
  std::vector<ScheduledCheck> checks;
  checks.push_back(Check(log, "slow", 0, 100ms, 250ms));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return log.starts.size() >= 4; }, 3s));
  const SchedulerStats stats = scheduler.Stats();
  EXPECT_EQ(log.overlaps, 0);
  EXPECT_EQ(log.max_in_flight, 1);
  // A 250 ms probe at 100 ms: each run covers its slot and the next two.
  EXPECT_GE(stats.skipped, 6u);
  const auto starts = log.StartsOf("slow#0");
  for (size_t i = 1; i < starts.size(); ++i) {
    EXPECT_NEAR(Ms(starts[i] - starts[i - 1]), 300.0, 50.0);  // next free slot
  }
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerTest, PerHostLimitIsNeverExceeded) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {});
  std::vector<ScheduledCheck> checks;
  for (int h = 0; h < 3; ++h) {
    for (int i = 0; i < 20; ++i) {
      checks.push_back(
          Check(log, "h" + std::to_string(h) + "-svc", i, 100ms, 60ms, "host" + std::to_string(h)));
    }
  }
  checks.push_back(Check(log, "own", 0, 100ms, 60ms, "lonely"));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  size_t max_waiting = 0;
  RunUntil(
      t.io,
      [&] {
        max_waiting = std::max(max_waiting, scheduler.Stats().waiting);
        return false;
      },
      600ms);
  for (int h = 0; h < 3; ++h) EXPECT_EQ(log.host_max["host" + std::to_string(h)], 4) << h;
  EXPECT_EQ(log.host_max["lonely"], 1);
  EXPECT_GT(max_waiting, 0u);
  const SchedulerStats stats = scheduler.Stats();
  EXPECT_GT(stats.skipped, 0u);  // demand is 3x what 4 slots per host serve
  EXPECT_LT(stats.on_time, stats.started);
  EXPECT_EQ(log.overlaps, 0);
  scheduler.Stop();
  EXPECT_EQ(scheduler.Stats().waiting, 0u);
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerTest, GlobalLimitIsNeverExceeded) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {},
                      {.per_host_limit = 4, .global_limit = 5});
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 30; ++i) checks.push_back(Check(log, "svc", i, 100ms, 50ms));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  RunFor(t.io, 500ms);
  EXPECT_EQ(log.max_in_flight, 5);
  EXPECT_GT(scheduler.Stats().started, 20u);
  scheduler.Stop();
  ASSERT_TRUE(RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s));
}

TEST(SchedulerTest, LagIsReportedWhenTheLoopIsBlocked) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {});
  std::vector<ScheduledCheck> checks;
  for (int i = 0; i < 5; ++i) checks.push_back(Check(log, "svc", i, 100ms, 0ms));
  scheduler.Set(std::move(checks));
  scheduler.Start();
  RunFor(t.io, 250ms);
  const SchedulerStats before = scheduler.Stats();
  EXPECT_LT(before.lag_max, core::Micros(50'000));
  std::this_thread::sleep_for(400ms);  // the io thread is busy elsewhere
  const auto unblocked = Steady::now();
  const size_t starts_before = log.starts.size();
  RunFor(t.io, 250ms);
  const SchedulerStats after = scheduler.Stats();
  EXPECT_GE(after.lag_max, core::Micros(300'000));
  EXPECT_LE(after.on_time + 5, after.started);  // each check started late once
  EXPECT_GE(after.skipped, 5u * 2);             // slots lost while blocked
  EXPECT_EQ(after.lag.Count(), after.started);
  // No burst: on waking each check runs its overdue slot and then its next
  // future one (at most 2 in 100 ms), not once per missed slot (4-5).
  std::map<std::string, int> woke;
  for (size_t i = starts_before; i < log.starts.size(); ++i) {
    if (log.starts[i].at - unblocked < 100ms) ++woke[log.starts[i].name];
  }
  EXPECT_EQ(woke.size(), 5u);
  for (const auto& [name, n] : woke) EXPECT_LE(n, 2) << name;
  scheduler.Stop();
  RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s);
}

// Timer coalescing: with a 50 ms tick, 1,000 checks at 1 s start in at most
// ~21 bursts a second instead of ~1,000 wake-ups, still spread over the
// interval, and none starts more than a tick late.
TEST(SchedulerTest, CoalescedTicksStartDueProbesTogether) {
  net::SystemClock clock;
  TestEnv t(clock);
  ProbeLog log;
  SchedulerOptions options;
  options.per_host_limit = 1000;
  options.coalesce = 50ms;
  Scheduler scheduler(t.env, [](const core::CheckKey&, core::CheckResult) {}, options);
  scheduler.Set(ThousandChecks(log));
  const auto begin = Steady::now();
  scheduler.Start();
  RunFor(t.io, 2100ms);
  std::vector<Steady::time_point> starts;
  for (const auto& s : log.starts) starts.push_back(s.at);
  std::sort(starts.begin(), starts.end());
  ASSERT_GE(starts.size(), 2000u);
  // Starts within 500 us of the previous one belong to the same burst (phases
  // are whole milliseconds: uncoalesced, ~630 of them a second are distinct).
  int bursts = 1;
  for (size_t i = 1; i < starts.size(); ++i) {
    if (starts[i] - starts[i - 1] > 500us) ++bursts;
  }
  EXPECT_LE(bursts, 2 * 21 + 2) << "bursts in two intervals";
  EXPECT_GE(bursts, 2 * 10) << "still spread over the interval";
  std::array<int, 10> slices{};
  for (const auto& at : starts) {
    if (at - begin < 1s) ++slices[static_cast<size_t>((at - begin) / 100ms)];
  }
  for (size_t i = 0; i < slices.size(); ++i) {
    EXPECT_LE(slices[i], 300) << "100 ms slice " << i << " holds more than 3x its share";
  }
  const SchedulerStats stats = scheduler.Stats();
  EXPECT_LT(stats.lag_max, core::Micros(50'000 + 30'000));  // a tick, plus loop slack
  EXPECT_EQ(stats.on_time, stats.started);
  scheduler.Stop();
  RunUntil(
      t.io, [&] { return scheduler.Stats().in_flight == 0; }, 1s);
}

}  // namespace
}  // namespace opsdeck::monitor
