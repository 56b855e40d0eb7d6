// The services & servers pages, loaded from a fake HealthStore and rendered:
// worst first with counts per state, in-memory filters, each state as icon,
// word and colour class, uptime and latency from rollups per window, checks
// with their timing breakdown, the result log with failures marked, safe
// links, hostile names as text, and the CSP rules.
#include "http/ui/target_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fake_health_store.h"
#include "http/ui/assets.h"
#include "http/ui/target_pages_route.h"
#include "page_checks.h"

namespace opsdeck::http {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using testing::FakeHealthStore;
using ::testing::HasSubstr;
using ::testing::Not;
using ui::page_checks::ExpectIconsDefinedAndIdsUnique;
using ui::page_checks::ExpectNoInlineScriptOrStyle;

constexpr char kHostile[] = "<img src=x onerror=alert(1)>";
constexpr char kHostileHref[] = "/targets/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E";

core::TimePoint At(int seconds) {
  // 2026-11-20T10:00:00Z
  return core::FromUnixMillis(1'795'168'800'000 + int64_t{seconds} * 1000);
}
const core::TimePoint kNow = At(3600);

store::TargetRecord Target(std::string name, core::TargetState state,
                           std::string env = "production", std::string component = "backend") {
  store::TargetRecord r;
  r.def.name = std::move(name);
  r.def.kind = "service";
  r.def.environment = std::move(env);
  r.def.component = std::move(component);
  r.status.target = r.def.name;
  r.status.state = state;
  r.status.since = At(60);
  return r;
}

store::RollupSummary Summary(uint64_t count, uint64_t failures, core::Micros latency) {
  store::RollupSummary s;
  s.count = count;
  s.failures = failures;
  s.latency.Add(latency, count);
  return s;
}

FakeHealthStore Catalog() {
  FakeHealthStore store;
  store.targets = {Target("web", core::TargetState::kUp),
                   Target("db", core::TargetState::kDown, "production", "database"),
                   Target(kHostile, core::TargetState::kDegraded, "staging"),
                   Target("worker", core::TargetState::kUnknown, "staging"),
                   Target("api", core::TargetState::kDown)};
  store.targets[1].status.reason = "connect: connection refused <b>";
  store.targets[1].status.incident_id = 7;
  store.targets[2].status.flapping = true;
  store.summaries[24h]["web"] = Summary(1000, 5, 12ms);
  return store;
}

ui::TargetsModel LoadList(FakeHealthStore& store, std::string_view query = "") {
  auto model =
      target_pages::LoadTargets(store, {"development", "staging", "production"}, kNow, query);
  EXPECT_TRUE(model) << model.error().ToString();
  return model ? *model : ui::TargetsModel{};
}

std::vector<std::string> Names(const ui::TargetsModel& model) {
  std::vector<std::string> names;
  for (const ui::TargetRow& row : model.targets) names.push_back(row.name);
  return names;
}

// The <tr data-target="name"> row's HTML.
std::string RowHtml(const std::string& html, const std::string& escaped_name) {
  const std::size_t at = html.find("<tr data-target=\"" + escaped_name + "\"");
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</tr>", at) - at);
}

TEST(TargetsPage, ListsWorstFirstKeepingConfigOrderWithinAState) {
  FakeHealthStore store = Catalog();
  const ui::TargetsModel model = LoadList(store);
  EXPECT_THAT(Names(model), ElementsAre("db", "api", kHostile, "worker", "web"));
  EXPECT_EQ(model.total, 5);
  EXPECT_EQ(store.list_targets_calls, 1);                // one read for rows, counts and options
  EXPECT_THAT(store.summary_windows, ElementsAre(24h));  // one read for every uptime
}

TEST(TargetsPage, ShowsEachStateAsIconWordAndClassWithReasonUptimeAndIncident) {
  FakeHealthStore store = Catalog();
  const std::string html = ui::RenderTargets(LoadList(store));
  const std::string db = RowHtml(html, "db");
  ASSERT_FALSE(db.empty()) << html;
  EXPECT_THAT(db, HasSubstr("data-state=\"down\""));
  EXPECT_THAT(db, HasSubstr("<span class=\"status status--compact status--down\" "
                            "data-target-state=\"down\"><svg class=\"icon\" aria-hidden=\"true\" "
                            "focusable=\"false\"><use href=\"#i-down\"></use></svg>Down</span>"));
  EXPECT_THAT(db, HasSubstr("connect: connection refused &lt;b&gt;"));
  EXPECT_THAT(db, HasSubstr("href=\"/incidents/7\""));
  EXPECT_THAT(db, HasSubstr("<time datetime=\"2026-11-20T10:01:00.000Z\" data-format=\"relative\">"
                            "2026-11-20 10:01:00 UTC</time>"));
  EXPECT_THAT(db, HasSubstr("<td data-label=\"Component\">database</td>"));
  const std::string web = RowHtml(html, "web");
  EXPECT_THAT(web, HasSubstr("#i-up"));
  EXPECT_THAT(web, HasSubstr(">Up</span>"));
  EXPECT_THAT(web, HasSubstr(">99.50%</td>"));
  // Without results in 24 hours there is no uptime, not a 0%.
  EXPECT_THAT(RowHtml(html, "worker"), HasSubstr("title=\"No results in the last 24 hours\">—"));
  EXPECT_THAT(RowHtml(html, "worker"), HasSubstr(">Unknown</span>"));
}

TEST(TargetsPage, CountsEveryStateAndLinksEachToItsFilter) {
  FakeHealthStore store = Catalog();
  const ui::TargetsModel model = LoadList(store, "environment=production");
  ASSERT_EQ(model.counts.size(), 5u);
  EXPECT_EQ(model.counts[0].state, core::TargetState::kDown);
  EXPECT_EQ(model.counts[0].count, 2);
  EXPECT_EQ(model.counts[4].state, core::TargetState::kUp);
  EXPECT_EQ(model.counts[4].count, 1);
  EXPECT_EQ(model.counts[1].count, 0);  // the degraded one is in staging
  EXPECT_EQ(model.counts[0].href, "/targets?environment=production&state=down#list");
  const std::string html = ui::RenderTargets(model);
  EXPECT_THAT(html, HasSubstr("data-count=\"down\"><span class=\"state-count__n\"><svg "
                              "class=\"icon\" aria-hidden=\"true\" focusable=\"false\"><use "
                              "href=\"#i-down\"></use></svg>2</span><span "
                              "class=\"state-count__label\">Down</span>"));
  EXPECT_THAT(html, HasSubstr("3 targets, worst first"));
}

TEST(TargetsPage, FiltersByStateKindComponentAndEnvironmentButCountsTheRest) {
  FakeHealthStore store = Catalog();
  ui::TargetsModel model = LoadList(store, "state=down");
  EXPECT_THAT(Names(model), ElementsAre("db", "api"));
  EXPECT_EQ(model.total, 5);
  EXPECT_EQ(model.counts[4].count, 1);  // up still counted
  EXPECT_TRUE(model.counts[0].selected);
  EXPECT_EQ(model.counts[0].href, "/targets#list");  // the selected count clears the filter
  EXPECT_TRUE(model.filtered);
  EXPECT_THAT(ui::RenderTargets(model),
              HasSubstr("<a class=\"filters__clear\" href=\"/targets\">"));

  EXPECT_THAT(Names(LoadList(store, "component=database")), ElementsAre("db"));
  EXPECT_THAT(Names(LoadList(store, "kind=server")), ::testing::IsEmpty());
  EXPECT_THAT(Names(LoadList(store, "environment=staging&state=degraded")), ElementsAre(kHostile));
}

TEST(TargetsPage, OffersConfigEnvironmentsFirstThenTheCatalogsComponents) {
  FakeHealthStore store = Catalog();
  const ui::TargetsModel model = LoadList(store);
  ASSERT_EQ(model.filters.size(), 4u);
  EXPECT_THAT(model.filters[0].options, ElementsAre("development", "staging", "production"));
  EXPECT_THAT(model.filters[1].options, ElementsAre("backend", "database"));
  EXPECT_THAT(model.filters[2].options,
              ElementsAre("down", "degraded", "unknown", "maintenance", "up"));
  EXPECT_THAT(model.filters[3].options, ElementsAre("service", "server"));
}

TEST(TargetsPage, ABadFilterIsAMessageNotAnErrorPage) {
  FakeHealthStore store = Catalog();
  const ui::TargetsModel model = LoadList(store, "state=sideways");
  EXPECT_EQ(model.error, "state must be one of up, degraded, down, unknown, maintenance");
  EXPECT_TRUE(model.targets.empty());
  const std::string html = ui::RenderTargets(model);
  EXPECT_THAT(html, HasSubstr("role=\"alert\""));
  EXPECT_THAT(html, HasSubstr("<option value=\"sideways\" selected>sideways</option>"));
  EXPECT_EQ(LoadList(store, "kind=vm").error, "kind must be service or server");
}

TEST(TargetsPage, HostileNamesRenderAsTextAndLinkEncoded) {
  FakeHealthStore store = Catalog();
  const std::string html = ui::RenderTargets(LoadList(store));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr(std::string("<a href=\"") + kHostileHref +
                              "\">&lt;img src=x onerror=alert(1)&gt;</a>"));
  EXPECT_THAT(html, HasSubstr("badge--flapping"));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(TargetsPage, NavigationMarksServicesAndServersCurrent) {
  FakeHealthStore store = Catalog();
  const std::string html = ui::RenderTargets(LoadList(store));
  EXPECT_THAT(html, HasSubstr("href=\"/targets\" aria-current=\"page\""));
  EXPECT_THAT(html, HasSubstr("href=\"/incidents\""));
  EXPECT_THAT(html, HasSubstr("<title>Services &amp; servers · opsdeck</title>"));
}

TEST(TargetsPage, EmptyCatalogExplainsWhereTargetsComeFrom) {
  FakeHealthStore store;
  const std::string html = ui::RenderTargets(LoadList(store));
  EXPECT_THAT(html, HasSubstr("No services or servers yet"));
  EXPECT_THAT(html, HasSubstr("0 targets"));
}

TEST(TargetsPage, AStoreFailureIsAnError) {
  FakeHealthStore store = Catalog();
  store.fail = core::Error::Unavailable("database is locked");
  auto model = target_pages::LoadTargets(store, {}, kNow, "");
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().code, core::ErrorCode::kUnavailable);
}

