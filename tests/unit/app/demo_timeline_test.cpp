// The demo's script: which state each target is in at a beat, and which
// pipeline events fire when.
#include "app/demo_timeline.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace opsdeck::app::demo {
namespace {

TEST(DemoTimelineTest, DatabaseAndPaymentsAreDownTogetherThenRecover) {
  for (int64_t beat = 0; beat < 2 * kTargetCycle; ++beat) {
    const int64_t b = beat % kTargetCycle;
    const bool down = b >= kOutageFrom && b < kOutageUntil;
    EXPECT_EQ(AnswerAt("/db/health", beat).status, down ? 503 : 200) << beat;
    EXPECT_EQ(AnswerAt("/payments/health", beat).status, down ? 503 : 200) << beat;
    EXPECT_EQ(AnswerAt("/web/health", beat).status, 200) << beat;
  }
  // The outage starts early enough to open an incident in the first minute
  // at the default 5 s pace, and lasts past a threshold of 2 x 5 s checks.
  EXPECT_LE(kOutageFrom * 5, 20);
  EXPECT_GE(kOutageUntil - kOutageFrom, 4);
}

TEST(DemoTimelineTest, ApiIsSlowButAnswersInItsSlowSpellOnly) {
  int slow = 0;
  for (int64_t beat = 0; beat < kTargetCycle; ++beat) {
    Answer a = AnswerAt("/api/health", beat);
    EXPECT_EQ(a.status, 200);
    if (a.delay.count() > 0) {
      ++slow;
      EXPECT_GE(beat, kSlowFrom);
      EXPECT_LT(beat, kSlowUntil);
      EXPECT_EQ(a.delay, kSlowDelay);
    }
    EXPECT_EQ(AnswerAt("/api/ready", beat).delay.count(), 0);
  }
  EXPECT_EQ(slow, kSlowUntil - kSlowFrom);
  // The slow spell never overlaps the outage: each shows on its own.
  EXPECT_TRUE(kSlowFrom >= kOutageUntil);
}

TEST(DemoTimelineTest, UnknownPathsAndNegativeBeats) {
  EXPECT_EQ(AnswerAt("/nope", 0).status, 404);
  EXPECT_EQ(AnswerAt("/db/health", -5).status, AnswerAt("/db/health", 0).status);
  EXPECT_TRUE(EventsAt(-1).empty());
  for (auto path : TargetPaths()) EXPECT_NE(AnswerAt(path, 0).status, 404) << path;
}

TEST(DemoTimelineTest, EveryVersionGoesThroughAllThreeEnvironmentsInOrder) {
  for (int64_t v = 0; v < 6; ++v) {
    std::vector<std::string> finished;  // pipelines whose run succeeded, in order
    std::map<std::string, std::string> last_status;
    for (int64_t beat = v * kVersionBeats; beat < (v + 1) * kVersionBeats; ++beat) {
      for (const Event& e : EventsAt(beat)) {
        EXPECT_EQ(e.version_index, v);
        EXPECT_EQ(e.version, VersionName(v));
        EXPECT_EQ(e.commit, CommitFor(v));
        EXPECT_LE(e.started_beat, e.beat);
        if (!e.status.empty()) last_status[e.pipeline] = e.status;
        if (e.status == "succeeded") finished.push_back(e.pipeline);
      }
    }
    EXPECT_EQ(finished, (std::vector<std::string>{"shop-ci", "shop-development", "shop-staging",
                                                  "shop-production"}))
        << v;
    for (const auto& [pipeline, status] : last_status) EXPECT_EQ(status, "succeeded") << pipeline;
  }
}

TEST(DemoTimelineTest, EveryThirdProductionDeployFailsAndIsReRun) {
  int failed_versions = 0;
  for (int64_t v = 0; v < 6; ++v) {
    std::set<int> attempts;
    bool failed = false;
    for (int64_t beat = v * kVersionBeats; beat < (v + 1) * kVersionBeats; ++beat) {
      for (const Event& e : EventsAt(beat)) {
        if (e.pipeline != "shop-production") continue;
        attempts.insert(e.attempt);
        if (e.status == "failed") {
          failed = true;
          EXPECT_EQ(e.attempt, 1);
        }
      }
    }
    EXPECT_EQ(attempts.size(), failed ? 2u : 1u) << v;
    failed_versions += failed;
  }
  EXPECT_EQ(failed_versions, 2);
}

TEST(DemoTimelineTest, RunNumbersAreUniquePerRunAndVersionsAndCommitsDiffer) {
  std::map<int64_t, std::string> run_pipeline;
  for (int64_t beat = 0; beat < 10 * kVersionBeats; ++beat) {
    for (const Event& e : EventsAt(beat)) {
      auto [it, fresh] = run_pipeline.emplace(e.run_number, e.pipeline);
      if (!fresh) {
        EXPECT_EQ(it->second, e.pipeline) << e.run_number;
      }
      // A generic event reports at most one stage; a GitHub job event exactly one.
      if (e.source != Source::kGitlab) {
        EXPECT_LE(e.stages.size(), 1u);
      }
      if (e.source == Source::kGithub && e.status.empty()) {
        EXPECT_EQ(e.stages.size(), 1u);
      }
    }
  }
  EXPECT_EQ(run_pipeline.size(), 40u);
  EXPECT_EQ(VersionName(0), "1.4.0");
  EXPECT_EQ(VersionName(12), "1.5.2");
  EXPECT_NE(CommitFor(1), CommitFor(2));
  EXPECT_EQ(CommitFor(3), CommitFor(3));
  EXPECT_EQ(CommitFor(3).size(), 40u);
  EXPECT_EQ(CommitFor(3).find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace opsdeck::app::demo
