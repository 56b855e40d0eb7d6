// The release pages, loaded from a fake release store and desk and rendered:
// hostile versions and item titles as text, the Tick / Untick / state /
// rollback controls each role gets (never one the API would refuse), the
// checklist grouped by phase in phase order, progress per role, the gate of
// each protected environment with its reasons, the list's filters, paging
// and New release form, and the CSP rules.
#include "http/ui/release_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fake_release_desk.h"
#include "http/ui/assets.h"
#include "http/ui/release_pages_route.h"
#include "http/ui/release_pages_view.h"
#include "page_checks.h"
#include "release_fixture.h"

namespace opsdeck::http {
namespace {

using testing::At;
using ::testing::ElementsAre;
using testing::FakeDesk;
using testing::FakeReleaseStore;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kHostile;
using testing::kHour;
using testing::kNow;
using testing::MarkDone;
using ::testing::Not;
using testing::ReferenceRelease;
using testing::ReleaseConfig;
using ui::page_checks::ExpectIconsDefinedAndIdsUnique;
using ui::page_checks::ExpectNoInlineScriptOrStyle;

// Every value of `attribute="..."` in the page, in document order.
std::vector<std::string> Values(const std::string& html, const std::string& attribute) {
  std::vector<std::string> out;
  const std::string key = " " + attribute + "=\"";
  for (std::size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
    const std::size_t begin = at + key.size();
    out.push_back(html.substr(begin, html.find('"', begin) - begin));
  }
  return out;
}

std::string Render(const core::Release& release, std::optional<core::Role> role,
                   std::vector<std::string> rollback_environments = {}) {
  ui::ReleaseModel model;
  model.release = release;
  model.role = role;
  model.rollback_environments = std::move(rollback_environments);
  if (role) {
    model.shell.signed_in = true;
    model.shell.user_name = "rita";
    model.shell.csrf_token = "tok";
  }
  return ui::RenderRelease(model);
}

TEST(ReleasePage, HostileVersionAndItemTitleRenderAsText) {
  core::Release r = ReferenceRelease();
  r.version = kHostile;
  r.items[0].title = "<script>alert(2)</script>";
  r.items[0].description = "Tag <b>it</b> & push";
  r.items[1].note = "\"><img src=y>";
  const std::string html = Render(r, core::Role::kReleaseManager);
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, Not(HasSubstr("<b>it")));
  EXPECT_THAT(html, HasSubstr("<span data-version>&lt;img src=x onerror=alert(1)&gt;</span>"));
  EXPECT_THAT(html,
              HasSubstr("<title>Release &lt;img src=x onerror=alert(1)&gt; · opsdeck</title>"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(2)&lt;/script&gt;</strong>"));
  EXPECT_THAT(html, HasSubstr("Tag &lt;b&gt;it&lt;/b&gt; &amp; push"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);

  ui::ReleasesModel list;
  list.releases = {r};
  const std::string list_html = ui::RenderReleases(list);
  EXPECT_THAT(list_html, Not(HasSubstr("<img")));
  EXPECT_THAT(list_html, HasSubstr("data-version>&lt;img src=x onerror=alert(1)&gt;</a>"));
  ExpectNoInlineScriptOrStyle(list_html);
  ExpectIconsDefinedAndIdsUnique(list_html);
}

TEST(ReleasePage, TickShowsOnlyForTheSignedInRolesOwnItemsWithDependenciesDone) {
  const core::Release r = ReferenceRelease();
  // go, deploy, verify and announce wait for dependencies: no Tick for anyone.
  EXPECT_THAT(Values(Render(r, core::Role::kReleaseManager), "data-tick"),
              ElementsAre("scope", "notes"));
  EXPECT_THAT(
      Values(Render(r, core::Role::kDevops), "data-tick"),
      ElementsAre("staging-green", "backup", "devops-on-hand", "fix-or-rollback", "healthy"));
  EXPECT_THAT(Values(Render(r, core::Role::kAdmin), "data-tick"),
              ElementsAre("scope", "notes", "staging-green", "backup", "devops-on-hand",
                          "fix-or-rollback", "healthy"));
  EXPECT_THAT(Values(Render(r, core::Role::kViewer), "data-tick"), IsEmpty());
  EXPECT_THAT(Values(Render(r, std::nullopt), "data-tick"), IsEmpty());
  // The button posts to the item's tick endpoint.
  EXPECT_THAT(
      Render(r, core::Role::kDevops),
      HasSubstr("action=\"/api/v1/releases/7/items/backup/tick\" data-release-action=\"tick\""));
}

TEST(ReleasePage, UntickOnlyForDoneItemsNothingDoneDependsOn) {
  core::Release r = ReferenceRelease();
  MarkDone(r, "scope", "user:rita", 60);
  MarkDone(r, "staging-green", "system:auto", 120);
  MarkDone(r, "backup", "user:olga", 180);
  MarkDone(r, "devops-on-hand", "system:auto", 240);
  MarkDone(r, "go", "user:rita", 300);
  const std::string rm = Render(r, core::Role::kReleaseManager);
  // scope is done but go (done) depends on it; notes is the only open RM item
  // whose dependencies are done.
  EXPECT_THAT(Values(rm, "data-untick-open"), ElementsAre("go"));
  EXPECT_THAT(Values(rm, "data-tick"), ElementsAre("notes"));
  const std::string devops = Render(r, core::Role::kDevops);
  EXPECT_THAT(Values(devops, "data-untick-open"), IsEmpty());
  EXPECT_THAT(Values(devops, "data-tick"), ElementsAre("deploy", "fix-or-rollback", "healthy"));
  // Unticking asks for a reason, required, and posts to the untick endpoint.
  EXPECT_THAT(rm, HasSubstr("action=\"/api/v1/releases/7/items/go/untick\" "
                            "data-release-action=\"untick\""));
  EXPECT_THAT(rm, HasSubstr("name=\"reason\" type=\"text\" required"));
  EXPECT_THAT(Values(Render(r, core::Role::kViewer), "data-untick-open"), IsEmpty());
}

TEST(ReleasePage, ChecklistIsGroupedByPhaseInPhaseOrder) {
  using core::Role;
  core::Release r = ReferenceRelease();
  r.items = {
      testing::Item("smoke", "verify", Role::kReleaseManager, "Smoke test"),
      testing::Item("scope", "prepare", Role::kReleaseManager, "Scope"),
      testing::Item("tell", "communicate", Role::kReleaseManager, "Tell everyone"),
      testing::Item("backup", "prepare", Role::kDevops, "Backup"),
      testing::Item("go", "go-no-go", Role::kReleaseManager, "Go"),
  };
  const std::string html = Render(r, std::nullopt);
  EXPECT_THAT(Values(html, "data-phase"),
              ElementsAre("prepare", "go-no-go", "verify", "communicate"));
  // Template order within a phase; phases without items are left out.
  EXPECT_THAT(Values(html, "data-item"), ElementsAre("scope", "backup", "go", "smoke", "tell"));
  EXPECT_THAT(html, HasSubstr(">Go / no-go <span class=\"muted num\">0/1</span>"));
  EXPECT_THAT(html, Not(HasSubstr("data-phase=\"deploy\"")));
}

TEST(ReleasePage, ItemsShowRoleRequiredDependenciesStateAndWhoDidThem) {
  core::Release r = ReferenceRelease();
  MarkDone(r, "scope", "user:rita", 90);
  const std::string html = Render(r, std::nullopt);
  // Done: by whom and when, the time in UTC until the script localizes it.
  EXPECT_THAT(html, HasSubstr("Done by <span data-done-by>user:rita</span> · <time "
                              "datetime=\"2026-03-11T10:01:30.000Z\" data-format=\"short\">"
                              "2026-03-11 10:01:30 UTC</time>"));
  EXPECT_THAT(Values(html, "data-item-state"),
              ElementsAre("done", "open", "open", "open", "open", "waiting", "waiting", "open",
                          "waiting", "open", "waiting"));
  EXPECT_THAT(Values(html, "data-role"),
              ElementsAre("release-manager", "release-manager", "devops", "devops", "devops",
                          "release-manager", "devops", "devops", "release-manager", "devops",
                          "release-manager"));
  EXPECT_THAT(html, HasSubstr("title=\"release-manager\" data-role-badge>"));
  EXPECT_THAT(html, HasSubstr("</svg>RM</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"badge badge--optional\">optional</span>"));
  EXPECT_THAT(html, HasSubstr("title=\"opsdeck ticks this itself: staging_green\" data-auto>"));
  // go's dependencies by title, scope done and the rest open.
  EXPECT_THAT(html, HasSubstr("<span class=\"dep dep--done\" data-dep=\"scope\">"));
  EXPECT_THAT(html, HasSubstr("<span class=\"dep dep--open\" data-dep=\"backup\">"));
  EXPECT_THAT(html, HasSubstr("Fresh database backup verified<span class=\"visually-hidden\"> "
                              "(open)</span>"));
}

TEST(ReleasePage, ShowsProgressPerRoleAtTheTop) {
  core::Release r = ReferenceRelease();
  for (const char* id : {"scope", "notes", "backup"}) MarkDone(r, id, "user:x", 10);
  const std::string html = Render(r, std::nullopt);
  EXPECT_EQ(ui::internal::ProgressText(r), "RM 2/5 · devops 1/6");
  EXPECT_THAT(Values(html, "data-progress-role"), ElementsAre("release-manager", "devops"));
  EXPECT_THAT(html, HasSubstr("<abbr title=\"release-manager\">RM</abbr></span><span "
                              "class=\"progress-card__n num\">2/5</span>"));
  EXPECT_LT(html.find("data-progress"), html.find("data-fragment=\"checklist\""));
}

TEST(ReleasePage, StateActionsForReleaseManagersRollbackLinksForDevops) {
  core::Release r = ReferenceRelease();
  const std::vector<std::string> envs = {"production"};
  EXPECT_THAT(Values(Render(r, core::Role::kReleaseManager, envs), "data-state-action"),
              ElementsAre("in-progress", "aborted"));
  EXPECT_THAT(Values(Render(r, core::Role::kReleaseManager, envs), "data-rollback-link"),
              IsEmpty());
  const std::string devops = Render(r, core::Role::kDevops, envs);
  EXPECT_THAT(Values(devops, "data-state-action"), IsEmpty());
  EXPECT_THAT(devops, HasSubstr("href=\"/rollbacks?environment=production&amp;release=7#start\""));
  EXPECT_THAT(Values(Render(r, core::Role::kAdmin, envs), "data-rollback-link"),
              ElementsAre("production"));
  const std::string viewer = Render(r, core::Role::kViewer, envs);
  EXPECT_THAT(viewer, Not(HasSubstr("data-state-action")));
  EXPECT_THAT(viewer, Not(HasSubstr("data-rollback-link")));

  // In progress with required items open: Mark released shows, disabled, with why.
  r.state = core::ReleaseState::kInProgress;
  const std::string running = Render(r, core::Role::kReleaseManager);
  EXPECT_THAT(Values(running, "data-state-action"), ElementsAre("released", "aborted"));
  EXPECT_THAT(running, HasSubstr("data-state-action=\"released\" disabled>"));
  EXPECT_THAT(running, HasSubstr("data-state-why=\"released\">Mark released: "));
  // Aborting asks for a reason.
  EXPECT_THAT(running,
              HasSubstr("id=\"state-reason-aborted\" name=\"reason\" type=\"text\" required"));
}

TEST(ReleasePage, GateOfEachProtectedEnvironmentListsItsReasons) {
  FakeReleaseStore store;
  store.releases = {ReferenceRelease()};
  store::Booking booking;
  booking.id = 3;
  booking.release_id = 7;
  booking.window = "weekday releases";
  booking.starts_at = At(28 * kHour);
  booking.state = store::BookingState::kRequested;
  store.bookings = {booking};
  FakeDesk desk;
  core::GateDecision blocked;
  blocked.reasons = {{"outside_window", "no release window is open"},
                     {"checklist_open", "required items open: scope, <notes>"}};
  desk.gates["production"] = blocked;
  const config::Config cfg = ReleaseConfig();
  auto loaded = release_pages::LoadRelease(store, &desk, cfg, 7, core::Role::kDevops);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_TRUE(loaded->has_value());
  const ui::ReleaseModel& model = **loaded;
  EXPECT_THAT(desk.gate_calls, ElementsAre("production 2.14.0"));  // staging is not protected
  EXPECT_THAT(model.rollback_environments, ElementsAre("production"));
  ASSERT_EQ(model.bookings.size(), 1u);
  const std::string html = ui::RenderRelease(model);
  EXPECT_THAT(html, HasSubstr("data-gate=\"production\" data-allowed=\"false\""));
  EXPECT_THAT(Values(html, "data-reason"), ElementsAre("outside_window", "checklist_open"));
  EXPECT_THAT(html, HasSubstr("required items open: scope, &lt;notes&gt;"));
  EXPECT_THAT(html, HasSubstr("data-booking=\"3\" data-booking-state=\"requested\""));

  desk.gates["production"] = core::GateDecision{true, {}};
  loaded = release_pages::LoadRelease(store, &desk, cfg, 7, std::nullopt);
  const std::string allowed = ui::RenderRelease(**loaded);
  EXPECT_THAT(allowed, HasSubstr("data-gate=\"production\" data-allowed=\"true\""));
  EXPECT_THAT(allowed, HasSubstr("A deploy of this version may start now."));

  // Without a desk the gate says so instead of failing the page.
  loaded = release_pages::LoadRelease(store, nullptr, cfg, 7, std::nullopt);
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->gates.at(0).error, "the release desk is not running");

  loaded = release_pages::LoadRelease(store, &desk, cfg, 8, std::nullopt);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST(ReleasesPage, FiltersPagesAndShowsProgressPerRow) {
  FakeReleaseStore store;
  core::Release a = ReferenceRelease();
  MarkDone(a, "scope", "user:rita", 5);
  core::Release b = ReferenceRelease();
  b.id = 6;
  b.version = "2.13.1";
  b.environments = {"staging"};
  b.state = core::ReleaseState::kReleased;
  b.window.clear();
  b.window_start.reset();
  store.releases = {a, b};
  store.releases_next = "c2";
  FakeDesk desk;
  const config::Config cfg = ReleaseConfig();
  auto model = release_pages::LoadReleases(store, &desk, cfg, kNow, core::Role::kViewer,
                                           "environment=production&limit=20");
  ASSERT_TRUE(model) << model.error().ToString();
  EXPECT_EQ(store.last_release_query->environment, "production");
  EXPECT_EQ(store.last_release_query->limit, 20);
  ASSERT_EQ(model->releases.size(), 1u);
  EXPECT_EQ(model->pager.older_href, "/releases?environment=production&limit=20&cursor=c2");
  EXPECT_FALSE(model->can_create);
  const std::string html = ui::RenderReleases(*model);
  EXPECT_THAT(html, HasSubstr("<tr data-release=\"7\" data-state=\"planned\">"));
  EXPECT_THAT(
      html, HasSubstr("<abbr title=\"release-manager\">RM</abbr> <span class=\"num\">1/5</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"env-path__name\">staging</span><span "
                              "class=\"env-path__arrow\" aria-hidden=\"true\">→</span>"));
  EXPECT_THAT(html, HasSubstr("weekday releases · <time datetime=\"2026-03-12T14:00:00.000Z\""));
  EXPECT_THAT(html, Not(HasSubstr("data-release-create")));
  EXPECT_THAT(html, HasSubstr("href=\"/releases\" aria-current=\"page\""));

  model = release_pages::LoadReleases(store, &desk, cfg, kNow, core::Role::kViewer, "state=done");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->error,
            "state must be one of planned, in-progress, released, rolled-back, aborted");
  EXPECT_TRUE(model->releases.empty());
  model = release_pages::LoadReleases(store, &desk, cfg, kNow, core::Role::kViewer, "cursor=bad");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->error, "malformed cursor");
  model =
      release_pages::LoadReleases(store, &desk, cfg, kNow, core::Role::kViewer, "state=released");
  EXPECT_EQ(store.last_release_query->state, core::ReleaseState::kReleased);
}

TEST(ReleasesPage, NewReleaseFormOffersTemplatesEnvironmentsAndOpenAllowWindows) {
  FakeReleaseStore store;
  FakeDesk desk;
  auto occurrence = [](std::string name, bool deny, int64_t from_h, int64_t to_h) {
    release::WindowView w;
    w.occurrence = {std::move(name), deny, At(from_h * kHour), At(to_h * kHour), {"alice"}};
    return w;
  };
  desk.windows = {occurrence("past", false, -5, -2), occurrence("now <b>", false, -1, 2),
                  occurrence("year-end freeze", true, 10, 40),
                  occurrence("weekday releases", false, 28, 31)};
  config::Config cfg = ReleaseConfig();
  // Promotion order comes from positions, not file order.
  cfg.environments = {{"production", true, 1}, {"staging", false, 0}};
  auto model =
      release_pages::LoadReleases(store, &desk, cfg, kNow, core::Role::kReleaseManager, "");
  ASSERT_TRUE(model) << model.error().ToString();
  EXPECT_TRUE(model->can_create);
  EXPECT_THAT(model->templates, ElementsAre("production-release"));
  EXPECT_THAT(model->environments, ElementsAre("staging", "production"));
  ASSERT_TRUE(desk.last_windows_range);
  EXPECT_EQ(desk.last_windows_range->second - desk.last_windows_range->first,
            release_pages::kWindowChoiceHorizon);
  ASSERT_EQ(model->windows.size(), 2u);  // the ended one and the freeze are left out
  EXPECT_EQ(model->windows[0].window, "now <b>");
  const std::string html = ui::RenderReleases(*model);
  EXPECT_THAT(Values(html, "data-environment"), ElementsAre("staging", "production"));
  EXPECT_THAT(html, HasSubstr("<option value=\"2026-03-12T14:00:00.000Z|weekday releases\" "
                              "data-start=\"2026-03-12T14:00:00.000Z\""));
  EXPECT_THAT(html, HasSubstr("now &lt;b&gt; · 2026-03-11 09:00:00 UTC</option>"));
  EXPECT_THAT(html, HasSubstr("data-release-create hidden"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);

  auto admin = release_pages::LoadReleases(store, nullptr, cfg, kNow, core::Role::kAdmin, "");
  ASSERT_TRUE(admin);
  EXPECT_TRUE(admin->can_create);
  EXPECT_EQ(admin->windows_error, "the release desk is not running");
  auto devops = release_pages::LoadReleases(store, &desk, cfg, kNow, core::Role::kDevops, "");
  ASSERT_TRUE(devops);
  EXPECT_FALSE(devops->can_create);
}

TEST(ReleaseAssets, ThePageScriptIsEmbeddedAndEveryReleasePageLoadsIt) {
  const ui::Asset* js = ui::FindStatic("/static/releases.js");
  ASSERT_NE(js, nullptr);
  std::ifstream in(std::string(OPSDECK_SOURCE_DIR) + "/web/static/releases.js", std::ios::binary);
  std::ostringstream source;
  source << in.rdbuf();
  EXPECT_EQ(js->body, source.str());
  const std::string loader = "data-page-js=\"" + std::string(js->url) + "\"";
  EXPECT_THAT(Render(ReferenceRelease(), std::nullopt), HasSubstr(loader));
  EXPECT_THAT(ui::RenderReleases({}), HasSubstr(loader));
}

}  // namespace
}  // namespace opsdeck::http
