// The monitoring API handlers (targets, results, series, incidents,
// maintenance, /metrics) against a fake HealthStore: what they ask the store,
// what they answer, who may see heartbeat push URLs, and that bad input is a
// 400 naming the field with nothing changed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_health_store.h"
#include "http/api/api_routes.h"
#include "http/routes.h"
#include "route_harness.h"

namespace opsdeck::http {
namespace {

namespace json = boost::json;
using testing::Call;
using namespace std::chrono_literals;
constexpr auto kGet = beast_http::verb::get;
constexpr auto kPost = beast_http::verb::post;
constexpr auto kDelete = beast_http::verb::delete_;
const core::TimePoint kNow = core::FromUnixMillis(1773153600000);  // 2026-03-10T14:40:00Z

class MonitorApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MonitorConfig();
    services_.config = [this] { return config_; };
    services_.store = &store_;
    services_.clock = &clock_;
    services_.events = &bus_;
    services_.notify_wake = [this] { ++wakes_; };
    services_.announce_ack = [this](const store::Incident& i, const core::Actor& actor) {
      ack_actor_ = actor.ToString();
      store::OutboxEntry e;
      e.kind = "incident.acknowledged";
      e.subject = i.subject;
      return std::vector<store::OutboxEntry>{e};
    };
    AddTargetRoutes(router_, services_);
    AddIncidentRoutes(router_, services_);
    AddMaintenanceRoutes(router_, services_);
    health_.targets = {testing::ApiTarget()};
    sub_ = bus_.Subscribe([] {});
  }

  std::shared_ptr<const config::Config> config_;
  testing::FakeHealthStore health_;
  testing::HealthOnlyStore store_{health_};
  core::ManualClock clock_{kNow};
  net::EventBus bus_;
  std::unique_ptr<net::EventBus::Subscription> sub_;
  Services services_;
  Router router_;
  int wakes_ = 0;
  std::string ack_actor_;
};

store::RollupSummary Summary(uint64_t count, uint64_t failures) {
  store::RollupSummary s;
  s.count = count;
  s.failures = failures;
  for (uint64_t i = 0; i < count; ++i) s.latency.Add(core::Micros(1000 * (i + 1)));
  return s;
}

TEST_F(MonitorApiTest, ListTargetsPassesFiltersAndAddsDayUptime) {
  health_.summaries["dashboard-api"] = Summary(4, 1);
  const auto a = Call(router_, kGet, "/api/v1/targets?environment=production&state=down&kind=service&tag=public");
  ASSERT_EQ(a.status, 200u) << a.body;
  ASSERT_TRUE(health_.last_target_query);
  EXPECT_EQ(health_.last_target_query->environment, "production");
  EXPECT_EQ(health_.last_target_query->state, core::TargetState::kDown);
  EXPECT_EQ(health_.last_target_query->kind, "service");
  EXPECT_EQ(health_.last_target_query->tag, "public");
  ASSERT_EQ(health_.summary_ranges.size(), 1u);
  EXPECT_EQ(health_.summary_ranges[0].first, kNow - 24h);
  EXPECT_EQ(health_.summary_ranges[0].second, kNow);
  const json::value listed = a.Json();
  const auto& item = listed.at("items").at(0).as_object();
  EXPECT_EQ(item.at("name"), "dashboard-api");
  EXPECT_EQ(item.at("state"), "down");
  EXPECT_EQ(item.at("incident_id"), 7);
  EXPECT_EQ(item.at("reason"), "status == 200 failed: got 503");
  EXPECT_DOUBLE_EQ(item.at("uptime_24h").as_double(), 0.75);
  EXPECT_EQ(item.at("checks").as_array().size(), 3u);
  EXPECT_EQ(item.at("checks").at(0).at("interval_ms"), 10000);
  EXPECT_TRUE(item.at("checks").at(1).at("interval_ms").is_null());
  EXPECT_TRUE(a.Json().at("next").is_null());
}

