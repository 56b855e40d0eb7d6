// The badge routes over fake stores: each kind's state in words with its
// colour, the environment's live version with its last deploy, a target's
// 24 h uptime, the 404 "unknown" badge that does not repeat the name, the
// SVG content type, caching and ETag revalidation, hostile names escaped,
// and that a badge needs the same read access as the pages.
#include "http/badges.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_run_audit_store.h"
#include "route_harness.h"

namespace opsdeck::http {
namespace {

using testing::Call;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
constexpr auto kGet = beast_http::verb::get;
const core::TimePoint kNow = core::FromUnixMillis(1773153600000);  // 2026-03-10T14:40:00Z

core::Run MakeRun(std::string pipeline, std::string environment, core::RunStatus status,
                  int minutes_ago) {
  core::Run run;
  run.pipeline = std::move(pipeline);
  run.environment = std::move(environment);
  run.status = status;
  run.started_at = kNow - std::chrono::minutes(minutes_ago);
  return run;
}

class BadgesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = std::make_shared<config::Config>();
    cfg->environments = {{"staging", false, 0}, {"production", true, 1}};
    config_ = cfg;
    services_.config = [this] { return config_; };
    services_.store = &store_;
    services_.clock = &clock_;
    AddBadgeRoutes(router_, services_);
    runs_.pipelines = {{"deploy-staging", "staging", true, "", ""},
                       {"deploy-production", "production", true, "", ""},
                       {"ci", "staging", false, "", ""},
                       {"<img src=x onerror=alert(1)>", "production", false, "", ""}};
    runs_.last_runs = {
        MakeRun("deploy-staging", "staging", core::RunStatus::kSucceeded, 30),
        MakeRun("ci", "staging", core::RunStatus::kRunning, 5),
        MakeRun("deploy-production", "production", core::RunStatus::kFailed, 10),
        MakeRun("<img src=x onerror=alert(1)>", "production", core::RunStatus::kSucceeded, 1)};
    store::DeploymentRecord live;
    live.deployment.environment = "production";
    live.deployment.version = "1.4.0";
    runs_.live = {live};
    health_.targets = {testing::ApiTarget()};  // dashboard-api, down
  }

  testing::Answer Get(const std::string& target, core::Role role = core::Role::kViewer,
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Call(router_, kGet, target, "", role, headers);
  }

  std::shared_ptr<const config::Config> config_;
  testing::FakeRunStore runs_;
  testing::FakeHealthStore health_;
  testing::FakeAuditStore audit_;
  testing::BadgeStore store_{runs_, health_, audit_};
  core::ManualClock clock_{kNow};
  Services services_;
  Router router_;
};

TEST_F(BadgesTest, APipelineBadgeNamesTheLastRunsStateInWords) {
  const auto a = Get("/badge/pipeline/deploy-production.svg");
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.response[beast_http::field::content_type], "image/svg+xml");
  EXPECT_THAT(a.body, HasSubstr("<title>deploy-production: failed</title>"));
  EXPECT_THAT(a.body, HasSubstr("aria-label=\"deploy-production: failed\""));
  EXPECT_THAT(a.body, HasSubstr("fill=\"#cf222e\""));  // the failure colour, beside the word
  EXPECT_THAT(a.body, HasSubstr(">failed</text>"));

  const auto running = Get("/badge/pipeline/ci.svg");
  EXPECT_THAT(running.body, HasSubstr("<title>ci: running</title>"));
  EXPECT_THAT(running.body, HasSubstr("fill=\"#2457d6\""));
}

TEST_F(BadgesTest, APipelineWithoutRunsSaysSo) {
  runs_.last_runs.clear();
  const auto a = Get("/badge/pipeline/ci.svg");
  EXPECT_EQ(a.status, 200u);
  EXPECT_THAT(a.body, HasSubstr("<title>ci: no runs</title>"));
}

TEST_F(BadgesTest, AnEnvironmentBadgeShowsTheLiveVersionAndTheLastDeploysState) {
  const auto production = Get("/badge/environment/production.svg");
  EXPECT_EQ(production.status, 200u);
  // 1.4.0 is live; the newer deploy failed: both are on the badge.
  EXPECT_THAT(production.body, HasSubstr("<title>production: 1.4.0 \u00b7 failed</title>"));
  EXPECT_THAT(production.body, HasSubstr("fill=\"#cf222e\""));
  // staging has a successful deploy run but no recorded deployment; the
  // build pipeline's newer run does not count as a deploy.
  const auto staging = Get("/badge/environment/staging.svg");
  EXPECT_THAT(staging.body, HasSubstr("<title>staging: none live \u00b7 succeeded</title>"));
}

