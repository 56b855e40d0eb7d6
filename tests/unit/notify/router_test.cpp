// Routes choose channels by kind (with wildcards), environment, pipeline,
// target and minimum severity; the intake plan turns run changes into
// routed outbox entries.
#include "notify/router.h"

#include <gtest/gtest.h>

#include "notify/notice_json.h"

namespace opsdeck::notify {
namespace {

config::RouteConfig Route(std::vector<std::string> events, std::string channel) {
  config::RouteConfig r;
  r.events = std::move(events);
  r.channel = std::move(channel);
  return r;
}

config::Config ReferenceLike() {
  config::Config c;
  c.server.public_url = "https://ops.example.com/";
  c.environments = {{"development", false, 0}, {"staging", false, 1}, {"production", true, 2}};
  auto& routes = c.notifications.routes;
  routes.push_back(Route({"pipeline.*", "deployment.*"}, "pipeline-notifications"));
  auto incidents = Route({"incident.*"}, "devops");
  incidents.environments = {"staging", "production"};
  routes.push_back(incidents);
  auto critical = Route({"*"}, "pager");
  critical.severity = config::Severity::kCritical;
  routes.push_back(critical);
  routes.push_back(Route({"*"}, "audit-sink"));
  routes.push_back(Route({"pipeline.failed"}, "audit-sink"));  // a second match: still once
  return c;
}

core::Notice NoticeOf(std::string kind, std::string env,
                      core::NoticeSeverity sev = core::NoticeSeverity::kInfo) {
  core::Notice n;
  n.kind = std::move(kind);
  n.subject = "x:1";
  n.environment = std::move(env);
  n.severity = sev;
  return n;
}

TEST(EventPatternTest, Wildcards) {
  EXPECT_TRUE(EventPatternMatches("*", "pipeline.failed"));
  EXPECT_TRUE(EventPatternMatches("pipeline.*", "pipeline.failed"));
  EXPECT_FALSE(EventPatternMatches("pipeline.*", "pipelines.failed"));
  EXPECT_FALSE(EventPatternMatches("pipeline.*", "pipeline."));
  EXPECT_TRUE(EventPatternMatches("pipeline.failed", "pipeline.failed"));
  EXPECT_FALSE(EventPatternMatches("pipeline.failed", "pipeline.succeeded"));
}

TEST(RouterTest, EveryMatchingRouteOnceInConfigOrder) {
  Router r(ReferenceLike());
  EXPECT_EQ(r.ChannelsFor(NoticeOf("pipeline.failed", "staging")),
            (std::vector<std::string>{"pipeline-notifications", "audit-sink"}));
  EXPECT_EQ(r.ChannelsFor(NoticeOf("incident.opened", "development")),
            (std::vector<std::string>{"audit-sink"}));  // environment filter
  EXPECT_EQ(
      r.ChannelsFor(NoticeOf("incident.opened", "production", core::NoticeSeverity::kCritical)),
      (std::vector<std::string>{"devops", "pager", "audit-sink"}));  // minimum severity
  EXPECT_TRUE(r.Wants("pipeline."));
  EXPECT_EQ(r.context().public_url, "https://ops.example.com");
  EXPECT_EQ(r.context().protected_environments, (std::vector<std::string>{"production"}));
}

TEST(RouterTest, NoRouteNoWant) {
  config::Config c;
  c.notifications.routes.push_back(Route({"incident.*"}, "devops"));
  Router r(c);
  EXPECT_FALSE(r.Wants("pipeline."));
  EXPECT_TRUE(r.Wants("incident."));
}

TEST(RouterTest, IntakePlanRoutesChangedRunsAndNewDeploymentsOnce) {
  Router r(ReferenceLike());
  core::Run run;
  run.id = 5;
  run.pipeline = "app-production";
  run.environment = "production";
  run.external_run_id = "77";
  run.status = core::RunStatus::kSucceeded;
  core::Run before = run;
  before.status = core::RunStatus::kRunning;
  store::IntakeResult result;
  result.changed = {run};
  result.previous = {before};
  core::Deployment dep{"production", "app-production", "77", 1, "1.0", "abc", "", {}};
  result.deployments = {dep};
  auto entries = r.PlanIntake(result);
  // pipeline.succeeded and deployment.recorded, each to two channels.
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].kind, "pipeline.succeeded");
  EXPECT_EQ(entries[0].channel, "pipeline-notifications");
  EXPECT_EQ(entries[0].subject, "run:5");
  EXPECT_EQ(entries[0].environment, "production");
  auto notice = NoticeFromJson(entries[0].payload_json);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->opsdeck_url, "https://ops.example.com/runs/5");
  EXPECT_EQ(entries[2].kind, "deployment.recorded");

  // The same succeeded run again (a field added): no notice, no deployment news.
  store::IntakeResult again;
  again.changed = {run};
  again.previous = {run};
  again.deployments = {dep};
  EXPECT_TRUE(r.PlanIntake(again).empty());
}

}  // namespace
}  // namespace opsdeck::notify