TEST_F(MonitorApiTest, ListTargetsRefusesUnknownFilterValues) {
  auto a = Call(router_, kGet, "/api/v1/targets?state=sideways");
  EXPECT_EQ(a.status, 400u);
  EXPECT_NE(a.body.find("state"), std::string::npos);
  a = Call(router_, kGet, "/api/v1/targets?kind=database");
  EXPECT_EQ(a.status, 400u);
  EXPECT_FALSE(health_.last_target_query) << "the store was asked despite bad input";
}

TEST_F(MonitorApiTest, TargetDetailHasWindowsLatestResultsAndNoPushUrlForViewers) {
  health_.summaries["dashboard-api"] = Summary(10, 0);
  store::ResultRow row;
  row.id = 99;
  row.key = {"dashboard-api", 0};
  row.result.at = kNow - 10s;
  row.result.ok = false;
  row.result.error = "status == 200 failed: got 503";
  row.result.http_status = 503;
  row.result.timings.connect = core::Micros(1500);
  row.result.timings.total = core::Micros(20250);
  health_.latest = {row};
  const auto a = Call(router_, kGet, "/api/v1/targets/dashboard-api", "", core::Role::kViewer);
  ASSERT_EQ(a.status, 200u) << a.body;
  const json::value parsed = a.Json();
  const auto& body = parsed.as_object();
  ASSERT_EQ(health_.summary_ranges.size(), 3u);
  EXPECT_EQ(health_.summary_ranges[1].first, kNow - 7 * 24h);
  EXPECT_EQ(health_.summary_ranges[2].first, kNow - 30 * 24h);
  EXPECT_EQ(body.at("windows").at("7d").at("count"), 10);
  EXPECT_EQ(body.at("windows").at("30d").at("uptime"), 1.0);
  EXPECT_GT(body.at("windows").at("24h").at("p99_ms").as_double(), 9.0);
  const auto& checks = body.at("checks").as_array();
  EXPECT_EQ(checks.at(0).at("latest").at("http_status"), 503);
  EXPECT_EQ(checks.at(0).at("latest").at("timings").at("total_ms"), 20.25);
  EXPECT_TRUE(checks.at(0).at("latest").at("timings").at("dns_ms").is_null());
  EXPECT_TRUE(checks.at(1).at("latest").is_null());
  EXPECT_TRUE(checks.at(1).at("push_url").is_null()) << "a viewer must not see the secret URL";
  EXPECT_TRUE(health_.tokens.empty()) << "no token is made for a viewer";
  EXPECT_FALSE(checks.at(0).as_object().contains("push_url"));
}

TEST_F(MonitorApiTest, DevopsSeesAStablePushUrl) {
  const auto a = Call(router_, kGet, "/api/v1/targets/dashboard-api", "", core::Role::kDevops);
  ASSERT_EQ(a.status, 200u) << a.body;
  const std::string url(a.Json().at("checks").at(1).at("push_url").as_string());
  ASSERT_EQ(health_.tokens.size(), 1u);
  const std::string token = health_.tokens.begin()->second;
  EXPECT_EQ(health_.tokens.begin()->first, (core::CheckKey{"dashboard-api", 1}));
  EXPECT_GE(token.size(), 40u);
  EXPECT_EQ(url, "https://ops.example.com/hooks/heartbeat/" + token);
  const auto again = Call(router_, kGet, "/api/v1/targets/dashboard-api", "", core::Role::kAdmin);
  EXPECT_EQ(again.Json().at("checks").at(1).at("push_url").as_string(), url);
}

TEST_F(MonitorApiTest, UnknownTargetIs404Everywhere) {
  for (const char* path : {"/api/v1/targets/nope", "/api/v1/targets/nope/results",
                           "/api/v1/targets/nope/series"}) {
    EXPECT_EQ(Call(router_, kGet, path).status, 404u) << path;
  }
}

