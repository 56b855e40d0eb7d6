// One service or server (/targets/{name}), loaded from a fake HealthStore and
// rendered: its definition with safe links, checks with their latest result
// and timing breakdown, uptime and p50/p95/p99 per window from rollups, the
// chart hooks, the result log (failures marked, filter, pager), the open
// incident, and hostile text as text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "fake_health_store.h"
#include "http/ui/assets.h"
#include "http/ui/target_pages.h"
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

core::TimePoint At(int seconds) {
  return core::FromUnixMillis(1'795'168'800'000 + int64_t{seconds} * 1000);  // 2026-11-20T10:00Z
}
const core::TimePoint kNow = At(7200);

core::CheckResult Result(int at, bool ok, core::Micros total, std::string error = {}) {
  core::CheckResult r;
  r.at = At(at);
  r.ok = ok;
  r.timings.total = total;
  r.error = std::move(error);
  return r;
}

FakeHealthStore Store() {
  FakeHealthStore store;
  store::TargetRecord t;
  t.def.name = "web api";
  t.def.kind = "service";
  t.def.environment = "production";
  t.def.component = "frontend";
  t.def.owner = "team-web <web@example.com>";
  t.def.docs = "https://docs.example.com/web?a=1&b=2";
  t.def.runbook = "javascript:alert(1)";
  t.def.tags = {"tier-1", "<script>"};
  t.def.depends_on = {"main db", "<img src=x onerror=alert(1)>"};
  t.def.aws_json =
      R"({"arn":"arn:aws:ecs:eu-west-1:123:service/web","region":"eu-west-1","id":""})";
  t.def.checks = {{0, "http", "GET https://web.example.com/health", 30000},
                  {1, "heartbeat", "push every 5 min", 0}};
  t.status.target = t.def.name;
  t.status.state = core::TargetState::kDown;
  t.status.since = At(600);
  t.status.reason = "status == 200 failed: got 503";
  t.status.incident_id = 9;
  store.targets = {t};

  core::CheckResult latest =
      Result(7190, false, 61'500us, "status == 200 failed: got 503 <b>x</b>");
  latest.http_status = 503;
  latest.certificate_days = 41;
  latest.timings.dns = 1'500us;
  latest.timings.connect = 2'000us;
  latest.timings.tls = 8'000us;
  latest.timings.first_byte = 40'000us;
  store.latest = {{100, {"web api", 0}, latest}, {5, {"other", 0}, Result(1, true, 1ms)}};

  store.summaries[24h]["web api"] = [] {
    store::RollupSummary s;
    s.count = 2880;
    s.failures = 12;
    s.latency.Add(20ms, 2000);
    s.latency.Add(90ms, 800);
    s.latency.Add(900ms, 80);
    return s;
  }();
  store.summaries[7 * 24h]["web api"] = store.summaries[24h]["web api"];

  store.results = {{100, {"web api", 0}, latest},
                   {99, {"web api", 1}, Result(7100, true, 3ms)},
                   {98, {"web api", 0}, Result(7000, false, 5'000'000us, "timeout after 5s")}};
  store::Incident inc;
  inc.id = 9;
  inc.target = "web api";
  inc.started_at = At(600);
  inc.cause = "status == 200 failed: got 503";
  store.incidents = {inc};
  return store;
}

ui::TargetModel Load(FakeHealthStore& store, std::string_view query = "") {
  auto model = target_pages::LoadTarget(store, "web api", kNow, query);
  EXPECT_TRUE(model) << model.error().ToString();
  if (!model || !*model) {
    ADD_FAILURE() << "no target";
    return {};
  }
  return **model;
}

TEST(TargetPage, ShowsTheDefinitionWithSafeLinks) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderTarget(Load(store));
  EXPECT_THAT(html, HasSubstr("<h1 class=\"page-title run-title\"><span>web api</span>"));
  EXPECT_THAT(html, HasSubstr("data-target-state=\"down\"><svg class=\"icon\" aria-hidden=\"true\" "
                              "focusable=\"false\"><use href=\"#i-down\"></use></svg>Down</span>"));
  EXPECT_THAT(html, HasSubstr("team-web &lt;web@example.com&gt;"));
  EXPECT_THAT(html, HasSubstr("<a href=\"https://docs.example.com/web?a=1&amp;b=2\" "
                              "rel=\"noopener noreferrer\">"));
  // Not http(s): shown, never linked.
  EXPECT_THAT(html, Not(HasSubstr("href=\"javascript:")));
  EXPECT_THAT(html,
              HasSubstr("title=\"Not an http(s) URL, so not a link\">javascript:alert(1)</span>"));
  EXPECT_THAT(
      html,
      HasSubstr("<span class=\"tag\">tier-1</span><span class=\"tag\">&lt;script&gt;</span>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"/targets/main%20db\">main db</a>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"/targets/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E\">"
                              "&lt;img src=x onerror=alert(1)&gt;</a>"));
  EXPECT_THAT(
      html,
      HasSubstr("<dt>AWS arn</dt><dd class=\"mono\">arn:aws:ecs:eu-west-1:123:service/web</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>AWS region</dt>"));
  EXPECT_THAT(html, Not(HasSubstr("<dt>AWS id</dt>")));  // empty identifiers are left out
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  ExpectNoInlineScriptOrStyle(html);
  ExpectIconsDefinedAndIdsUnique(html);
}

