// HealthTracker: thresholds, the target state from its checks, maintenance
// over the tracked state, flap detection and seeding, with injected times.
#include "core/health_tracker.h"

#include <gtest/gtest.h>

namespace opsdeck::core {
namespace {

TimePoint At(int64_t s) { return FromUnixMillis(1'790'000'000'000 + s * 1000); }

const Thresholds k31{3, 1};
const Thresholds k32{3, 2};

class HealthTrackerTest : public ::testing::Test {
 protected:
  std::optional<HealthTransition> Ok(int check, int64_t s, Thresholds th = k32) {
    return tracker.Apply({"db", check}, true, "", At(s), th);
  }
  std::optional<HealthTransition> Fail(int check, int64_t s, Thresholds th = k32,
                                       const char* error = "connect: connection refused") {
    return tracker.Apply({"db", check}, false, error, At(s), th);
  }
  HealthTracker tracker;
};

TEST_F(HealthTrackerTest, UnknownUntilTheFirstResultThenOneSuccessIsUp) {
  EXPECT_EQ(tracker.State("db"), TargetState::kUnknown);
  EXPECT_FALSE(tracker.Get("db").has_value());
  const auto tr = Ok(0, 0);
  ASSERT_TRUE(tr.has_value());
  EXPECT_EQ(tr->target, "db");
  EXPECT_EQ(tr->from, TargetState::kUnknown);
  EXPECT_EQ(tr->to, TargetState::kUp);
  EXPECT_EQ(tr->since, At(0));
  EXPECT_FALSE(Ok(0, 10).has_value());  // nothing changed
  EXPECT_EQ(tracker.Get("db")->since, At(0));
}

TEST_F(HealthTrackerTest, DownAfterFailureThresholdUpAfterSuccessThreshold) {
  Ok(0, 0);
  EXPECT_FALSE(Fail(0, 10).has_value());
  EXPECT_TRUE(tracker.Suspect("db"));
  EXPECT_FALSE(Fail(0, 20).has_value());
  const auto down = Fail(0, 30, k32, "status == 200 failed: got 503");
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->from, TargetState::kUp);
  EXPECT_EQ(down->to, TargetState::kDown);
  EXPECT_EQ(down->since, At(30));
  EXPECT_EQ(down->reason, "status == 200 failed: got 503");
  EXPECT_FALSE(tracker.Suspect("db"));  // decided, no longer merely suspect
  EXPECT_FALSE(Ok(0, 40).has_value());  // 1 of 2 successes
  EXPECT_FALSE(tracker.Suspect("db"));
  const auto up = Ok(0, 50);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->to, TargetState::kUp);
  EXPECT_EQ(up->reason, "");
}

TEST_F(HealthTrackerTest, AnInterruptedRunOfFailuresStartsOver) {
  Ok(0, 0);
  Fail(0, 10);
  Fail(0, 20);
  Ok(0, 30);
  EXPECT_FALSE(tracker.Suspect("db"));
  Fail(0, 40);
  EXPECT_FALSE(Fail(0, 50).has_value());
  EXPECT_TRUE(Fail(0, 60).has_value());
}

TEST_F(HealthTrackerTest, FromUnknownFailuresStillNeedTheThreshold) {
  EXPECT_FALSE(Fail(0, 0).has_value());
  EXPECT_TRUE(tracker.Suspect("db"));
  EXPECT_EQ(tracker.State("db"), TargetState::kUnknown);
  EXPECT_FALSE(Fail(0, 10).has_value());
  EXPECT_EQ(Fail(0, 20)->to, TargetState::kDown);
}

TEST_F(HealthTrackerTest, ExternalSignalsUseOneAndOne) {
  const Thresholds external{1, 1};
  EXPECT_EQ(tracker.Apply({"db", ExternalCheck(0)}, false, "alarm ALARM", At(0), external)->to,
            TargetState::kDown);
  EXPECT_EQ(tracker.Apply({"db", ExternalCheck(0)}, true, "", At(1), external)->to, TargetState::kUp);
}

