// The desk's worker thread: jobs run in order, Flush waits for them, the
// periodic job runs on its own, and Stop interrupts a running job through
// its stop_token and drops what is queued.
#include "release/worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace opsdeck::release {
namespace {

using namespace std::chrono_literals;

TEST(Worker, RunsJobsInOrderAndFlushWaitsForThem) {
  Worker worker(core::Duration::zero(), nullptr);
  std::vector<int> seen;  // written by the worker only, read after Flush
  for (int i = 0; i < 50; ++i) worker.Post([&seen, i](std::stop_token) { seen.push_back(i); });
  worker.Flush();
  ASSERT_EQ(seen.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(seen[i], i);
}

TEST(Worker, RunsThePeriodicJob) {
  std::atomic<int> ticks{0};
  Worker worker(20ms, [&] { ++ticks; });
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (ticks < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_GE(ticks.load(), 3);
}

TEST(Worker, StopInterruptsTheRunningJobAndDropsTheQueue) {
  Worker worker(core::Duration::zero(), nullptr);
  std::atomic<bool> started{false}, interrupted{false}, later{false};
  worker.Post([&](std::stop_token stop) {
    started = true;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!stop.stop_requested() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    interrupted = stop.stop_requested();
  });
  worker.Post([&](std::stop_token) { later = true; });
  while (!started) std::this_thread::sleep_for(1ms);
  const auto begin = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  EXPECT_TRUE(interrupted);
  EXPECT_FALSE(later);
  worker.Post([&](std::stop_token) { later = true; });  // ignored after Stop
  worker.Flush();                                       // returns at once
  worker.Stop();                                        // idempotent
  EXPECT_FALSE(later);
}

}  // namespace
}  // namespace opsdeck::release