TEST(TargetPage, ShowsEachCheckWithItsLatestResultAndTimingBreakdown) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderTarget(Load(store));
  const std::size_t at = html.find("<tr data-check=\"0\">");
  ASSERT_NE(at, std::string::npos) << html;
  const std::string row = html.substr(at, html.find("</tr>", at) - at);
  EXPECT_THAT(row, HasSubstr("GET https://web.example.com/health"));
  EXPECT_THAT(row, HasSubstr("every 30 s"));
  EXPECT_THAT(row, HasSubstr("data-outcome=\"failed\""));
  EXPECT_THAT(row, HasSubstr("HTTP 503"));
  EXPECT_THAT(row, HasSubstr("certificate expires in 41 d"));
  EXPECT_THAT(row, HasSubstr("status == 200 failed: got 503 &lt;b&gt;x&lt;/b&gt;"));
  // Phases as bar segments (x and width in percent of the total) and words.
  EXPECT_THAT(row,
              HasSubstr("<rect class=\"phase phase--dns\" x=\"0.00%\" y=\"0\" width=\"2.44%\""));
  EXPECT_THAT(row, HasSubstr("<rect class=\"phase phase--first-byte\" x=\"18.70%\""));
  EXPECT_THAT(row, HasSubstr("DNS 1.50 ms</li>"));
  EXPECT_THAT(row, HasSubstr("Connect 2.00 ms</li>"));
  EXPECT_THAT(row, HasSubstr("TLS 8.00 ms</li>"));
  EXPECT_THAT(row, HasSubstr("First byte 40.0 ms</li>"));
  EXPECT_THAT(row, HasSubstr("Transfer 10.0 ms</li>"));
  EXPECT_THAT(row, HasSubstr("total 61.5 ms"));
  const std::size_t hb = html.find("<tr data-check=\"1\">");
  ASSERT_NE(hb, std::string::npos);
  const std::string heartbeat = html.substr(hb, html.find("</tr>", hb) - hb);
  EXPECT_THAT(heartbeat, HasSubstr("passive"));
  EXPECT_THAT(heartbeat, HasSubstr("no result yet"));
}