TEST_F(MonitorApiTest, ResultsTranslateFiltersAndPage) {
  health_.results_page.next = "cursor-2";
  store::ResultRow row;
  row.id = 5;
  row.key = {"dashboard-api", 0};
  row.result.ok = true;
  health_.results_page.items = {row};
  const auto a = Call(router_, kGet,
                      "/api/v1/targets/dashboard-api/results?check=0&status=failed&from=2026-03-10T00:00:00Z&limit=20&cursor=c1");
  ASSERT_EQ(a.status, 200u) << a.body;
  const auto& q = *health_.last_result_query;
  EXPECT_EQ(q.target, "dashboard-api");
  EXPECT_EQ(q.check, 0);
  EXPECT_EQ(q.ok, false);
  EXPECT_EQ(q.from, core::FromUnixMillis(1773100800000));
  EXPECT_FALSE(q.to);
  EXPECT_EQ(q.limit, 20);
  EXPECT_EQ(q.cursor, "c1");
  EXPECT_EQ(a.Json().at("next"), "cursor-2");
  EXPECT_EQ(a.Json().at("items").at(0).at("id"), 5);
  for (const char* bad : {"check=x", "status=maybe", "from=yesterday", "limit=0"}) {
    const auto r = Call(router_, kGet, std::string("/api/v1/targets/dashboard-api/results?") + bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_NE(r.body.find(std::string(bad).substr(0, std::string(bad).find('='))), std::string::npos)
        << bad << ": " << r.body;
  }
}

TEST_F(MonitorApiTest, SeriesResolutionFollowsTheRange) {
  store::RollupPoint p;
  p.at = kNow - 1h;
  p.summary = Summary(2, 1);
  health_.series = {p};
  auto a = Call(router_, kGet, "/api/v1/targets/dashboard-api/series");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(std::get<2>(*health_.last_series), store::Resolution::kMinute);
  EXPECT_EQ(std::get<0>(*health_.last_series), kNow - 24h);
  EXPECT_EQ(a.Json().at("points").at(0).at("failures"), 1);
  EXPECT_EQ(a.Json().at("points").at(0).at("uptime"), 0.5);
  EXPECT_EQ(a.Json().at("points").at(0).at("at").as_string(), core::FormatRfc3339(kNow - 1h));
  a = Call(router_, kGet, "/api/v1/targets/dashboard-api/series?range=30d");
  EXPECT_EQ(std::get<2>(*health_.last_series), store::Resolution::kHour);
  EXPECT_EQ(std::get<0>(*health_.last_series), kNow - 30 * 24h);
  EXPECT_EQ(a.Json().at("resolution"), "hour");
  a = Call(router_, kGet, "/api/v1/targets/dashboard-api/series?range=1y");
  EXPECT_EQ(a.status, 400u);
}

store::Incident OpenIncident(int64_t id) {
  store::Incident i;
  i.id = id;
  i.target = "dashboard-api";
  i.environment = "production";
  i.started_at = kNow - 5min;
  i.cause = "status == 200 failed: got 503";
  i.subject = "incident:" + std::to_string(id);
  return i;
}

TEST_F(MonitorApiTest, IncidentsListAndDetail) {
  store::Incident linked = OpenIncident(8);
  linked.root_id = 7;
  linked.root_target = "dashboard-db";
  store::Incident root = OpenIncident(7);
  root.dependents = {8};
  root.notes = {{1, "user:alice", kNow, "looking"}};
  health_.incidents = {root, linked};
  auto a = Call(router_, kGet, "/api/v1/incidents?state=open&environment=production&limit=10");
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(health_.last_incident_query->open, true);
  EXPECT_EQ(health_.last_incident_query->limit, 10);
  EXPECT_EQ(a.Json().at("items").at(1).at("root_target"), "dashboard-db");
  EXPECT_EQ(a.Json().at("items").at(0).at("state"), "open");
  EXPECT_FALSE(a.Json().at("items").at(0).as_object().contains("notes"));
  a = Call(router_, kGet, "/api/v1/incidents/7");
  ASSERT_EQ(a.status, 200u);
  EXPECT_EQ(a.Json().at("notes").at(0).at("text"), "looking");
  EXPECT_EQ(a.Json().at("dependents").at(0), 8);
  EXPECT_EQ(Call(router_, kGet, "/api/v1/incidents/70").status, 404u);
  EXPECT_EQ(Call(router_, kGet, "/api/v1/incidents/x7").status, 404u);
  EXPECT_EQ(Call(router_, kGet, "/api/v1/incidents?state=closed").status, 400u);
}

TEST_F(MonitorApiTest, AcknowledgeAnnouncesWakesAndPublishes) {
  health_.incidents = {OpenIncident(7)};
  EXPECT_EQ(Call(router_, kPost, "/api/v1/incidents/7/acknowledge", "{}", core::Role::kViewer).status,
            403u);
  const auto a = Call(router_, kPost, "/api/v1/incidents/7/acknowledge", "{}", core::Role::kDevops);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.Json().at("acknowledged_by"), "token:t-devops");
  EXPECT_EQ(ack_actor_, "token:t-devops");
  ASSERT_EQ(health_.announced.size(), 1u);
  EXPECT_EQ(health_.announced[0].subject, "incident:7");
  EXPECT_EQ(wakes_, 1);
  const auto events = sub_->Take();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "incident.updated");
  EXPECT_NE(events[0].data.find("\"change\":\"acknowledged\""), std::string::npos);
  // Twice is a conflict, and announces nothing more.
  EXPECT_EQ(Call(router_, kPost, "/api/v1/incidents/7/acknowledge", "", core::Role::kAdmin).status,
            409u);
  EXPECT_EQ(health_.announced.size(), 1u);
  EXPECT_EQ(Call(router_, kPost, "/api/v1/incidents/9/acknowledge", "", core::Role::kAdmin).status,
            404u);
}

