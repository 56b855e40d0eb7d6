// The /windows and /rollbacks pages, loaded from a fake release store and
// desk and rendered: the calendar's cells (4 weeks of 7 days from this
// week's Monday, today marked, an occurrence crossing midnight in both days,
// occurrences outside the grid kept for the viewer's zone), allow and deny
// shown in words and icons, the Book / Accept / Decline / Override controls
// per role, the rollback history with status and run, the Start form for
// devops and admin, hostile names as text, and the CSP rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fake_release_desk.h"
#include "http/ui/rollback_pages.h"
#include "http/ui/rollback_pages_route.h"
#include "http/ui/window_pages.h"
#include "http/ui/window_pages_route.h"
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
using ::testing::Not;
using testing::ReferenceRelease;
using testing::ReleaseConfig;
using ::testing::SizeIs;
using ui::page_checks::ExpectIconsDefinedAndIdsUnique;
using ui::page_checks::ExpectNoInlineScriptOrStyle;

std::vector<std::string> Values(const std::string& html, const std::string& attribute) {
  std::vector<std::string> out;
  const std::string key = " " + attribute + "=\"";
  for (std::size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
    const std::size_t begin = at + key.size();
    out.push_back(html.substr(begin, html.find('"', begin) - begin));
  }
  return out;
}

// The text of the calendar cell of `day` ("2026-03-10"), up to the next cell.
std::string Cell(const std::string& html, const std::string& day) {
  const std::size_t found = html.find("data-day=\"" + day + "\"");
  if (found == std::string::npos) return {};
  const std::size_t at = html.rfind("<li ", found);
  return html.substr(at, html.find("<li class=\"cal-day", found) - at);
}

release::WindowView Occurrence(std::string name, bool deny, core::TimePoint start,
                               core::TimePoint end, std::vector<std::string> devops = {}) {
  release::WindowView w;
  w.occurrence = {std::move(name), deny, start, end, std::move(devops)};
  return w;
}

store::Booking Booking(int64_t id, int64_t release, const release::WindowView& w,
                       store::BookingState state) {
  store::Booking b;
  b.id = id;
  b.release_id = release;
  b.window = w.occurrence.window;
  b.starts_at = w.occurrence.start;
  b.ends_at = w.occurrence.end;
  b.state = state;
  b.requested_by = "user:rita";
  return b;
}

ui::WindowsModel Windows(std::vector<release::WindowView> occurrences,
                         std::optional<core::Role> role = std::nullopt) {
  ui::WindowsModel model;
  model.now = kNow;
  model.calendar_start = ui::internal::CalendarStart(kNow);
  model.occurrences = std::move(occurrences);
  model.role = role;
  model.bookable = {{7, "2.14.0"}};
  model.release_versions = {{7, "2.14.0"}};
  return model;
}

TEST(WindowsCalendar, StartsOnTheMondayOfThisWeekInUtc) {
  EXPECT_EQ(core::FormatRfc3339(ui::internal::CalendarStart(kNow)), "2026-03-09T00:00:00.000Z");
  // A Monday at midnight is its own week's start; a Sunday night belongs to
  // the week that began six days before.
  EXPECT_EQ(ui::internal::CalendarStart(At(-58 * kHour)), At(-58 * kHour));
  EXPECT_EQ(core::FormatRfc3339(ui::internal::CalendarStart(At(-59 * kHour))),
            "2026-03-02T00:00:00.000Z");
  EXPECT_EQ(ui::internal::DayLabel(At(-58 * kHour)), "Mon 9 Mar");
  EXPECT_EQ(ui::internal::DayKey(At(-58 * kHour)), "2026-03-09");
}

