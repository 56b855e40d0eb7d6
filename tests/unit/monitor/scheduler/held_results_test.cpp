// HeldResults: a target's results held compactly until written together.
// Every field comes back as it went in (absent timings stay absent, errors
// and certificate days survive), order is kept, Add reports when the limit
// is reached and groups end on the target's phase, Waited counts flush ticks
// from the first held result, and MoveTo empties the hold for the next
// group. Pure.
#include "monitor/held_results.h"

#include <gtest/gtest.h>

#include <chrono>

namespace opsdeck::monitor {
namespace {

using namespace std::chrono_literals;

core::CheckResult Failed() {
  core::CheckResult r;
  r.at = core::FromUnixMillis(1'790'000'040'123);
  r.ok = false;
  r.timings.dns = core::Micros(1'234);
  r.timings.connect = core::Micros(0);  // present, zero: not absent
  r.timings.tls = core::Micros(45'678);
  r.timings.first_byte = core::Micros(200'001);
  r.timings.total = core::Micros(250'002);
  r.http_status = 503;
  r.certificate_days = -3;  // expired three days ago
  r.error = "status == 200 failed: got 503";
  return r;
}

core::CheckResult Ok(int64_t at_ms, int64_t total_us) {
  core::CheckResult r;
  r.at = core::FromUnixMillis(at_ms);
  r.ok = true;
  r.timings.total = core::Micros(total_us);
  return r;
}

TEST(HeldResultsTest, EveryFieldComesBackAsItWentIn) {
  HeldResults held;
  held.Add(2, Failed(), 6, 0);
  held.Add(-1, Ok(1'790'000'050'000, 17), 6, 0);  // an external signal's index
  std::vector<store::ResultRecord> out;
  held.MoveTo("api", out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key, (core::CheckKey{"api", 2}));
  EXPECT_EQ(out[0].result, Failed());
  EXPECT_EQ(out[1].key, (core::CheckKey{"api", -1}));
  const core::CheckResult plain = out[1].result;
  EXPECT_EQ(plain, Ok(1'790'000'050'000, 17));
  EXPECT_FALSE(plain.timings.dns.has_value());
  EXPECT_FALSE(plain.timings.connect.has_value());
  EXPECT_FALSE(plain.certificate_days.has_value());
  EXPECT_EQ(plain.http_status, 0);
  EXPECT_TRUE(plain.error.empty());
}

TEST(HeldResultsTest, DurationsBeyondRangeAreCutNotWrapped) {
  HeldResults held;
  core::CheckResult r = Ok(1'790'000'000'000, int64_t{5'000} * 1'000'000);  // 5000 s
  r.timings.first_byte = core::Micros(-5);  // a clock step: never negative
  held.Add(0, r, 6, 0);
  std::vector<store::ResultRecord> out;
  held.MoveTo("slow", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].result.timings.total, core::Micros(2'147'483'647));
  EXPECT_EQ(out[0].result.timings.first_byte, core::Micros(0));
}

TEST(HeldResultsTest, AddSaysWhenTheLimitIsReachedAndMoveToStartsOver) {
  HeldResults held;
  held.Stagger(6);  // the same as phase 0
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(held.Add(0, Ok(1'790'000'000'000 + i * 10'000, i), 6, 7));
  EXPECT_TRUE(held.Add(0, Ok(1'790'000'060'000, 5), 6, 9));
  EXPECT_EQ(held.size(), 6u);
  std::vector<store::ResultRecord> out{{core::CheckKey{"other", 0}, Ok(1, 1)}};
  held.MoveTo("web", out);
  ASSERT_EQ(out.size(), 7u);  // appended after what was there
  EXPECT_EQ(out[0].key.target, "other");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(out[1 + i].key.target, "web");
    EXPECT_EQ(out[1 + i].result.timings.total, core::Micros(i)) << "oldest first";
  }
  EXPECT_TRUE(held.empty());
  EXPECT_FALSE(held.Add(0, Ok(1'790'000'070'000, 6), 6, 12));
  EXPECT_EQ(held.size(), 1u);
}

TEST(HeldResultsTest, GroupsEndOnEachTargetsPhaseNotAllAtOnce) {
  // Three targets that start together, phases 0, 1 and 4 of 6: their
  // groups end at different results, then every sixth.
  std::vector<int> ends[3];
  const size_t phases[3] = {0, 1, 4};
  for (int t = 0; t < 3; ++t) {
    HeldResults held;
    held.Stagger(phases[t]);
    std::vector<store::ResultRecord> out;
    for (int i = 1; i <= 14; ++i) {
      if (held.Add(0, Ok(1'790'000'000'000 + i * 10'000, i), 6, 0)) {
        ends[t].push_back(i);
        held.MoveTo("t", out);
      }
    }
  }
  EXPECT_EQ(ends[0], (std::vector<int>{6, 12}));
  EXPECT_EQ(ends[1], (std::vector<int>{5, 11}));
  EXPECT_EQ(ends[2], (std::vector<int>{2, 8, 14}));
}

TEST(HeldResultsTest, AnEarlyWriteKeepsTheTargetOnItsPhase) {
  HeldResults held;
  held.Stagger(0);
  std::vector<store::ResultRecord> out;
  EXPECT_FALSE(held.Add(0, Ok(1'790'000'000'000, 1), 6, 0));
  EXPECT_FALSE(held.Add(0, Ok(1'790'000'010'000, 2), 6, 0));
  held.MoveTo("api", out);  // a state change wrote them after two
  for (int i = 3; i <= 5; ++i)
    EXPECT_FALSE(held.Add(0, Ok(1'790'000'000'000 + i * 10'000, i), 6, 0));
  EXPECT_TRUE(held.Add(0, Ok(1'790'000'060'000, 6), 6, 0)) << "the sixth still ends a group";
  EXPECT_EQ(held.size(), 4u);
}

TEST(HeldResultsTest, WaitedCountsTicksFromTheFirstHeldResult) {
  HeldResults held;
  EXPECT_FALSE(held.Waited(100, 0)) << "nothing held, nothing waits";
  held.Add(0, Ok(1'790'000'000'000, 1), 6, 10);
  held.Add(0, Ok(1'790'000'010'000, 1), 6, 19);  // a later one does not restart the wait
  EXPECT_FALSE(held.Waited(69, 60));
  EXPECT_TRUE(held.Waited(70, 60));
  std::vector<store::ResultRecord> out;
  held.MoveTo("api", out);
  EXPECT_FALSE(held.Waited(1000, 60));
  held.Add(0, Ok(1'790'000'020'000, 1), 6, 500);
  EXPECT_FALSE(held.Waited(559, 60)) << "the wait starts again with the next group";
  EXPECT_TRUE(held.Waited(560, 60));
}

}  // namespace
}  // namespace opsdeck::monitor