TEST_F(MonitorApiTest, NotesNeedText) {
  health_.incidents = {OpenIncident(7)};
  for (const char* bad : {"{}", "{\"text\": \"  \"}", "{\"text\": 3}", "{\"text\": \"x\", \"y\": 1}",
                          "not json"}) {
    const auto a = Call(router_, kPost, "/api/v1/incidents/7/notes", bad, core::Role::kDevops);
    EXPECT_EQ(a.status, 400u) << bad;
  }
  EXPECT_TRUE(health_.audit.empty());
  const auto a = Call(router_, kPost, "/api/v1/incidents/7/notes", "{\"text\": \"restarted the pool\"}",
                      core::Role::kDevops);
  ASSERT_EQ(a.status, 201u) << a.body;
  EXPECT_EQ(a.Json().at("author"), "token:t-devops");
  EXPECT_EQ(health_.incidents[0].notes.at(0).text, "restarted the pool");
}

TEST_F(MonitorApiTest, MaintenanceCreateValidatesEverythingFirst) {
  const struct {
    const char* body;
    const char* pointer;
  } bad[] = {
      {R"({"environments": ["production"], "ends_at": "2026-03-10T16:00:00Z"})", "/name"},
      {R"({"name": "db", "environments": ["prod"], "ends_at": "2026-03-10T16:00:00Z"})", "/environments/0"},
      {R"({"name": "db", "targets": ["nope"], "ends_at": "2026-03-10T16:00:00Z"})", "/targets/0"},
      {R"({"name": "db", "ends_at": "2026-03-10T16:00:00Z"})", "/environments"},
      {R"({"name": "db", "tags": "db", "ends_at": "2026-03-10T16:00:00Z"})", "/tags"},
      {R"({"name": "db", "tags": ["db"]})", "/ends_at"},
      {R"({"name": "db", "tags": ["db"], "starts_at": "2026-03-10T17:00:00Z", "ends_at": "2026-03-10T16:00:00Z"})", "/ends_at"},
      {R"({"name": "db", "tags": ["db"], "ends_at": "2026-03-10T14:00:00Z"})", "/ends_at"},
      {R"({"name": "db", "tags": ["db"], "ends_at": "tomorrow"})", "/ends_at"},
      {R"({"name": "db", "tags": ["db"], "ends_at": "2026-03-10T16:00:00Z", "why": "x"})", "/why"},
  };
  for (const auto& c : bad) {
    const auto a = Call(router_, kPost, "/api/v1/maintenance", c.body, core::Role::kDevops);
    EXPECT_EQ(a.status, 400u) << c.body;
    EXPECT_NE(a.body.find(c.pointer), std::string::npos) << c.body << " -> " << a.body;
  }
  EXPECT_TRUE(health_.windows.empty());
  EXPECT_EQ(Call(router_, kPost, "/api/v1/maintenance", "{}", core::Role::kReleaseManager).status, 403u);
}