TEST(TargetHref, EncodesTheNameAsOnePathSegment) {
  EXPECT_EQ(target_pages::TargetHref("web api/v2?x#y"), "/targets/web%20api%2Fv2%3Fx%23y");
  EXPECT_EQ(target_pages::TargetHref(kHostile), kHostileHref);
}

TEST(MonitoringFormat, UptimeNeverRoundsUpToAPerfectScore) {
  EXPECT_EQ(ui::internal::FormatUptime(1.0), "100%");
  EXPECT_EQ(ui::internal::FormatUptime(0.99999), "99.99%");
  EXPECT_EQ(ui::internal::FormatUptime(0.995), "99.50%");
  EXPECT_EQ(ui::internal::FormatUptime(0.0), "0.00%");
  EXPECT_EQ(ui::internal::FormatUptime(2.0), "100%");
}

TEST(MonitoringFormat, LatencyKeepsThreeSignificantDigits) {
  EXPECT_EQ(ui::internal::FormatLatency(core::Micros(840)), "0.84 ms");
  EXPECT_EQ(ui::internal::FormatLatency(core::Micros(12'400)), "12.4 ms");
  EXPECT_EQ(ui::internal::FormatLatency(core::Micros(245'000)), "245 ms");
  EXPECT_EQ(ui::internal::FormatLatency(core::Micros(2'500'000)), "2.50 s");
  EXPECT_EQ(ui::internal::FormatLatency(core::Micros(-5)), "0.00 ms");
}

}  // namespace
}  // namespace opsdeck::http
