// The pipeline pages: hostile run and pipeline text escaped, only http(s)
// URLs linked, the stage timeline's order and bar geometry, the overview's
// live version and last runs, and the CSP rules on every page.
#include "http/ui/run_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "html_scan.h"
#include "page_checks.h"

namespace opsdeck::http::ui {
namespace {

using html_scan::ScanTags;
using html_scan::Tag;
using page_checks::ExpectIconsDefinedAndIdsUnique;
using page_checks::ExpectNoInlineScriptOrStyle;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

core::TimePoint At(int minutes) {
  return core::FromUnixMillis(1'795'000'000'000 + int64_t{minutes} * 60'000);
}

core::Run MakeRun(int64_t id, core::RunStatus status) {
  core::Run run;
  run.id = id;
  run.pipeline = "dashboard-production";
  run.environment = "production";
  run.external_run_id = "p-" + std::to_string(id);
  run.status = status;
  run.version = "1.4.0";
  run.commit = "9f8e7d6c5b9f8e7d6c5b9f8e7d6c5b9f8e7d6c5b";
  run.started_at = At(0);
  if (core::IsTerminal(status))
    run.finished_at = At(10);
  return run;
}

core::Stage Stage(std::string name, int from, std::optional<int> to,
                  core::RunStatus status = core::RunStatus::kSucceeded) {
  core::Stage s;
  s.name = std::move(name);
  s.status = status;
  s.started_at = At(from);
  if (to)
    s.finished_at = At(*to);
  return s;
}

std::vector<const Tag *> Rects(const std::vector<Tag> &tags) {
  std::vector<const Tag *> out;
  for (const Tag &t : tags) {
    if (t.name == "rect" && t.Get("class") == "bar__fill")
      out.push_back(&t);
  }
  return out;
}

TEST(RenderRun, ShowsTheStagesInOrderWithProportionalBars) {
  RunModel model;
  model.run = MakeRun(7, core::RunStatus::kSucceeded);
  model.run.stages = {Stage("migrate", 0, 2), Stage("rollout", 2, 8),
                      Stage("verify", 8, 10)};
  const std::string html = RenderRun(model);
  const std::vector<Tag> tags = ScanTags(html);
  std::vector<std::string> stages;
  for (const Tag &t : tags) {
    if (t.Has("data-stage"))
      stages.push_back(t.Get("data-stage"));
  }
  EXPECT_THAT(stages, ElementsAre("migrate", "rollout", "verify"));
  const auto rects = Rects(tags);
  ASSERT_EQ(rects.size(), 3u);
  EXPECT_EQ(rects[0]->Get("x"), "0.00%");
  EXPECT_EQ(rects[0]->Get("width"), "20.00%");
  EXPECT_EQ(rects[1]->Get("x"), "20.00%");
  EXPECT_EQ(rects[1]->Get("width"), "60.00%");
  EXPECT_EQ(rects[2]->Get("x"), "80.00%");
  EXPECT_EQ(rects[2]->Get("width"), "20.00%");
  EXPECT_THAT(html, HasSubstr("10 min in all"));
  EXPECT_THAT(
      html,
      HasSubstr("<abbr title=\"9f8e7d6c5b9f8e7d6c5b9f8e7d6c5b9f8e7d6c5b\" "
                "data-commit>9f8e7d6</abbr>"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderRun, ARunningStageReachesNowAndAnUnstartedOneHasNoBar) {
  RunModel model;
  model.run = MakeRun(8, core::RunStatus::kRunning);
  model.now = At(10);
  core::Stage waiting;
  waiting.name = "deploy";
  model.run.stages = {
      Stage("build", 5, std::nullopt, core::RunStatus::kRunning), waiting};
  const std::vector<Tag> tags = ScanTags(RenderRun(model));
  const auto rects = Rects(tags);
  ASSERT_EQ(rects.size(), 1u);
  EXPECT_EQ(rects[0]->Get("x"), "50.00%");
  EXPECT_EQ(rects[0]->Get("width"), "50.00%");
}

TEST(RenderRun, EscapesHostileTextAndLinksOnlyHttpUrls) {
  RunModel model;
  model.run = MakeRun(9, core::RunStatus::kFailed);
  model.run.pipeline = "web <b>\"x\"</b>";
  model.run.title = "<img src=x onerror=alert(1)>";
  model.run.external_run_id = "\"><svg onload=alert(2)>";
  model.run.ref = "main' onclick='alert(3)";
  model.run.trigger = "{{shell_title}}";
  model.run.url = "javascript:alert(4)";
  core::Stage stage = Stage("s", 0, 1);
  stage.url = "JAVASCRIPT:alert(5)";
  model.run.stages = {stage};
  model.pipeline_href = "/pipelines?pipeline=web%20%3Cb%3E#runs";
  const std::string html = RenderRun(model);
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("<svg onload")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("main&apos; onclick=&apos;alert(3)"));
  EXPECT_THAT(html, HasSubstr(">{{shell_title}}<"));
  EXPECT_THAT(html, Not(HasSubstr("data-ci-link")));
  ExpectNoInlineScriptOrStyle(html); // also: no javascript: in any attribute
  for (const Tag &t : ScanTags(html)) {
    if (t.name != "a")
      continue;
    EXPECT_TRUE(t.Get("href").starts_with("/") ||
                t.Get("href").starts_with("#"))
        << t.Get("href");
  }
}

TEST(LinkableUrl, AcceptsOnlyHttpAndHttpsWithSomethingAfterTheScheme) {
  using internal::LinkableUrl;
  EXPECT_EQ(LinkableUrl("https://ci.example.com/p/1"),
            "https://ci.example.com/p/1");
  EXPECT_EQ(LinkableUrl("HTTP://ci.example.com"), "HTTP://ci.example.com");
  for (const char *bad :
       {"javascript:alert(1)", "JavaScript:alert(1)", " https://x", "https://",
        "https://a b", "https://a\nb", "data:text/html,x", "//evil.example",
        "/relative", "ftp://x", ""}) {
    EXPECT_EQ(LinkableUrl(bad), "") << bad;
  }
}

TEST(FormatDuration, ReadsLikeAPerson) {
  using internal::FormatDuration;
  EXPECT_EQ(FormatDuration(core::Duration(450)), "450 ms");
  EXPECT_EQ(FormatDuration(core::Duration(4'200)), "4 s");
  EXPECT_EQ(FormatDuration(core::Duration(120'000)), "2 min");
  EXPECT_EQ(FormatDuration(core::Duration(312'000)), "5 min 12 s");
  EXPECT_EQ(FormatDuration(core::Duration(7'500'000)), "2 h 5 min");
  EXPECT_EQ(FormatDuration(core::Duration(3 * 86'400'000LL + 3'600'000)),
            "3 d 1 h");
  EXPECT_EQ(FormatDuration(core::Duration(-5)), "0 ms");
}

TEST(ViewOf, EveryRunStateHasAWordAndADefinedIcon) {
  for (auto s : {core::RunStatus::kQueued, core::RunStatus::kRunning,
                 core::RunStatus::kSucceeded, core::RunStatus::kFailed,
                 core::RunStatus::kCanceled, core::RunStatus::kSuperseded}) {
    const internal::StatusView v = internal::ViewOf(s);
    EXPECT_EQ(v.css, core::RunStatusName(s));
    EXPECT_FALSE(v.label.empty());
    RunModel model;
    model.run = MakeRun(1, s);
    const std::string html = RenderRun(model);
    EXPECT_THAT(html, HasSubstr(std::string("#i-") + std::string(v.icon)));
    ExpectIconsDefinedAndIdsUnique(html);
  }
}

TEST(RenderPipelines, KeepsFiltersEscapesNamesAndLinksDocsOnlyWhenHttp) {
  PipelinesModel model;
  PipelineRow hostile{"web <b>x</b>",
                      "production",
                      false,
                      "generic",
                      "",
                      "javascript:alert(1)",
                      "/pipelines?pipeline=web%20%3Cb%3Ex%3C%2Fb%3E#runs",
                      std::nullopt};
  PipelineRow prod{"dashboard-production",
                   "production",
                   true,
                   "generic",
                   "ezops",
                   "https://wiki.example.com/x",
                   "/pipelines?pipeline=dashboard-production#runs",
                   MakeRun(2, core::RunStatus::kFailed)};
  model.pipelines = {prod, hostile};
  model.runs = {MakeRun(2, core::RunStatus::kFailed)};
  model.filters = {
      {"status", "Status", "failed", {"queued", "failed"}},
      {"pipeline", "Pipeline", "retired-one", {"dashboard-production"}}};
  model.filtered = true;
  model.pager.older_href = "/pipelines?status=failed&cursor=0a0b#runs";
  const std::string html = RenderPipelines(model);
  EXPECT_THAT(html,
              HasSubstr("<option value=\"failed\" selected>failed</option>"));
  // A filter value the options lack is still shown as selected.
  EXPECT_THAT(
      html,
      HasSubstr("<option value=\"retired-one\" selected>retired-one</option>"));
  EXPECT_THAT(html, HasSubstr("href=\"https://wiki.example.com/x\""));
  EXPECT_THAT(html,
              HasSubstr(">javascript:alert(1)</span>")); // shown, not linked
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(
      html,
      HasSubstr("href=\"/pipelines?status=failed&amp;cursor=0a0b#runs\""));
  EXPECT_THAT(html, HasSubstr("data-run-status=\"failed\""));
  EXPECT_THAT(html, HasSubstr("Clear filters"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderPipelines, SaysSoWhenEmptyAndShowsAnError) {
  PipelinesModel model;
  model.error = "status must be one of <queued>";
  const std::string html = RenderPipelines(model);
  EXPECT_THAT(html, HasSubstr("No pipelines configured"));
  EXPECT_THAT(html, HasSubstr("role=\"alert\""));
  EXPECT_THAT(html, HasSubstr("status must be one of &lt;queued&gt;"));
  ExpectNoInlineScriptOrStyle(html);
}

TEST(RenderDeployments, ListsLiveAndHistoryWithOnlyHttpCiLinks) {
  DeploymentsModel model;
  core::Deployment d{
      "production", "dashboard-production",       "p-1", 1, "1.4.0",
      "9f8e7d6c5b", "https://ci.example.com/p/1", At(10)};
  core::Deployment bad = d;
  bad.url = "javascript:alert(1)";
  bad.version = "<script>x</script>";
  model.live = {{1, 7, d}};
  model.deployments = {{1, 7, d}, {2, 8, bad}};
  const std::string html = RenderDeployments(model);
  EXPECT_THAT(html, HasSubstr("data-live-environment=\"production\""));
  EXPECT_THAT(html, HasSubstr("href=\"/runs/7\""));
  EXPECT_THAT(html, HasSubstr("href=\"https://ci.example.com/p/1\""));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;x&lt;/script&gt;"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderUnmatched, ShowsReasonAndKeysEscaped) {
  UnmatchedModel model;
  model.events = {{3,
                   "github",
                   "workflow_run",
                   "4242",
                   "no pipeline matches <repo>",
                   {{"repository", "acme/<other>"}, {"branch", "main"}},
                   At(0)}};
  const std::string html = RenderUnmatched(model);
  EXPECT_THAT(html, HasSubstr("GitHub Actions"));
  EXPECT_THAT(html, HasSubstr("no pipeline matches &lt;repo&gt;"));
  EXPECT_THAT(
      html,
      HasSubstr(
          "<dt>repository</dt><dd class=\"mono\">acme/&lt;other&gt;</dd>"));
  ExpectNoInlineScriptOrStyle(html);
}

TEST(RenderOverview, ShowsTheLiveVersionAndEachPipelinesLastRun) {
  OverviewModel model;
  model.environments = {{"staging", false, 0}, {"production", true, 1}};
  core::Deployment d{"production", "dashboard-production", "p-1", 1,
                     "1.4.0",      "9f8e7d6c5b",           "",    At(10)};
  model.live = {{1, 7, d}};
  model.pipelines = {{"dashboard-production", "production", true, "generic", "",
                      "", "/pipelines?pipeline=dashboard-production#runs",
                      MakeRun(8, core::RunStatus::kFailed)},
                     {"dashboard-staging", "staging", true, "gitlab", "", "",
                      "/pipelines?pipeline=dashboard-staging#runs",
                      std::nullopt}};
  const std::string html = RenderOverview(model);
  EXPECT_THAT(html, HasSubstr("<a href=\"/runs/7\" title=\"Deployed by "
                              "dashboard-production\">1.4.0</a>"));
  EXPECT_THAT(html, HasSubstr("data-run-status=\"failed\""));
  EXPECT_THAT(html, HasSubstr("href=\"/runs/8\""));
  EXPECT_THAT(html, HasSubstr("no runs yet"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderProblem, EscapesEverything) {
  ProblemModel model;
  model.code = 404;
  model.title = "Run not found";
  model.heading = "Run not found";
  model.detail = "There is no run with id <b>x</b>.";
  model.back_href = "/pipelines";
  model.back_icon = "pipeline";
  const std::string html = RenderProblem(model);
  EXPECT_THAT(html, HasSubstr("There is no run with id &lt;b&gt;x&lt;/b&gt;."));
  EXPECT_THAT(html, HasSubstr(">404<"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

} // namespace
} // namespace opsdeck::http::ui