TEST_F(HealthTrackerTest, TargetStateCombinesItsKnownChecks) {
  Ok(0, 0, k31);
  EXPECT_EQ(tracker.State("db"), TargetState::kUp);
  Fail(1, 1, {1, 1}, "timeout after 5s");  // check 1 down, check 0 up
  EXPECT_EQ(tracker.State("db"), TargetState::kDegraded);
  EXPECT_EQ(tracker.Get("db")->reason, "timeout after 5s");
  Fail(0, 2, {1, 1});
  EXPECT_EQ(tracker.State("db"), TargetState::kDown);
  const auto tr = Ok(1, 3, {1, 1});
  ASSERT_TRUE(tr.has_value());
  EXPECT_EQ(tr->from, TargetState::kDown);
  EXPECT_EQ(tr->to, TargetState::kDegraded);
  EXPECT_EQ(tr->reason, "connect: connection refused");  // check 0's error now
  Ok(0, 4, {1, 1});
  EXPECT_EQ(tracker.State("db"), TargetState::kUp);
}

TEST_F(HealthTrackerTest, MaintenanceIsShownWhileTheStateKeepsBeingTracked) {
  Ok(0, 0);
  const auto in = tracker.SetMaintenance("db", "sunday-patching", At(5));
  ASSERT_TRUE(in.has_value());
  EXPECT_EQ(in->to, TargetState::kMaintenance);
  EXPECT_EQ(in->underlying, TargetState::kUp);
  EXPECT_EQ(in->reason, "maintenance: sunday-patching");
  Fail(0, 10);
  Fail(0, 20);
  EXPECT_FALSE(Fail(0, 30).has_value());  // shown state still maintenance
  const auto h = tracker.Get("db");
  EXPECT_EQ(h->state, TargetState::kMaintenance);
  EXPECT_EQ(h->underlying, TargetState::kDown);
  EXPECT_EQ(h->maintenance, "sunday-patching");
  const auto out = tracker.SetMaintenance("db", std::nullopt, At(40));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->from, TargetState::kMaintenance);
  EXPECT_EQ(out->to, TargetState::kDown);
  EXPECT_EQ(out->since, At(40));
  EXPECT_EQ(out->reason, "connect: connection refused");
}

TEST_F(HealthTrackerTest, FlappingStartsOnceAndEndsAfterAQuietWindow) {
  const Thresholds one{1, 1};
  Ok(0, 0, one);
  std::vector<HealthTransition> seen;
  for (int i = 1; i <= 8; ++i) {  // a flip every 30 s
    auto tr = i % 2 ? Fail(0, i * 30, one) : Ok(0, i * 30, one);
    ASSERT_TRUE(tr.has_value()) << i;
    seen.push_back(*tr);
  }
  int started = 0;
  for (size_t i = 0; i < seen.size(); ++i) {
    started += seen[i].flapping_started;
    EXPECT_EQ(seen[i].flapping, i >= 4) << i;  // the 5th change starts it
  }
  EXPECT_EQ(started, 1);
  EXPECT_TRUE(seen[4].flapping_started);
  EXPECT_TRUE(tracker.Tick(At(240 + 599)).empty());  // last change at 240 s
  const auto ended = tracker.Tick(At(240 + 600));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_TRUE(ended[0].flapping_ended);
  EXPECT_FALSE(ended[0].flapping);
  EXPECT_EQ(ended[0].from, ended[0].to);
  EXPECT_TRUE(tracker.Tick(At(2000)).empty());  // only once
  EXPECT_FALSE(tracker.Get("db")->flapping);
}

TEST_F(HealthTrackerTest, SlowChangesDoNotFlap) {
  const Thresholds one{1, 1};
  Ok(0, 0, one);
  for (int i = 1; i <= 10; ++i) {  // a flip every 3 minutes: 4 per 10 minutes at most
    auto tr = i % 2 ? Fail(0, i * 180, one) : Ok(0, i * 180, one);
    ASSERT_TRUE(tr.has_value());
    EXPECT_FALSE(tr->flapping) << i;
  }
}

