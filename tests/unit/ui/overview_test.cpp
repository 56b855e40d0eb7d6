// The overview's blocks: health counts and worst targets first, open
// incidents, what waits to be promoted (WaitingForPromotion's rule), the
// coming windows, release progress per role, documentation coverage, and
// escaping of every outside string they show.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "html_scan.h"
#include "http/ui/pages.h"
#include "page_checks.h"

namespace opsdeck::http::ui {
namespace {

using namespace std::chrono_literals;
using page_checks::ExpectIconsDefinedAndIdsUnique;
using page_checks::ExpectNoInlineScriptOrStyle;
using ::testing::HasSubstr;
using ::testing::Not;

const core::TimePoint kNow = core::FromUnixMillis(1'790'000'000'000);

OverviewModel Base() {
  OverviewModel model;
  model.now = kNow;
  model.now_rfc3339 = core::FormatRfc3339(kNow);
  model.environments = {{"development", false, 0}, {"staging", false, 1}, {"production", true, 2}};
  return model;
}

DeploymentRow Deploy(int64_t id, std::string env, std::string version, std::string commit,
                     core::TimePoint at) {
  DeploymentRow row;
  row.id = id;
  row.run_id = 100 + id;
  row.deployment.environment = std::move(env);
  row.deployment.pipeline = "web-deploy";
  row.deployment.version = std::move(version);
  row.deployment.commit = std::move(commit);
  row.deployment.deployed_at = at;
  return row;
}

store::TargetStatus Status(std::string name, core::TargetState state, core::TimePoint since,
                           std::string reason = {}) {
  store::TargetStatus s;
  s.target = std::move(name);
  s.state = state;
  s.since = since;
  s.reason = std::move(reason);
  return s;
}

// The markup of one refreshed part: from data-refresh="env-<i>-<name>" (or a
// block's name) up to the next refreshed part (enough for checks).
std::string Slot(const std::string& html, const std::string& slot) {
  const std::size_t at = html.find("data-refresh=\"" + slot + "\"");
  if (at == std::string::npos) return {};
  const std::size_t end = html.find("data-refresh=", at + 13);
  return html.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::vector<std::string> Versions(const std::vector<DeploymentRow>& rows) {
  std::vector<std::string> out;
  for (const DeploymentRow& r : rows) out.push_back(r.deployment.version);
  return out;
}

TEST(WaitingForPromotion, ListsWhatIsNewerThanTheNextEnvironmentsVersion) {
  // development, newest first: 1.4 (twice: a redeploy), 1.3, 1.2, 1.1.
  const std::vector<DeploymentRow> dev = {Deploy(6, "development", "1.4", "e", kNow - 1min),
                                          Deploy(5, "development", "1.4", "e", kNow - 2min),
                                          Deploy(4, "development", "1.3", "d", kNow - 3min),
                                          Deploy(3, "development", "1.2", "c", kNow - 4min),
                                          Deploy(2, "development", "1.1", "b", kNow - 5min)};
  const DeploymentRow staging = Deploy(9, "staging", "1.2", "c", kNow - 1h);
  EXPECT_THAT(Versions(WaitingForPromotion(dev, &staging)), ::testing::ElementsAre("1.4", "1.3"));
  // Nothing live downstream: everything listed, one per version.
  EXPECT_THAT(Versions(WaitingForPromotion(dev, nullptr)),
              ::testing::ElementsAre("1.4", "1.3", "1.2", "1.1"));
  // Downstream already has the newest: nothing waits, even if older ones differ.
  const DeploymentRow same = Deploy(10, "staging", "1.4", "e", kNow);
  EXPECT_TRUE(WaitingForPromotion(dev, &same).empty());
  // Rolled back upstream to what downstream runs: nothing waits.
  std::vector<DeploymentRow> rolled = dev;
  rolled.insert(rolled.begin(), Deploy(7, "development", "1.2", "c", kNow));
  EXPECT_TRUE(WaitingForPromotion(rolled, &staging).empty());
}

TEST(WaitingForPromotion, MatchesByCommitWhenThereIsNoVersion) {
  const std::vector<DeploymentRow> dev = {Deploy(3, "development", "", "cccc", kNow),
                                          Deploy(2, "development", "", "bbbb", kNow - 1min),
                                          Deploy(1, "development", "", "", kNow - 2min)};
  const DeploymentRow staging = Deploy(9, "staging", "", "bbbb", kNow - 1h);
  const auto waiting = WaitingForPromotion(dev, &staging);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].deployment.commit, "cccc");
  // A deployment with neither version nor commit is never listed.
  EXPECT_EQ(WaitingForPromotion(dev, nullptr).size(), 2u);
  // Staging runs the newest development commit under a version tag: it has
  // reached staging, nothing waits (seen in the demo: untagged development
  // deploys, tagged staging ones).
  const DeploymentRow tagged = Deploy(10, "staging", "1.4.4", "cccc", kNow);
  EXPECT_TRUE(WaitingForPromotion(dev, &tagged).empty());
  const DeploymentRow older_tagged = Deploy(11, "staging", "1.4.3", "bbbb", kNow);
  ASSERT_EQ(WaitingForPromotion(dev, &older_tagged).size(), 1u);
}

TEST(RenderOverview, ShowsWhatWaitsBetweenAdjacentColumns) {
  OverviewModel model = Base();
  model.live = {Deploy(6, "development", "1.4", "eeee1234567", kNow - 1min),
                Deploy(9, "staging", "1.2", "cccc", kNow - 1h)};
  model.recent_deployments = {Deploy(6, "development", "1.4", "eeee1234567", kNow - 1min),
                              Deploy(4, "development", "1.3", "dddd", kNow - 3min),
                              Deploy(3, "development", "1.2", "cccc", kNow - 4min),
                              Deploy(9, "staging", "1.2", "cccc", kNow - 1h)};
  const std::string html = RenderOverview(model);
  const std::string dev = Slot(html, "env-0-waiting");
  EXPECT_THAT(
      dev,
      HasSubstr("to <strong>staging</strong>: <span data-waiting-count>2 versions</span> waiting"));
  EXPECT_THAT(dev, HasSubstr("data-waiting-version=\"1.4\""));
  EXPECT_THAT(dev, HasSubstr("href=\"/runs/106\""));
  EXPECT_THAT(dev, HasSubstr("eeee123<"));  // the short commit
  EXPECT_THAT(dev, Not(HasSubstr("data-waiting-version=\"1.2\"")));
  // staging -> production: production has nothing live, so 1.2 waits.
  EXPECT_THAT(Slot(html, "env-1-waiting"), HasSubstr("1 version</span> waiting"));
  EXPECT_THAT(html, Not(HasSubstr("env-2-waiting")));  // the last column has no footer
}

TEST(RenderOverview, CountsTargetsByStateAndListsTheWorstFirst) {
  OverviewModel model = Base();
  store::EnvironmentHealth prod;
  prod.environment = "production";
  prod.counts = store::StateCounts{.up = 40, .degraded = 1, .down = 2, .unknown = 3};
  prod.worst = {Status("db-1", core::TargetState::kDown, kNow - 10min, "connect: refused"),
                Status("api", core::TargetState::kDown, kNow - 2min),
                Status("web", core::TargetState::kDegraded, kNow - 1min)};
  model.health = {prod};
  const std::string html = RenderOverview(model);
  const std::string slot = Slot(html, "env-2-health");
  EXPECT_THAT(slot, HasSubstr("46 targets"));
  EXPECT_THAT(
      slot,
      HasSubstr("data-count=\"up\"><a href=\"/targets?environment=production&amp;state=up\" "
                "title=\"40 up\"><span class=\"count__n\"><svg class=\"icon\" aria-hidden=\"true\" "
                "focusable=\"false\"><use href=\"#i-up\"></use></svg>40</span>up"));
  EXPECT_THAT(slot, HasSubstr("count--maintenance is-zero"));
  // Worst first, as given, each linked to its page; the rest summarized.
  const std::size_t db = slot.find("data-target=\"db-1\"");
  const std::size_t api = slot.find("data-target=\"api\"");
  const std::size_t web = slot.find("data-target=\"web\"");
  ASSERT_NE(db, std::string::npos);
  EXPECT_LT(db, api);
  EXPECT_LT(api, web);
  EXPECT_THAT(slot, HasSubstr("href=\"/targets/db-1\" title=\"connect: refused\""));
  EXPECT_THAT(slot, HasSubstr("+3 more not up"));
  // The column's headline is its worst state, in words and icon too.
  EXPECT_THAT(html, HasSubstr("class=\"env env--down\" data-environment=\"production\""));
  EXPECT_THAT(Slot(html, "env-2-state"), HasSubstr("#i-down\"></use></svg>Down"));
  // A column without targets says so and stays unknown.
  EXPECT_THAT(Slot(html, "env-0-health"), HasSubstr("no targets in the catalog"));
  EXPECT_THAT(Slot(html, "env-0-state"), HasSubstr("No targets"));
}

TEST(RenderOverview, SaysAllUpWhenNothingIsWrong) {
  OverviewModel model = Base();
  store::EnvironmentHealth dev;
  dev.environment = "development";
  dev.counts.up = 5;
  model.health = {dev};
  const std::string html = RenderOverview(model);
  EXPECT_THAT(Slot(html, "env-0-health"), HasSubstr("all 5 targets up"));
  EXPECT_THAT(html, HasSubstr("class=\"env env--up\" data-environment=\"development\""));
}

TEST(RenderOverview, ListsTheNewestOpenIncidentsWithTheirCount) {
  OverviewModel model = Base();
  store::EnvironmentHealth prod;
  prod.environment = "production";
  prod.counts.down = 1;
  prod.open_incidents = 5;
  store::Incident incident;
  incident.id = 42;
  incident.target = "db-1";
  incident.started_at = kNow - 5min;
  incident.acknowledged_by = "user:alice";
  prod.newest_incidents = {incident};
  model.health = {prod};
  const std::string slot = Slot(RenderOverview(model), "env-2-incidents");
  EXPECT_THAT(slot, HasSubstr("data-open-incidents=\"5\">5 open"));
  EXPECT_THAT(slot, HasSubstr("<a href=\"/incidents/42\">#42 db-1</a>"));
  EXPECT_THAT(slot, HasSubstr(">acked</span>"));
  EXPECT_THAT(slot, HasSubstr("+4 more open"));
  EXPECT_THAT(slot, HasSubstr("href=\"/incidents?state=open&amp;environment=production\""));
}

TEST(RenderOverview, ShowsTheComingWindowsAndFreezes) {
  OverviewModel model = Base();
  model.windows_available = true;
  model.windows = {core::WindowOccurrence{"past", false, kNow - 3h, kNow - 1h, {}},
                   core::WindowOccurrence{
                       "weekday releases", false, kNow - 30min, kNow + 30min, {"bob", "carol"}},
                   core::WindowOccurrence{"year-end freeze", true, kNow + 48h, kNow + 96h, {}}};
  const std::string slot = Slot(RenderOverview(model), "windows");
  EXPECT_THAT(slot, Not(HasSubstr("data-window=\"past\"")));  // ended: not listed
  EXPECT_THAT(slot,
              HasSubstr("windows-mini__item--window is-now\" data-window=\"weekday releases\""));
  EXPECT_THAT(slot, HasSubstr("href=\"/windows?window=weekday%20releases\""));
  EXPECT_THAT(slot, HasSubstr("devops: bob, carol"));
  EXPECT_THAT(slot, HasSubstr("windows-mini__item--freeze\" data-window=\"year-end freeze\""));
  EXPECT_THAT(slot, HasSubstr("#i-lock\"></use></svg>freeze"));
  model.windows.clear();
  EXPECT_THAT(RenderOverview(model), HasSubstr("no window or freeze in the next two weeks"));
}

TEST(RenderOverview, ShowsReleaseProgressPerRole) {
  OverviewModel model = Base();
  core::Release release;
  release.id = 7;
  release.version = "2.0.0";
  release.state = core::ReleaseState::kInProgress;
  release.environments = {"staging", "production"};
  auto item = [](std::string id, core::Role role, bool done, bool required = true) {
    core::ChecklistItem i;
    i.id = std::move(id);
    i.role = role;
    i.required = required;
    i.state = done ? core::ItemState::kDone : core::ItemState::kOpen;
    return i;
  };
  release.items = {
      item("a", core::Role::kReleaseManager, true), item("b", core::Role::kReleaseManager, false),
      item("c", core::Role::kDevops, true), item("d", core::Role::kDevops, true, false)};
  model.active_releases = {release};
  const std::string slot = Slot(RenderOverview(model), "releases");
  EXPECT_THAT(slot, HasSubstr("<a class=\"mono\" href=\"/releases/7\">2.0.0</a>"));
  EXPECT_THAT(slot, HasSubstr("status--in-progress"));
  EXPECT_THAT(slot, HasSubstr("staging → production"));
  EXPECT_THAT(
      slot,
      HasSubstr(
          "data-progress-role=\"release-manager\"><span "
          "class=\"role-progress__name\">release-manager</span> <progress max=\"2\" value=\"1\">"));
  EXPECT_THAT(slot, HasSubstr("role-progress__role is-complete\" data-progress-role=\"devops\""));
  EXPECT_THAT(slot, HasSubstr("1/1 required"));
}

TEST(RenderOverview, ShowsDocumentationCoverageOverallAndPerEnvironment) {
  OverviewModel model = Base();
  DocsCoverageCard card;
  card.audited_at = kNow - 1h;
  card.overall = {"", 12, 9};
  card.environments = {{"development", 4, 4}, {"production", 3, 0}};
  card.failing_gaps = 2;
  model.docs = card;
  const std::string slot = Slot(RenderOverview(model), "docs");
  EXPECT_THAT(slot, HasSubstr("data-coverage=\"75%\">75%</span> <span>9/12 items documented"));
  EXPECT_THAT(slot, HasSubstr("2 failing gaps"));
  EXPECT_THAT(slot, HasSubstr("data-coverage-env=\"development\""));
  EXPECT_THAT(slot, HasSubstr("<span class=\"num\">100%</span>"));
  EXPECT_THAT(slot, HasSubstr("<span class=\"num\">0%</span>"));
  EXPECT_THAT(slot, HasSubstr("href=\"/docs-audit\""));
}

TEST(RenderOverview, EscapesEveryOutsideStringInTheBlocks) {
  const std::string evil = "<img src=x onerror=alert(1)>";
  OverviewModel model = Base();
  model.live = {Deploy(1, "staging", evil, evil, kNow)};
  model.recent_deployments = {Deploy(2, "development", evil + "2", evil, kNow)};
  store::EnvironmentHealth h;
  h.environment = "production";
  h.counts.down = 1;
  h.worst = {Status(evil, core::TargetState::kDown, kNow, evil)};
  h.open_incidents = 1;
  store::Incident incident;
  incident.id = 1;
  incident.target = evil;
  incident.cause = evil;
  h.newest_incidents = {incident};
  model.health = {h};
  model.windows_available = true;
  model.windows = {core::WindowOccurrence{evil, false, kNow, kNow + 1h, {evil}}};
  core::Release release;
  release.id = 3;
  release.version = evil;
  release.environments = {evil};
  release.window = evil;
  model.active_releases = {release};
  model.docs = DocsCoverageCard{kNow, {"", 1, 1}, {{evil, 1, 1}}, 0};
  const std::string html = RenderOverview(model);
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("href=\"/targets/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\""));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(RenderOverview, EveryRefreshedPartIsUniqueAndTheScriptIsLinked) {
  OverviewModel model = Base();
  const std::string html = RenderOverview(model);
  std::set<std::string> slots;
  for (const html_scan::Tag& tag : html_scan::ScanTags(html)) {
    if (tag.Has("data-refresh")) {
      EXPECT_TRUE(slots.insert(tag.Get("data-refresh")).second) << tag.Get("data-refresh");
    }
    if (tag.Has("data-page-js")) {
      EXPECT_THAT(tag.Get("data-page-js"), HasSubstr("/static/overview"));
    }
  }
  EXPECT_TRUE(slots.count("env-0-health") && slots.count("env-2-incidents") && slots.count("docs"));
}

}  // namespace
}  // namespace opsdeck::http::ui