TEST_F(MonitorApiTest, MaintenanceLifecycle) {
  services_.maintenance_occurrence = [](const config::MaintenanceConfig& m, core::TimePoint now) {
    EXPECT_EQ(m.name, "staging patching");
    return std::optional<MaintenanceOccurrence>({now + 1h, now + 3h});
  };
  auto a = Call(router_, kPost, "/api/v1/maintenance",
                R"({"name": "db upgrade", "targets": ["dashboard-db"], "environments": ["production"], "ends_at": "2026-03-10T16:00:00Z"})",
                core::Role::kDevops);
  ASSERT_EQ(a.status, 201u) << a.body;
  ASSERT_EQ(health_.windows.size(), 1u);
  EXPECT_EQ(health_.windows[0].starts_at, kNow) << "starts_at defaults to now";
  EXPECT_EQ(health_.windows[0].targets, std::vector<std::string>{"dashboard-db"});
  EXPECT_EQ(health_.windows[0].created_by, "token:t-devops");
  EXPECT_EQ(a.Json().at("active"), true);
  a = Call(router_, kGet, "/api/v1/maintenance");
  ASSERT_EQ(a.status, 200u);
  const json::value listed = a.Json();
  EXPECT_EQ(listed.at("items").as_array().size(), 1u);
  const auto& rec = listed.at("recurring").at(0);
  EXPECT_EQ(rec.at("schedule"), "0 2 * * SUN");
  EXPECT_EQ(rec.at("starts_at").as_string(), core::FormatRfc3339(kNow + 1h));
  EXPECT_EQ(rec.at("active"), false);
  a = Call(router_, kDelete, "/api/v1/maintenance/1", "", core::Role::kAdmin);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(health_.windows[0].ends_at, kNow);
  EXPECT_EQ(Call(router_, kDelete, "/api/v1/maintenance/1", "", core::Role::kAdmin).status, 404u);
  EXPECT_EQ(Call(router_, kGet, "/api/v1/maintenance").Json().at("items").as_array().size(), 0u);
  const auto events = sub_->Take();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "maintenance.updated");
}

TEST_F(MonitorApiTest, RecurringWindowsWithoutAScheduleFunctionHaveNullTimes) {
  const auto a = Call(router_, kGet, "/api/v1/maintenance");
  ASSERT_EQ(a.status, 200u);
  EXPECT_TRUE(a.Json().at("recurring").at(0).at("starts_at").is_null());
}

TEST_F(MonitorApiTest, StoreOutageIs503) {
  health_.unavailable = true;
  EXPECT_EQ(Call(router_, kGet, "/api/v1/targets").status, 503u);
  EXPECT_EQ(Call(router_, kGet, "/api/v1/targets/dashboard-api").status, 503u);
}

TEST(MonitorMetricsTest, MetricsAppendTheMonitorsFigures) {
  Services services;
  HttpMetrics metrics({"/metrics"}, BuildInfo{});
  services.metrics = &metrics;
  Router router;
  AddHealthRoutes(router, services);
  auto a = Call(router, kGet, "/metrics");
  EXPECT_EQ(a.body.find("opsdeck_target_up"), std::string::npos);
  services.write_monitor_metrics = [](std::string& out) {
    out += "# TYPE opsdeck_target_up gauge\nopsdeck_target_up{target=\"dashboard-api\"} 0\n";
  };
  a = Call(router, kGet, "/metrics");
  ASSERT_EQ(a.status, 200u);
  EXPECT_NE(a.body.find("opsdeck_http_connections_active"), std::string::npos);
  EXPECT_NE(a.body.find("opsdeck_target_up{target=\"dashboard-api\"} 0\n"), std::string::npos);
}

}  // namespace
}  // namespace opsdeck::http