TEST(TargetPage, ShowsUptimeAndPercentilesPerWindowFromRollups) {
  FakeHealthStore store = Store();
  const ui::TargetModel model = Load(store);
  EXPECT_THAT(store.summary_windows, ElementsAre(24h, 7 * 24h, 30 * 24h));
  ASSERT_EQ(model.windows.size(), 3u);
  EXPECT_EQ(model.windows[0].count, 2880u);
  ASSERT_TRUE(model.windows[0].p50 && model.windows[0].p95 && model.windows[0].p99);
  // Within the histogram's 2.5%.
  EXPECT_NEAR(model.windows[0].p50->count(), 20'000, 500);
  EXPECT_NEAR(model.windows[0].p95->count(), 90'000, 2'250);
  EXPECT_NEAR(model.windows[0].p99->count(), 900'000, 22'500);
  const std::string html = ui::RenderTarget(model);
  const std::size_t at = html.find("<tr data-window=\"24h\">");
  ASSERT_NE(at, std::string::npos);
  const std::string row = html.substr(at, html.find("</tr>", at) - at);
  EXPECT_THAT(row, HasSubstr("<th scope=\"row\">24 hours</th>"));
  EXPECT_THAT(row, HasSubstr(">99.58%</td>"));
  EXPECT_THAT(row, HasSubstr(">2880</td>"));
  EXPECT_THAT(row, HasSubstr(">12</td>"));
  // 30 days has no rollups: dashes, not zeros.
  const std::size_t month = html.find("<tr data-window=\"30d\">");
  const std::string empty = html.substr(month, html.find("</tr>", month) - month);
  EXPECT_THAT(empty, HasSubstr("<span class=\"empty\">—</span>"));
  EXPECT_THAT(empty, Not(HasSubstr("%")));
}

TEST(TargetPage, ChartsReadTheSeriesApiOfTheChosenRange) {
  FakeHealthStore store = Store();
  ui::TargetModel model = Load(store, "range=7d");
  EXPECT_EQ(model.range, "7d");
  EXPECT_EQ(model.series_url, "/api/v1/targets/web%20api/series");
  std::string html = ui::RenderTarget(model);
  EXPECT_THAT(html,
              HasSubstr("data-series-url=\"/api/v1/targets/web%20api/series\" data-range=\"7d\""));
  EXPECT_THAT(
      html,
      HasSubstr("<a class=\"range-tabs__link is-active\" "
                "href=\"/targets/web%20api?range=7d#history\" aria-current=\"true\">7 days</a>"));
  EXPECT_THAT(html, HasSubstr("href=\"/targets/web%20api?range=30d#history\">30 days</a>"));
  // uPlot and the page script come through app.js, from embedded assets.
  const std::string uplot(ui::StaticUrl("/static/vendor/uplot.min.js"));
  const std::string script(ui::StaticUrl("/static/monitoring.js"));
  const std::string css(ui::StaticUrl("/static/vendor/uplot.min.css"));
  ASSERT_NE(uplot, "/static/vendor/uplot.min.js") << "uPlot is not embedded";
  EXPECT_THAT(html, HasSubstr("data-page-js=\"" + uplot + " " + script + "\" data-page-css=\"" +
                              css + "\""));
  // Anything else falls back to 24 hours.
  EXPECT_EQ(Load(store, "range=1y").range, "24h");
}

TEST(TargetPage, ResultLogMarksFailuresFiltersAndPages) {
  FakeHealthStore store = Store();
  store.results_next = "c2";
  ui::TargetModel model = Load(store);
  ASSERT_TRUE(store.last_result_query);
  EXPECT_EQ(store.last_result_query->target, "web api");
  EXPECT_EQ(store.last_result_query->limit, 50);
  EXPECT_FALSE(store.last_result_query->ok);
  std::string html = ui::RenderTarget(model);
  EXPECT_THAT(
      html, HasSubstr("<tr data-result=\"98\" data-outcome=\"failed\" class=\"result--failed\">"));
  EXPECT_THAT(html, HasSubstr("<tr data-result=\"99\" data-outcome=\"ok\">"));
  EXPECT_THAT(html, HasSubstr("<td data-label=\"Check\" class=\"nowrap\">#2 heartbeat</td>"));
  EXPECT_THAT(html, HasSubstr(">5.00 s</td>"));
  EXPECT_THAT(html, HasSubstr("href=\"/targets/web%20api?cursor=c2#results\" rel=\"next\""));

  model = Load(store, "status=failed&range=7d&cursor=c2");
  EXPECT_EQ(store.last_result_query->ok, false);
  EXPECT_EQ(store.last_result_query->cursor, "c2");
  EXPECT_EQ(model.results.size(), 2u);
  EXPECT_EQ(model.pager.newest_href, "/targets/web%20api?status=failed&range=7d#results");

  model = Load(store, "status=maybe");
  EXPECT_EQ(model.results_error, "status must be ok or failed");
  EXPECT_TRUE(model.results.empty());
  model = Load(store, "cursor=bad");
  EXPECT_EQ(model.results_error, "bad cursor");
}

TEST(TargetPage, LinksItsOpenIncident) {
  FakeHealthStore store = Store();
  const std::string html = ui::RenderTarget(Load(store));
  EXPECT_THAT(html, HasSubstr("data-open-incident=\"9\""));
  EXPECT_THAT(html, HasSubstr("<a href=\"/incidents/9\">Incident #9</a> open since"));
  store.incidents[0].ended_at = At(7000);  // resolved meanwhile: no banner
  EXPECT_THAT(ui::RenderTarget(Load(store)), Not(HasSubstr("data-open-incident")));
}

TEST(TargetPage, AnUnknownNameIsNoTarget) {
  FakeHealthStore store = Store();
  auto model = target_pages::LoadTarget(store, "nope", kNow, "");
  ASSERT_TRUE(model);
  EXPECT_FALSE(model->has_value());
}

}  // namespace
}  // namespace opsdeck::http
