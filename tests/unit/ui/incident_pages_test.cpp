// The incident pages, loaded from a fake HealthStore and rendered: open first
// then resolved, filters and paging, roots linked, the timeline in time
// order, dependents named, the actions only for devops and admin, hostile
// text as text, and the CSP rules.
#include "http/ui/incident_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fake_health_store.h"
#include "http/ui/assets.h"
#include "http/ui/incident_pages_route.h"
#include "page_checks.h"

namespace opsdeck::http {
namespace {

using ::testing::ElementsAre;
using testing::FakeHealthStore;
using ::testing::HasSubstr;
using ::testing::Not;
using ui::page_checks::ExpectIconsDefinedAndIdsUnique;
using ui::page_checks::ExpectNoInlineScriptOrStyle;

constexpr char kHostile[] = "<img src=x onerror=alert(1)>";

core::TimePoint At(int seconds) {
  return core::FromUnixMillis(1'795'168'800'000 + int64_t{seconds} * 1000);  // 2026-11-20T10:00Z
}
const core::TimePoint kNow = At(3600);

store::Incident Incident(int64_t id, std::string target, int started, std::optional<int> ended) {
  store::Incident i;
  i.id = id;
  i.target = std::move(target);
  i.environment = "production";
  i.started_at = At(started);
  if (ended) i.ended_at = At(*ended);
  i.cause = "connect: connection refused";
  return i;
}

FakeHealthStore Store() {
  FakeHealthStore store;
  store::TargetRecord db;
  db.def.name = "db";
  db.def.environment = "production";
  store::TargetRecord web;
  web.def.name = kHostile;
  web.def.environment = "staging";
  store.targets = {db, web};
  store::Incident root = Incident(1, "db", 600, std::nullopt);
  root.dependents = {2, 3};
  root.acknowledged_by = "user:dave";
  root.acknowledged_at = At(900);
  root.notes = {{1, "user:erin", At(1200), "Failover <started>\nsecond line"},
                {2, "user:dave", At(700), "looking"}};
  store::Incident linked = Incident(2, kHostile, 610, std::nullopt);
  linked.environment = "staging";
  linked.root_id = 1;
  linked.root_target = "db";
  linked.cause = "<script>alert(2)</script>";
  store::Incident old = Incident(3, "db", 100, 300);
  store.incidents = {old, root, linked};
  return store;
}

ui::IncidentsModel LoadList(FakeHealthStore& store, std::string_view query = "") {
  auto model = incident_pages::LoadIncidents(store, {"staging", "production"}, kNow, query);
  EXPECT_TRUE(model) << model.error().ToString();
  return model ? *model : ui::IncidentsModel{};
}

std::vector<int64_t> Ids(const std::vector<ui::IncidentRow>& rows) {
  std::vector<int64_t> ids;
  for (const ui::IncidentRow& r : rows) ids.push_back(r.id);
  return ids;
}

ui::IncidentModel LoadOne(FakeHealthStore& store, int64_t id, bool can_act) {
  auto model = incident_pages::LoadIncident(store, id, kNow);
  EXPECT_TRUE(model && model->has_value());
  if (!model || !model->has_value()) return {};
  ui::IncidentModel out = **model;
  out.can_act = can_act;
  out.shell.signed_in = true;
  out.shell.user_name = "dave";
  out.shell.csrf_token = "tok";
  return out;
}

TEST(IncidentsPage, ListsOpenIncidentsFirstThenResolvedOnes) {
  FakeHealthStore store = Store();
  const ui::IncidentsModel model = LoadList(store);
  EXPECT_THAT(Ids(model.open), ElementsAre(2, 1));  // newest first
  EXPECT_THAT(Ids(model.resolved), ElementsAre(3));
  ASSERT_TRUE(store.last_incident_query);
  EXPECT_EQ(store.last_incident_query->open, false);
  const std::string html = ui::RenderIncidents(model);
  const std::size_t open = html.find("data-table=\"open-incidents\"");
  const std::size_t resolved = html.find("data-table=\"resolved-incidents\"");
  ASSERT_NE(open, std::string::npos);
  ASSERT_NE(resolved, std::string::npos);
  EXPECT_LT(open, resolved);
  EXPECT_THAT(html, HasSubstr("Open <span class=\"muted\">(2)</span>"));
  // Started, ended, duration, acknowledged by, root linked.
  EXPECT_THAT(html,
              HasSubstr("<time datetime=\"2026-11-20T10:05:00.000Z\" data-format=\"short\">"));
  EXPECT_THAT(html, HasSubstr("<td data-label=\"Duration\" class=\"nowrap\">3 min 20 s</td>"));
  EXPECT_THAT(html, HasSubstr("<td data-label=\"Duration\" class=\"nowrap\">49 min 50 s</td>"));
  EXPECT_THAT(html, HasSubstr("<td data-label=\"Acknowledged\">user:dave</td>"));
  EXPECT_THAT(html, HasSubstr("Caused by <a href=\"/incidents/1\">#1 db</a>"));
  EXPECT_THAT(html, HasSubstr("href=\"/incidents\" aria-current=\"page\""));
}

TEST(IncidentsPage, HostileTextIsEscaped) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderIncidents(LoadList(store));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, HasSubstr("<a href=\"/targets/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\">"
                              "&lt;img src=x onerror=alert(1)&gt;</a>"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(2)&lt;/script&gt;"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(IncidentsPage, FiltersByStateEnvironmentAndTarget) {
  FakeHealthStore store = Store();
  ui::IncidentsModel model = LoadList(store, "state=open");
  EXPECT_TRUE(model.show_open);
  EXPECT_FALSE(model.show_resolved);
  EXPECT_THAT(ui::RenderIncidents(model), Not(HasSubstr("resolved-incidents")));

  model = LoadList(store, "state=resolved");
  EXPECT_FALSE(model.show_open);
  EXPECT_THAT(Ids(model.resolved), ElementsAre(3));

  model = LoadList(store, "environment=staging");
  EXPECT_THAT(Ids(model.open), ElementsAre(2));
  EXPECT_EQ(store.last_incident_query->environment, "staging");
  EXPECT_THAT(model.filters[1].options, ElementsAre("staging", "production"));
  EXPECT_THAT(model.filters[2].options, ElementsAre("db", kHostile));

  model = LoadList(store, "target=db");
  EXPECT_THAT(Ids(model.open), ElementsAre(1));
  EXPECT_EQ(store.last_incident_query->target, "db");

  model = LoadList(store, "state=closed");
  EXPECT_EQ(model.error, "state must be open or resolved");
  EXPECT_TRUE(model.open.empty());
  EXPECT_TRUE(model.resolved.empty());
}

TEST(IncidentsPage, PagesResolvedIncidentsAndShowsOpenOnesOnThePageOneOnly) {
  FakeHealthStore store = Store();
  store.incidents_next = "n1";
  ui::IncidentsModel model = LoadList(store, "environment=production");
  EXPECT_EQ(model.pager.older_href, "/incidents?environment=production&cursor=n1#resolved");
  model = LoadList(store, "cursor=n1");
  EXPECT_FALSE(model.show_open);
  EXPECT_EQ(store.last_incident_query->cursor, "n1");
  EXPECT_EQ(model.pager.newest_href, "/incidents#resolved");
}

TEST(IncidentPage, ShowsCauseTimelineInTimeOrderAndNotesAsText) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderIncident(LoadOne(store, 1, false));
  EXPECT_THAT(html, HasSubstr("<title>Incident #1 · opsdeck</title>"));
  EXPECT_THAT(html, HasSubstr("data-cause>connect: connection refused</p>"));
  std::vector<std::string> kinds;
  for (std::size_t at = html.find("data-event=\""); at != std::string::npos;
       at = html.find("data-event=\"", at + 1)) {
    kinds.push_back(html.substr(at + 12, html.find('"', at + 12) - at - 12));
  }
  EXPECT_THAT(kinds, ElementsAre("opened", "note", "acknowledged", "note"));
  EXPECT_THAT(html, HasSubstr("<strong>Acknowledged by user:dave</strong>"));
  EXPECT_THAT(html,
              HasSubstr("<p class=\"events__text\">Failover &lt;started&gt;\nsecond line</p>"));
  EXPECT_THAT(html, HasSubstr("<span class=\"empty\">still open</span>"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(IncidentPage, NamesDependentsAndLinksTheRoot) {
  FakeHealthStore store = Store();
  std::string html = ui::RenderIncident(LoadOne(store, 1, false));
  EXPECT_THAT(html, HasSubstr("Dependents <span class=\"muted\">(2)</span>"));
  EXPECT_THAT(html, HasSubstr("<li data-dependent=\"2\"><a href=\"/incidents/2\">#2</a> <a "
                              "href=\"/targets/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\">"
                              "&lt;img src=x onerror=alert(1)&gt;</a></li>"));
  // #3 is resolved: its id only.
  EXPECT_THAT(html, HasSubstr("<li data-dependent=\"3\"><a href=\"/incidents/3\">#3</a></li>"));
  html = ui::RenderIncident(LoadOne(store, 2, false));
  EXPECT_THAT(html, HasSubstr("<dd data-root><a href=\"/incidents/1\">#1 db</a></dd>"));
  EXPECT_THAT(html, HasSubstr("No other incident is linked to this one."));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
}

TEST(IncidentPage, ViewersGetNoActions) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderIncident(LoadOne(store, 2, false));
  EXPECT_THAT(html, Not(HasSubstr("data-incident-action")));
  EXPECT_THAT(html, Not(HasSubstr("Acknowledge</button>")));
  EXPECT_THAT(html, Not(HasSubstr("/api/v1/incidents")));
  EXPECT_THAT(html, Not(HasSubstr("data-page-js")));
}

TEST(IncidentPage, DevopsCanAcknowledgeAndAddNotesThroughTheApi) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderIncident(LoadOne(store, 2, true));
  EXPECT_THAT(html, HasSubstr("<form class=\"action-form\" method=\"post\" "
                              "action=\"/api/v1/incidents/2/acknowledge\" "
                              "data-incident-action=\"acknowledge\">"));
  EXPECT_THAT(html,
              HasSubstr("action=\"/api/v1/incidents/2/notes\" data-incident-action=\"note\">"));
  EXPECT_THAT(html, HasSubstr("maxlength=\"10000\" required"));
  // The forms need the script (JSON and the CSRF header): hidden until it runs.
  EXPECT_THAT(html, HasSubstr("data-incident-actions hidden>"));
  EXPECT_THAT(html, HasSubstr("data-page-js=\"" +
                              std::string(ui::StaticUrl("/static/monitoring.js")) + "\""));
  EXPECT_NE(ui::FindStatic("/static/monitoring.js"), nullptr);
  EXPECT_THAT(html, HasSubstr("<meta name=\"csrf-token\" content=\"tok\">"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(IncidentPage, AnAcknowledgedOrResolvedIncidentTakesNotesOnly) {
  FakeHealthStore store = Store();
  std::string html = ui::RenderIncident(LoadOne(store, 1, true));  // acknowledged
  EXPECT_THAT(html, Not(HasSubstr("data-incident-action=\"acknowledge\"")));
  EXPECT_THAT(html, HasSubstr("data-incident-action=\"note\""));
  html = ui::RenderIncident(LoadOne(store, 3, true));  // resolved
  EXPECT_THAT(html, Not(HasSubstr("data-incident-action=\"acknowledge\"")));
  EXPECT_THAT(html, HasSubstr("<strong>Resolved</strong>"));
}

TEST(IncidentPage, UnknownIdIsNoIncident) {
  FakeHealthStore store = Store();
  auto model = incident_pages::LoadIncident(store, 42, kNow);
  ASSERT_TRUE(model);
  EXPECT_FALSE(model->has_value());
}

TEST(CanActOnIncidents, OnlyDevopsAndAdmin) {
  core::Principal who;
  EXPECT_FALSE(incident_pages::CanActOnIncidents(who));  // anonymous
  who.kind = core::Principal::Kind::kUser;
  for (auto [role, can] :
       {std::pair{core::Role::kViewer, false}, std::pair{core::Role::kReleaseManager, false},
        std::pair{core::Role::kDevops, true}, std::pair{core::Role::kAdmin, true}}) {
    who.role = role;
    EXPECT_EQ(incident_pages::CanActOnIncidents(who), can) << core::RoleName(role);
  }
}

}  // namespace
}  // namespace opsdeck::http