TEST(WindowsCalendar, HasFourWeeksOfDayCellsWithTodayMarked) {
  const std::string html = ui::RenderWindows(Windows({}));
  const std::vector<std::string> days = Values(html, "data-day");
  ASSERT_THAT(days, SizeIs(ui::kCalendarDays));
  EXPECT_EQ(days.front(), "2026-03-09");
  EXPECT_EQ(days.back(), "2026-04-05");
  EXPECT_THAT(Cell(html, "2026-03-11"), HasSubstr("aria-current=\"date\""));
  EXPECT_THAT(Cell(html, "2026-03-10"), HasSubstr("is-past"));
  EXPECT_THAT(Cell(html, "2026-03-09"),
              HasSubstr("<span class=\"cal-day__label\" data-day-label>Mon 9 Mar</span>"));
  EXPECT_THAT(html, HasSubstr("No release window occurs in these four weeks."));
  EXPECT_THAT(html, HasSubstr("href=\"/windows\" aria-current=\"page\""));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(WindowsCalendar, OccurrencesFillEveryDayTheyOverlapInWordsAndIcons) {
  // Tue 22:00 - Wed 02:00 UTC crosses midnight; the freeze spans three days.
  release::WindowView late =
      Occurrence("late deploys", false, At(-12 * kHour), At(-8 * kHour), {"alice", "bob"});
  release::WindowView freeze = Occurrence("freeze", true, At(38 * kHour), At(96 * kHour));
  late.bookings = {Booking(1, 7, late, store::BookingState::kAccepted)};
  const std::string html = ui::RenderWindows(Windows({late, freeze}));
  const std::string tuesday = Cell(html, "2026-03-10");
  const std::string wednesday = Cell(html, "2026-03-11");
  EXPECT_THAT(tuesday, HasSubstr("data-occurrence=\"0\""));
  EXPECT_THAT(tuesday, Not(HasSubstr("is-continued")));
  EXPECT_THAT(wednesday, HasSubstr("cal-block--allow cal-block--accepted is-continued"));
  EXPECT_THAT(tuesday,
              HasSubstr("<time datetime=\"2026-03-10T22:00:00.000Z\" data-clock>22:00</time>"
                        "–<time datetime=\"2026-03-11T02:00:00.000Z\" data-clock>02:00</time>"));
  EXPECT_THAT(tuesday, HasSubstr("Allow · alice, bob"));
  EXPECT_THAT(tuesday, HasSubstr("<use href=\"#i-up\"></use></svg>Accepted"));
  for (const char* day : {"2026-03-13", "2026-03-14", "2026-03-15"}) {
    EXPECT_THAT(Cell(html, day), HasSubstr("cal-block--deny cal-block--freeze")) << day;
    EXPECT_THAT(Cell(html, day), HasSubstr("<use href=\"#i-lock\"></use></svg>freeze")) << day;
    EXPECT_THAT(Cell(html, day), HasSubstr("<use href=\"#i-lock\"></use></svg>In force</span>"))
        << day;
  }
  EXPECT_THAT(Cell(html, "2026-03-12"), Not(HasSubstr("data-occurrence")));
  EXPECT_THAT(Cell(html, "2026-03-16"), Not(HasSubstr("data-occurrence")));
  // The list below names the occurrences still to end, once each.
  EXPECT_THAT(Values(html, "data-occurrence-item"), ElementsAre("1"));
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(WindowsCalendar, OccurrencesOutsideTheUtcGridWaitForTheViewersZone) {
  // Sunday 8 March 23:00 UTC is Monday in Berlin: the script may move it in.
  const release::WindowView sunday =
      Occurrence("sunday night", false, At(-59 * kHour), At(-58 * kHour - 1800));
  const std::string html = ui::RenderWindows(Windows({sunday}));
  const std::size_t spare = html.find("data-calendar-spare");
  ASSERT_NE(spare, std::string::npos);
  EXPECT_EQ(html.find("data-occurrence=\"0\""), html.find("data-occurrence=\"0\"", spare));
  // It ended before now: not in the list of occurrences to act on.
  EXPECT_THAT(Values(html, "data-occurrence-item"), IsEmpty());
}

TEST(WindowsPage, ActionsFollowTheRoleAndHostileNamesStayText) {
  release::WindowView allow = Occurrence(kHostile, false, At(28 * kHour), At(31 * kHour));
  allow.bookings = {Booking(4, 7, allow, store::BookingState::kRequested)};
  allow.bookings[0].note = "<script>alert(3)</script>";
  release::WindowView freeze = Occurrence("year-end freeze", true, At(50 * kHour), At(60 * kHour));
  const std::vector<release::WindowView> both = {allow, freeze};

  const std::string rm = ui::RenderWindows(Windows(both, core::Role::kReleaseManager));
  EXPECT_THAT(Values(rm, "data-book"), ElementsAre("0"));  // allow windows only
  EXPECT_THAT(
      rm,
      HasSubstr("action=\"/api/v1/windows/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/book\""));
  EXPECT_THAT(rm, HasSubstr("data-start=\"2026-03-12T14:00:00.000Z\""));
  EXPECT_THAT(Values(rm, "data-accept"), IsEmpty());
  EXPECT_THAT(Values(rm, "data-override"), IsEmpty());
  EXPECT_THAT(rm, Not(HasSubstr("<img")));
  EXPECT_THAT(rm, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(rm, HasSubstr("<a href=\"/releases/7\">Release 2.14.0</a>"));

  const std::string devops = ui::RenderWindows(Windows(both, core::Role::kDevops));
  EXPECT_THAT(Values(devops, "data-accept"), ElementsAre("4"));
  EXPECT_THAT(Values(devops, "data-decline"), ElementsAre("4"));
  EXPECT_THAT(Values(devops, "data-book"), IsEmpty());
  EXPECT_THAT(devops,
              HasSubstr("data-window-action=\"confirm\" data-start=\"2026-03-12T14:00:00.000Z\" "
                        "data-release=\"7\""));

  const std::string admin = ui::RenderWindows(Windows(both, core::Role::kAdmin));
  EXPECT_THAT(Values(admin, "data-override"), ElementsAre("1"));
  EXPECT_THAT(Values(admin, "data-book"), ElementsAre("0"));
  EXPECT_THAT(Values(admin, "data-accept"), ElementsAre("4"));
  ExpectNoInlineScriptOrStyle(admin);
  ExpectIconsDefinedAndIdsUnique(admin);

  const std::string viewer = ui::RenderWindows(Windows(both, core::Role::kViewer));
  EXPECT_THAT(viewer, Not(HasSubstr("data-window-action")));

  // An overridden freeze says by whom and why, and offers no second override.
  freeze.override_ = store::FreezeOverride{1,
                                           "year-end freeze",
                                           freeze.occurrence.start,
                                           freeze.occurrence.end,
                                           "hotfix <now>",
                                           "user:ada",
                                           At(60)};
  const std::string overridden = ui::RenderWindows(Windows({freeze}, core::Role::kAdmin));
  EXPECT_THAT(Values(overridden, "data-override"), IsEmpty());
  EXPECT_THAT(overridden, HasSubstr("Overridden by</span> user:ada"));
  EXPECT_THAT(overridden, HasSubstr("hotfix &lt;now&gt;"));
}

TEST(WindowsPage, LoaderAsksForTheCalendarAndAMarginAndNamesBookedReleases) {
  FakeReleaseStore store;
  core::Release planned = ReferenceRelease();
  core::Release running = ReferenceRelease();
  running.id = 5;
  running.version = "2.13.0";
  running.state = core::ReleaseState::kInProgress;
  store.releases = {planned, running};
  FakeDesk desk;
  release::WindowView w = Occurrence("weekday releases", false, At(28 * kHour), At(31 * kHour));
  w.bookings = {Booking(1, 7, w, store::BookingState::kAccepted),
                Booking(2, 5, w, store::BookingState::kDeclined)};
  desk.windows = {w};
  auto model = window_pages::LoadWindows(store, desk, kNow, core::Role::kReleaseManager);
  ASSERT_TRUE(model) << model.error().ToString();
  ASSERT_TRUE(desk.last_windows_range);
  EXPECT_EQ(core::FormatRfc3339(desk.last_windows_range->first), "2026-03-08T00:00:00.000Z");
  EXPECT_EQ(core::FormatRfc3339(desk.last_windows_range->second), "2026-04-07T00:00:00.000Z");
  EXPECT_EQ(store.last_release_query->state, core::ReleaseState::kPlanned);
  ASSERT_THAT(model->bookable, SizeIs(1));
  EXPECT_EQ(model->bookable[0].version, "2.14.0");
  EXPECT_EQ(model->release_versions.at(5), "2.13.0");  // looked up once
  EXPECT_EQ(store.get_release_calls, 1);
  const std::string html = ui::RenderWindows(*model);
  EXPECT_THAT(html, HasSubstr("<a href=\"/releases/5\">Release 2.13.0</a>"));
  EXPECT_THAT(Values(html, "data-booking-state"), ElementsAre("accepted", "declined"));
}

store::Rollback Rollback(int64_t id, std::string env, store::RollbackStatus status) {
  store::Rollback r;
  r.id = id;
  r.environment = std::move(env);
  r.version = "2.13.0";
  r.deployment_id = 11;
  r.status = status;
  r.started_by = "user:olga";
  r.started_at = At(-600);
  r.action = "http";
  r.action_result = "HTTP 204";
  return r;
}

TEST(RollbacksPage, ListsStatusResultAndRunAndOffersTheFormToDevopsOnly) {
  FakeReleaseStore store;
  store::Rollback done = Rollback(2, "production", store::RollbackStatus::kSucceeded);
  done.run_id = 99;
  done.release_id = 7;
  done.finished_at = At(-60);
  store::Rollback failed = Rollback(1, "staging", store::RollbackStatus::kFailed);
  failed.version = kHostile;
  failed.error = "no pipeline run followed";
  store.rollbacks = {done, failed};
  core::Release released = ReferenceRelease();
  released.state = core::ReleaseState::kReleased;
  core::Release planned = ReferenceRelease();
  planned.id = 8;
  planned.version = "2.15.0";
  store.releases = {planned, released};
  const config::Config cfg = ReleaseConfig();

  auto model = rollback_pages::LoadRollbacks(store, cfg, core::Role::kDevops,
                                             "environment=production&release=7");
  ASSERT_TRUE(model) << model.error().ToString();
  EXPECT_EQ(store.last_rollback_query->environment, "production");
  EXPECT_THAT(model->environments, ElementsAre("production"));  // the one with an action
  ASSERT_THAT(model->releases, SizeIs(1));                      // released, not planned
  EXPECT_EQ(model->releases[0].id, 7);
  std::string html = ui::RenderRollbacks(*model);
  EXPECT_THAT(html, HasSubstr("<option value=\"production\" selected>production</option>"));
  EXPECT_THAT(html, HasSubstr("<option value=\"7\" selected>2.14.0</option>"));
  EXPECT_THAT(html, HasSubstr("data-rollback-form hidden"));
  EXPECT_THAT(html, HasSubstr("<tr data-rollback=\"2\" data-status=\"succeeded\">"));
  EXPECT_THAT(html, HasSubstr("<a href=\"/runs/99\" data-run-link>run #99</a>"));
  EXPECT_THAT(html, HasSubstr("<a class=\"muted\" href=\"/releases/7\">release #7</a>"));
  EXPECT_THAT(html, HasSubstr("<span data-action-result>HTTP 204</span>"));
  EXPECT_THAT(html, HasSubstr("href=\"/rollbacks\" aria-current=\"page\""));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);

  model = rollback_pages::LoadRollbacks(store, cfg, core::Role::kReleaseManager, "");
  ASSERT_TRUE(model);
  html = ui::RenderRollbacks(*model);
  EXPECT_THAT(html, Not(HasSubstr("data-rollback-form")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_THAT(html, HasSubstr("<use href=\"#i-down\"></use></svg>Failed</span><span "
                              "class=\"delivery-note\">no pipeline run followed</span>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"empty\">not yet</span>"));

  model = rollback_pages::LoadRollbacks(store, cfg, core::Role::kAdmin, "status=lost");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->error, "status must be one of started, running, succeeded, failed");
  EXPECT_TRUE(model->rollbacks.empty());
  model = rollback_pages::LoadRollbacks(store, cfg, core::Role::kAdmin, "release=x");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->error, "release must be a release id");
  model = rollback_pages::LoadRollbacks(store, cfg, core::Role::kAdmin, "status=failed");
  ASSERT_TRUE(model);
  EXPECT_EQ(store.last_rollback_query->status, store::RollbackStatus::kFailed);
  ASSERT_THAT(model->rollbacks, SizeIs(1));
}

}  // namespace
}  // namespace opsdeck::http
