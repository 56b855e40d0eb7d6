// What a run's living message says, and when a change calls for an edit.
#include "core/run_notices.h"

#include <gtest/gtest.h>

namespace opsdeck::core {
namespace {

TimePoint At(int64_t s) { return FromUnixMillis(1'790'000'000'000 + s * 1000); }

core::Run MakeRun(RunStatus status) {
  core::Run r;
  r.id = 42;
  r.pipeline = "app-production";
  r.environment = "production";
  r.source = SourceKind::kGithub;
  r.external_run_id = "9100000001";
  r.status = status;
  r.title = "Release 1.4.0";
  r.version = "1.4.0";
  r.commit = "0123456789abcdef0123456789abcdef01234567";
  r.ref = "main";
  r.url = "https://github.com/acme/app/actions/runs/9100000001";
  r.trigger = "push by alice";
  r.started_at = At(0);
  return r;
}

const RunNoticeContext kCtx{"https://ops.example.com", {"production"}};

const NoticeField* Field(const Notice& n, const std::string& name) {
  for (const auto& f : n.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(RunNoticeTest, RunningRunSaysWhatAndWhere) {
  Notice n = RunNotice(MakeRun(RunStatus::kRunning), kCtx);
  EXPECT_EQ(n.kind, "pipeline.running");
  EXPECT_EQ(n.subject, "run:42");
  EXPECT_EQ(n.state, NoticeState::kRunning);
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.title, "app-production #9100000001 running");
  EXPECT_EQ(n.url, "https://github.com/acme/app/actions/runs/9100000001");
  EXPECT_EQ(n.description, "Release 1.4.0");
  EXPECT_EQ(n.opsdeck_url, "https://ops.example.com/runs/42");
  ASSERT_NE(Field(n, "Commit"), nullptr);
  EXPECT_EQ(Field(n, "Commit")->value, "0123456");
  EXPECT_EQ(Field(n, "Duration"), nullptr);  // not finished
  EXPECT_FALSE(n.mention);
  EXPECT_EQ(n.occurred_at, At(0));
}

TEST(RunNoticeTest, FailureInAProtectedEnvironmentMentionsAndNamesTheStage) {
  core::Run r = MakeRun(RunStatus::kFailed);
  r.finished_at = At(125);
  r.stages = {{"build", RunStatus::kSucceeded, "", At(0), At(60), ""},
              {"deploy", RunStatus::kFailed, "", At(60), At(125), ""}};
  Notice n = RunNotice(r, kCtx);
  EXPECT_EQ(n.kind, "pipeline.failed");
  EXPECT_EQ(n.severity, NoticeSeverity::kCritical);
  EXPECT_TRUE(n.mention);
  ASSERT_NE(Field(n, "Failed stage"), nullptr);
  EXPECT_EQ(Field(n, "Failed stage")->value, "deploy");
  EXPECT_EQ(Field(n, "Duration")->value, "2m 5s");
  EXPECT_EQ(Field(n, "Stages")->value, "2/2 done");

  r.environment = "staging";  // not protected: a warning, nobody paged
  Notice s = RunNotice(r, kCtx);
  EXPECT_EQ(s.severity, NoticeSeverity::kWarning);
  EXPECT_FALSE(s.mention);
}

TEST(RunNoticeTest, ManyFailedStagesAreCapped) {
  core::Run r = MakeRun(RunStatus::kFailed);
  for (int i = 0; i < 100; ++i) {
    r.stages.push_back({"stage-" + std::to_string(i), RunStatus::kFailed, "", std::nullopt,
                        std::nullopt, ""});
  }
  Notice n = RunNotice(r, kCtx);
  const NoticeField* f = Field(n, "Failed stages");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->value.find("and 95 more"), std::string::npos);
  EXPECT_LT(f->value.size(), 200u);
}

TEST(RunNoticeTest, UuidRunIdsAreShortenedAndAttemptsShown) {
  core::Run r = MakeRun(RunStatus::kRunning);
  r.source = SourceKind::kCodePipeline;
  r.external_run_id = "3137f7cb-7cf7-4a8c-9d3c-1e2b7f2a9c11";
  r.attempt = 2;
  EXPECT_EQ(RunNotice(r, kCtx).title, "app-production #3137f7cb (attempt 2) running");
}

TEST(RunChangeNoticeTest, OnlyVisibleChangesCallForAnEdit) {
  core::Run before = MakeRun(RunStatus::kRunning);
  core::Run after = before;
  EXPECT_FALSE(RunChangeNotice(before, after, kCtx).has_value());  // nothing visible changed
  EXPECT_TRUE(RunChangeNotice(std::nullopt, after, kCtx).has_value());  // a new run
  after.status = RunStatus::kSucceeded;
  after.finished_at = At(90);
  auto n = RunChangeNotice(before, after, kCtx);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, "pipeline.succeeded");
  // A stage appearing changes the Stages field: an edit.
  core::Run staged = before;
  staged.stages.push_back({"build", RunStatus::kRunning, "", At(1), std::nullopt, ""});
  EXPECT_TRUE(RunChangeNotice(before, staged, kCtx).has_value());
}

TEST(DeploymentNoticeTest, SaysWhatIsLiveWhere) {
  Deployment d{"production", "app-production", "9100000001", 1, "1.4.0",
               "0123456789abcdef", "https://ci.example.com/1", At(10)};
  Notice n = DeploymentNotice(d, kCtx);
  EXPECT_EQ(n.kind, "deployment.recorded");
  EXPECT_EQ(n.subject, "deployment:app-production:9100000001:1");
  EXPECT_EQ(n.title, "1.4.0 is live in production");
  EXPECT_EQ(n.occurred_at, At(10));
}

TEST(FormatDurationTest, Shapes) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(42)), "42s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(185)), "3m 5s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(3720)), "1h 2m");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(-5)), "0s");
}

}  // namespace
}  // namespace opsdeck::core