TEST_F(HealthTrackerTest, FlappingEndsOnTheNextResultToo) {
  const Thresholds one{1, 1};
  Ok(0, 0, one);
  for (int i = 1; i <= 5; ++i) i % 2 ? Fail(0, i, one) : Ok(0, i, one);
  EXPECT_TRUE(tracker.Get("db")->flapping);
  const auto tr = Fail(0, 5 + 601, one);  // still down, a whole window later
  ASSERT_TRUE(tr.has_value());
  EXPECT_TRUE(tr->flapping_ended);
  EXPECT_EQ(tr->to, TargetState::kDown);
  EXPECT_TRUE(tracker.Tick(At(5000)).empty());
}

TEST_F(HealthTrackerTest, SeededDownNeedsTheSuccessThresholdAfterARestart) {
  tracker.Seed("db", TargetState::kDown, At(-100), false, "connect: connection refused");
  tracker.DeclareChecks("db", {0, 1});
  EXPECT_EQ(tracker.State("db"), TargetState::kDown);
  EXPECT_FALSE(Ok(0, 0).has_value());   // check 0 still down (1 of 2)
  EXPECT_FALSE(Fail(1, 1).has_value());  // check 1 continues down
  EXPECT_EQ(tracker.Get("db")->since, At(-100));
  EXPECT_FALSE(Ok(1, 2).has_value());
  const auto tr = Ok(0, 3);
  ASSERT_TRUE(tr.has_value());
  EXPECT_EQ(tr->from, TargetState::kDown);
  EXPECT_EQ(tr->to, TargetState::kDegraded);
}

TEST_F(HealthTrackerTest, SeededStateHoldsUntilEveryDeclaredCheckReported) {
  tracker.Seed("db", TargetState::kDegraded, At(-100), false, "timeout after 5s");
  tracker.DeclareChecks("db", {0, 1});
  EXPECT_FALSE(Ok(0, 0).has_value());  // check 1 has not spoken yet
  EXPECT_FALSE(Fail(1, 1).has_value());  // degraded seed: the first failure is down at once
  EXPECT_EQ(tracker.State("db"), TargetState::kDegraded);
  EXPECT_EQ(tracker.Get("db")->reason, "connect: connection refused");
}

TEST_F(HealthTrackerTest, DeclareChecksForgetsRemovedChecksAndRetainForgetsTargets) {
  Fail(1, 0, {1, 1});
  Ok(0, 0);
  EXPECT_EQ(tracker.State("db"), TargetState::kDegraded);
  tracker.DeclareChecks("db", {0});
  const auto tr = Ok(0, 1);
  ASSERT_TRUE(tr.has_value());
  EXPECT_EQ(tr->to, TargetState::kUp);
  tracker.Apply({"api", 0}, true, "", At(2), k32);
  tracker.Retain({"api"});
  EXPECT_FALSE(tracker.Get("db").has_value());
  EXPECT_EQ(tracker.size(), 1u);
}

// 10,000 targets at one result per target per 10 s: a minute of results
// (60,000) through one tracker; every failing target ends down, nothing else.
TEST(HealthTrackerScaleTest, TenThousandTargetsKeepTheirOwnState) {
  HealthTracker tracker;
  size_t transitions = 0;
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 10'000; ++i) {
      const bool ok = i % 100 != 0 || round == 0;  // 1% start failing after the first round
      if (tracker.Apply({"t" + std::to_string(i), 0}, ok, ok ? "" : "timeout after 5s",
                        At(round * 10 + i / 1000), k32)) {
        ++transitions;
      }
    }
  }
  EXPECT_EQ(tracker.size(), 10'000u);
  EXPECT_EQ(transitions, 10'000u + 100u);  // unknown -> up for all, up -> down for 1%
  EXPECT_EQ(tracker.State("t500"), TargetState::kDown);
  EXPECT_EQ(tracker.State("t501"), TargetState::kUp);
}

}  // namespace
}  // namespace opsdeck::core