TEST_F(BadgesTest, ATargetBadgeShowsItsStateAndOptionallyItsUptime) {
  const auto a = Get("/badge/target/dashboard-api.svg");
  EXPECT_EQ(a.status, 200u);
  EXPECT_THAT(a.body, HasSubstr("<title>dashboard-api: down</title>"));
  EXPECT_TRUE(health_.summary_ranges.empty()) << "no uptime unless asked";

  store::RollupSummary s;
  s.count = 10000;
  s.failures = 5;
  health_.summaries["dashboard-api"] = s;
  const auto with_uptime = Get("/badge/target/dashboard-api.svg?uptime=24h");
  EXPECT_THAT(with_uptime.body, HasSubstr("<title>dashboard-api: down \u00b7 99.95% 24h</title>"));
  ASSERT_EQ(health_.summary_ranges.size(), 1u);
  EXPECT_EQ(health_.summary_ranges[0].first, kNow - 24h);
  EXPECT_EQ(health_.summary_ranges[0].second, kNow);

  health_.summaries.clear();
  EXPECT_THAT(Get("/badge/target/dashboard-api.svg?uptime=24h").body,
              HasSubstr("down \u00b7 no data 24h"));
  EXPECT_EQ(Get("/badge/target/dashboard-api.svg?uptime=7d").status, 400u);
}

TEST_F(BadgesTest, AnUnknownNameIsA404BadgeThatDoesNotRepeatTheName) {
  for (const std::string path :
       {"/badge/pipeline/nope%3Cscript%3E.svg", "/badge/environment/nope%3Cscript%3E.svg",
        "/badge/target/nope%3Cscript%3E.svg"}) {
    const auto a = Get(path);
    EXPECT_EQ(a.status, 404u) << path;
    EXPECT_EQ(a.response[beast_http::field::content_type], "image/svg+xml") << path;
    EXPECT_THAT(a.body, HasSubstr(": unknown</title>")) << path;
    EXPECT_THAT(a.body, Not(HasSubstr("nope"))) << path;
  }
  EXPECT_EQ(Get("/badge/pipeline/ci.png").status, 404u);
  EXPECT_EQ(Get("/badge/pipeline/.svg").status, 404u);
}

TEST_F(BadgesTest, AHostileNameIsEscapedForXml) {
  const auto a = Get("/badge/pipeline/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.svg");
  EXPECT_EQ(a.status, 200u);
  EXPECT_THAT(a.body, Not(HasSubstr("<img")));
  EXPECT_THAT(a.body, HasSubstr("&lt;img src=x onerror=alert(1)&gt;: succeeded"));
}

TEST_F(BadgesTest, BadgesAreCachedBrieflyAndRevalidateWithTheirETag) {
  const auto a = Get("/badge/pipeline/ci.svg");
  EXPECT_EQ(a.response[beast_http::field::cache_control], "max-age=30");
  EXPECT_EQ(a.response["X-Content-Type-Options"], "nosniff");
  EXPECT_THAT(std::string(a.response["Content-Security-Policy"]), HasSubstr("default-src 'none'"));
  const std::string etag(a.response[beast_http::field::etag]);
  ASSERT_FALSE(etag.empty());
  const auto again = Get("/badge/pipeline/ci.svg", core::Role::kViewer, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());
  // A new state is a new ETag.
  runs_.last_runs[1].status = core::RunStatus::kSucceeded;
  EXPECT_EQ(Get("/badge/pipeline/ci.svg", core::Role::kViewer, {{"If-None-Match", etag}}).status,
            200u);
}

TEST_F(BadgesTest, AStoreFailureIsA503BadgeWithoutDetails) {
  runs_.unavailable = true;
  const auto a = Get("/badge/pipeline/ci.svg");
  EXPECT_EQ(a.status, 503u);
  EXPECT_THAT(a.body, HasSubstr("pipeline: unavailable"));
  EXPECT_THAT(a.body, Not(HasSubstr("locked")));
}

TEST_F(BadgesTest, BadgesNeedTheSameReadAccessAsThePages) {
  // Any role may read; the route is not public, so without
  // auth.anonymous_read an anonymous image request is refused by the gate.
  Request req{kGet, "/badge/pipeline/ci.svg", 11};
  RequestContext ctx{req, "r"};
  const RouteMatch match = router_.Match(kGet, "/badge/pipeline/ci.svg", ctx);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->access.kind, Access::Kind::kRoles);
  EXPECT_TRUE(match.route->access.AllowsViewer());
  EXPECT_EQ(match.route->exec, Exec::kDatabase);
}

}  // namespace
}  // namespace opsdeck::http
