// What incident announcements say: titles, states, severities, affected
// lists (capped), links, and the acknowledgement notice.
#include "core/incident_notices.h"

#include <gtest/gtest.h>

namespace opsdeck::core {
namespace {

TimePoint At(int64_t s) { return FromUnixMillis(1'790'000'000'000 + s * 1000); }

const IncidentNoticeContext kCtx{{"production"}};

const NoticeField* Field(const Notice& n, std::string_view prefix) {
  for (const auto& f : n.fields) {
    if (f.name.starts_with(prefix)) return &f;
  }
  return nullptr;
}

IncidentGroup Group(std::string env = "production") {
  IncidentGroup g;
  g.environment = env;
  g.started_at = At(0);
  g.subject = GroupSubject(env, At(0));
  return g;
}

TEST(IncidentNoticesTest, SubjectNamesEnvironmentAndStart) {
  EXPECT_EQ(GroupSubject("production", FromUnixMillis(1790000000123)),
            "incidents:production:1790000000123");
}

TEST(IncidentNoticesTest, DegradedOnlyIsAWarningAndMixedSaysSo) {
  IncidentGroup g = Group();
  g.members.push_back({"api", "production", TargetState::kDegraded, "timeout after 5s"});
  g.members.push_back({"web", "production", TargetState::kDegraded, "status == 200 failed: got 502"});
  Notice n = GroupNotice(g, "incident.opened", At(5), kCtx);
  EXPECT_EQ(n.title, "2 targets degraded in production");
  EXPECT_EQ(n.state, NoticeState::kWarning);
  EXPECT_EQ(n.severity, NoticeSeverity::kWarning);
  EXPECT_FALSE(n.mention);
  EXPECT_EQ(n.description, "api: timeout after 5s\nweb: status == 200 failed: got 502");
  EXPECT_EQ(Field(n, "Degraded")->value, "api, web");
  g.members[1].state = TargetState::kDown;
  n = GroupNotice(g, "incident.updated", At(6), kCtx);
  EXPECT_EQ(n.title, "2 targets down or degraded in production");
  EXPECT_EQ(n.state, NoticeState::kCritical);
  EXPECT_EQ(n.severity, NoticeSeverity::kCritical);
  EXPECT_TRUE(n.mention);
  EXPECT_EQ(n.occurred_at, At(6));
}

TEST(IncidentNoticesTest, LongAffectedListsAreCut) {
  IncidentGroup g = Group();
  g.members.push_back({"dashboard-db", "production", TargetState::kDown, "connect: connection refused"});
  for (int i = 1; i <= 60; ++i) {
    g.members.push_back({"svc-" + std::to_string(i), "production", TargetState::kDown, "", "dashboard-db"});
  }
  const Notice n = GroupNotice(g, "incident.opened", At(1), kCtx);
  EXPECT_EQ(n.title, "dashboard-db down");
  const NoticeField* f = Field(n, "Affected through dashboard-db");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name, "Affected through dashboard-db (60)");
  EXPECT_TRUE(f->value.ends_with("svc-50 and 10 more")) << f->value;
}

TEST(IncidentNoticesTest, ResolvedSaysHowLongAndEncodesLinks) {
  IncidentGroup g = Group("prod eu");
  g.members.push_back({"a&b", "prod eu", TargetState::kUp, "x", "", false});
  const Notice n = GroupNotice(g, "incident.resolved", At(125), kCtx);
  EXPECT_EQ(n.title, "a&b recovered");
  EXPECT_EQ(n.state, NoticeState::kResolved);
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(Field(n, "Duration")->value, "2m 5s");
  EXPECT_EQ(n.opsdeck_url, "/incidents?target=a%26b");
}

TEST(IncidentNoticesTest, FlappingNoticeKeepsTheSubject) {
  IncidentGroup g = Group();
  g.members.push_back({"api", "production", TargetState::kDown, "timeout after 5s", "", true, true});
  const Notice n = FlappingNotice(g, g.members[0], std::chrono::minutes(10), 5, At(3), kCtx);
  EXPECT_EQ(n.kind, "incident.flapping");
  EXPECT_EQ(n.subject, g.subject);
  EXPECT_EQ(n.severity, NoticeSeverity::kWarning);
  EXPECT_FALSE(n.mention);
  EXPECT_EQ(n.title, "api is flapping");
  EXPECT_EQ(n.description,
            "api changed state 5 times within 10m 0s; its incident stays open until it is stable "
            "for 10m 0s.");
}

TEST(IncidentNoticesTest, AcknowledgedNoticeEditsTheAnnouncement) {
  const IncidentFacts facts{"dashboard-db", "production", "incidents:production:42",
                            "connect: connection refused", "", At(0), std::nullopt,
                            TargetState::kDown};
  const Notice n = AcknowledgedNotice(facts, "alice", At(60), kCtx);
  EXPECT_EQ(n.kind, "incident.acknowledged");
  EXPECT_EQ(n.subject, "incidents:production:42");
  EXPECT_EQ(n.severity, NoticeSeverity::kInfo);
  EXPECT_EQ(n.state, NoticeState::kCritical);
  EXPECT_FALSE(n.mention);
  EXPECT_EQ(n.title, "dashboard-db down: acknowledged by alice");
  EXPECT_EQ(n.description, "connect: connection refused");
  EXPECT_EQ(Field(n, "Acknowledged by")->value, "alice");
  EXPECT_EQ(n.opsdeck_url, "/incidents?target=dashboard-db");
  EXPECT_EQ(n.occurred_at, At(60));
}

}  // namespace
}  // namespace opsdeck::core
