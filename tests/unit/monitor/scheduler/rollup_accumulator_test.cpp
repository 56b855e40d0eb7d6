// RollupAccumulator: per-target minute deltas handed over once their minute
// has closed (plus the grace), a late result for the previous minute kept
// apart from the current one, a third open minute of one target, Forget and
// TakeAll. Pure, injected times.
#include "monitor/rollup_accumulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <tuple>

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;

const core::TimePoint kMinute = core::FromUnixMillis(1'790'000'040'000 - 1'790'000'040'000 % 60'000);

core::CheckResult At(core::Duration offset, bool ok = true, int latency_ms = 10) {
  core::CheckResult r;
  r.at = kMinute + offset;
  r.ok = ok;
  r.timings.total = core::Micros(latency_ms * 1000);
  return r;
}

std::vector<std::tuple<std::string, int64_t, uint64_t, uint64_t>> Flat(std::vector<store::RollupDelta> deltas) {
  std::vector<std::tuple<std::string, int64_t, uint64_t, uint64_t>> out;
  for (const auto& d : deltas) {
    out.emplace_back(d.target, (core::ToUnixMillis(d.minute) - core::ToUnixMillis(kMinute)) / 60'000,
                     d.count, d.failures);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RollupAccumulatorTest, MinutesAreHandedOverOnceClosedPlusGrace) {
  RollupAccumulator acc;
  acc.Add("api", At(1s));
  acc.Add("api", At(20s, false));
  acc.Add("web", At(59s));
  EXPECT_EQ(acc.size(), 2u);
  EXPECT_TRUE(acc.TakeClosed(kMinute + 65s, 10s).empty());  // minute 0 ends at 60 s, grace to 70 s
  acc.Add("api", At(61s));                                  // minute 1 opens beside minute 0
  acc.Add("api", At(59'900ms, false, 250));                 // late: minute 0 still open
  const auto closed = acc.TakeClosed(kMinute + 70s, 10s);
  EXPECT_EQ(Flat(closed), (decltype(Flat({})){{"api", 0, 3, 2}, {"web", 0, 1, 0}}));
  for (const auto& d : closed) {
    if (d.target == "api") {
      EXPECT_EQ(d.latency.Count(), 3u);
    }
  }
  EXPECT_EQ(acc.size(), 1u);  // web has nothing open any more; api has minute 1
  EXPECT_EQ(Flat(acc.TakeClosed(kMinute + 130s, 10s)), (decltype(Flat({})){{"api", 1, 1, 0}}));
  EXPECT_EQ(acc.size(), 0u);
}

TEST(RollupAccumulatorTest, AThirdOpenMinuteIsKeptApartNotMerged) {
  RollupAccumulator acc;
  acc.Add("api", At(10s));
  acc.Add("api", At(70s));
  acc.Add("api", At(130s));  // both slots hold minutes 0 and 1
  acc.Add("api", At(131s, false));
  acc.Add("api", At(15s));  // minute 0 again
  EXPECT_EQ(Flat(acc.TakeAll()),
            (decltype(Flat({})){{"api", 0, 2, 0}, {"api", 1, 1, 0}, {"api", 2, 2, 1}}));
  EXPECT_EQ(acc.size(), 0u);
  EXPECT_TRUE(acc.TakeAll().empty());
}

TEST(RollupAccumulatorTest, ALateResultAfterItsMinuteWasHandedOverStartsANewDelta) {
  RollupAccumulator acc;
  acc.Add("api", At(5s));
  EXPECT_EQ(Flat(acc.TakeClosed(kMinute + 71s, 10s)), (decltype(Flat({})){{"api", 0, 1, 0}}));
  acc.Add("api", At(58s));  // the store merges this second delta of minute 0
  EXPECT_EQ(Flat(acc.TakeClosed(kMinute + 71s, 10s)), (decltype(Flat({})){{"api", 0, 1, 0}}));
}

TEST(RollupAccumulatorTest, ForgetDropsEveryOpenMinuteOfATarget) {
  RollupAccumulator acc;
  acc.Add("gone", At(10s));
  acc.Add("gone", At(70s));
  acc.Add("gone", At(130s));
  acc.Add("kept", At(10s));
  acc.Forget("gone");
  EXPECT_EQ(Flat(acc.TakeAll()), (decltype(Flat({})){{"kept", 0, 1, 0}}));
}

}  // namespace
}  // namespace opsdeck::monitor
